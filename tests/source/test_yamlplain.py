"""The lean builder (yamlplain.py) against the exact one (yamlfast.py): for any text, ``load_yaml``
gives what the exact builder alone gives; the lean one hands over whatever it does not build itself."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manikit.source.yamlfast import MAX_DEPTH, load_yaml, load_yaml_exact
from manikit.source.yamlplain import Unusual, load_plain


def _same(text: str) -> tuple[Any, Any]:
    def shown(result: tuple[Any, Any]) -> Any:
        docs, problems = result
        return [(d.index, _canonical(d.data), d.line) for d in docs], problems

    return shown(load_yaml(text, "f.yaml")), shown(load_yaml_exact(text, "f.yaml"))


def _canonical(data: Any) -> Any:
    """Data with its types spelt out (True == 1 and 1 == 1.0 in Python; NaN != NaN)."""
    if isinstance(data, dict):
        return ("map", [(k, _canonical(v)) for k, v in data.items()])
    if isinstance(data, list):
        return ("seq", [_canonical(v) for v in data])
    if isinstance(data, float) and math.isnan(data):
        return ("float", "nan")
    return (type(data).__name__, data)


PLAIN = [
    "1", "0", "00", "0644", "09", "-1", "+2", "0x1F", "0o17", "0b101", "1_000", "1.5", "1e3", "-.5", ".inf",
    "-.Inf", ".nan", "yes", "No", "on", "OFF", "y", "n", "true", "False", "~", "null", "Null", "",
    "2024-01-01", "web", "nginx:1.25", "100m", "512Mi", "1Gi", "o", "t", "f", "-", ".", "+", "8080",
    "99999999999999999999", "1.", "x y",
]  # fmt: skip
KEYS = ["a", "b", "name", "80", "yes", "null", "<<", "~", "key with space", ""]


def _scalar() -> st.SearchStrategy[str]:
    plain = st.sampled_from(PLAIN).filter(bool)
    quoted = st.sampled_from(PLAIN).map(lambda s: f"'{s}'")
    double = st.sampled_from(PLAIN).map(lambda s: f'"{s}"')
    tagged = st.tuples(st.sampled_from(["!!str", "!!int", "!!float", "!!bool", "!!null", "!x", "!"]), plain)
    return st.one_of(plain, plain, quoted, double, tagged.map(" ".join))


def _node(depth: int = 0) -> st.SearchStrategy[Any]:
    if depth >= 3:
        return _scalar()
    children = st.deferred(lambda: _node(depth + 1))
    mapping = st.lists(st.tuples(st.sampled_from(KEYS), children), max_size=4).map(lambda p: ("map", p))
    sequence = st.lists(children, max_size=4).map(lambda items: ("seq", items))
    return st.one_of(_scalar(), mapping, sequence)


def _flow(node: Any) -> str:
    if isinstance(node, str):
        return node
    kind, items = node
    if kind == "map":
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in items) + "}"
    return "[" + ", ".join(_flow(v) for v in items) + "]"


def _key(key: str) -> str:
    return f'"{key}"' if key in ("", "~") or " " in key else key


def _block(node: Any, indent: int) -> list[str]:
    """Lines of ``node`` in block style (empty collections and scalars in flow style)."""
    pad = " " * indent
    if isinstance(node, str) or not node[1]:
        return [pad + _flow(node)]
    kind, items = node
    lines: list[str] = []
    for item in items:
        key, value = item if kind == "map" else ("", item)
        head = f"{pad}{_key(key)}:" if kind == "map" else f"{pad}-"
        if isinstance(value, str) or not value[1]:
            lines.append(f"{head} {_flow(value)}")
        else:
            lines.append(head)
            lines.extend(_block(value, indent + 2))
    return lines


@st.composite
def _documents(draw: st.DrawFn) -> str:
    parts: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        node = draw(_node())
        lines = [_flow(node)] if draw(st.booleans()) else _block(node, 0)
        if draw(st.integers(0, 4)) == 0:  # an anchor and its alias now and then
            lines = [line.replace(": ", ": &x ", 1) for line in lines[:1]] + lines[1:] + ["---", "z: *x"]
        parts.append("\n".join(lines))
    return "\n---\n".join(parts) + "\n"


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_any_text_loads_as_the_exact_builder_loads_it(text: str) -> None:
    fast, exact = _same(text)
    assert fast == exact


@pytest.mark.parametrize(
    "text",
    [
        "a: &x 1\nb: *x\n",  # an anchor
        "a: 1\na: 2\n",  # a duplicate scalar
        "a: 1\na: {b: 2}\n",  # a duplicate collection
        "base: {x: 1}\nuse:\n  <<: {x: 2}\n",  # a merge key
        "? [a]\n: 1\n",  # a complex key
        "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),  # past the depth limit
    ],
    ids=["anchor", "duplicate", "duplicate-collection", "merge", "complex-key", "depth"],
)
def test_what_the_lean_builder_leaves_to_the_exact_one(text: str) -> None:
    with pytest.raises(Unusual):
        load_plain(text)
    fast, exact = _same(text)
    assert fast == exact


def test_the_node_limit_is_left_to_the_exact_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    from manikit.source import yamlfast, yamlplain

    monkeypatch.setattr(yamlplain, "MAX_NODES", 5)
    monkeypatch.setattr(yamlfast, "MAX_NODES", 5)
    assert load_plain("a: [1, 2]\n") == [({"a": [1, 2]}, 1)]  # 5 nodes: the mapping, a, the list, 1, 2
    with pytest.raises(Unusual):
        load_plain("a: [1, 2, 3]\n")
    fast, exact = _same("a: [1, 2, 3]\n")
    assert fast == exact
    assert [p.code for p in fast[1]] == ["MK010"]


def test_the_deepest_nesting_allowed_is_built_by_either() -> None:
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert len(load_plain(text)) == 1
    fast, exact = _same(text)
    assert fast == exact
    assert fast[1] == []


def test_a_merge_key_with_a_scalar_value_is_an_ordinary_key() -> None:
    assert load_plain("<<: 1\n") == [({"<<": 1}, 1)]
    fast, exact = _same("<<: 1\n")
    assert fast == exact


def test_repeated_plain_values_resolve_alike() -> None:
    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(["0644", "yes", "1.5", "0644", "yes", "1.5"]))
    assert load_plain(text) == [({f"k{i}": v for i, v in enumerate([420, True, 1.5] * 2)}, 1)]


def test_syntax_errors_are_the_exact_builders() -> None:
    fast, exact = _same("a: 1\n---\nb: [1,\n")
    assert fast == exact
    assert [p.code for p in fast[1]] == ["MK004"]
