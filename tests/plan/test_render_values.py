"""The text plan shows each value as json.dumps writes it, whichever way it gets there; a created
object's lines are its leaves in document order, those its manifest does not say marked."""

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from manikit.plan.render.text import DEFAULTED, Line, _created_lines, _paths, _show

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
)


@given(VALUES)
def test_a_value_is_shown_as_json_dumps_writes_it(value: Any) -> None:
    assert _show(value) == json.dumps(value, separators=(", ", ": "), default=str)


def _leaves(node: Any, path: str = "") -> list[tuple[str, Any]]:
    """The reference: ``(path, value)`` of each leaf, in document order; a list of objects is a level
    of the path (the walk the plan's text made before it was fused with the lines, issue 17)."""
    if isinstance(node, dict) and node:
        return [
            leaf for key, value in node.items() for leaf in _leaves(value, f"{path}.{key}" if path else key)
        ]
    if isinstance(node, list) and node and all(isinstance(i, dict) for i in node):
        labels = [
            f"[name={i['name']}]" if isinstance(i.get("name"), str) else f"[{n}]" for n, i in enumerate(node)
        ]
        return [
            leaf for label, item in zip(labels, node, strict=True) for leaf in _leaves(item, path + label)
        ]
    return [(path, node)]


def _reference_lines(after: Any, manifest: Any) -> list[Line]:
    mine = {path for path, _ in _leaves(manifest)} if manifest else None
    lines = []
    for path, value in _leaves(after):
        if mine is None or path in mine or path in ("apiVersion", "kind"):
            lines.append(Line(f"      + {path}: {_show(value)}", "green"))
        else:
            lines.append(Line(f"      + {path}: {_show(value)} {DEFAULTED}", "dim"))
    return lines


def _lines(after: Any, manifest: Any) -> list[Line]:
    mine = None
    if manifest:
        mine = {"apiVersion", "kind"}
        _paths(manifest, "", mine)
    lines: list[Line] = []
    _created_lines(after, "", mine, lines)
    return lines


# keys that make paths collide ("a.b" and a > b; names as list labels), as a manifest may hold them
KEYS = st.sampled_from(["a", "b", "a.b", "name", "kind", "apiVersion", "[0]", "x[name=a]"]) | st.text(
    max_size=3
)
OBJECTS = st.recursive(
    SCALARS | st.just({}) | st.just([]),
    lambda inner: (
        st.dictionaries(KEYS, inner, max_size=4)
        | st.lists(st.dictionaries(KEYS, inner, max_size=3), max_size=3)
        | st.lists(inner, max_size=2)
    ),
    max_leaves=25,
)


@given(OBJECTS)
def test_paths_are_the_leaves_paths(node: Any) -> None:
    found: set[str] = set()
    _paths(node, "", found)
    assert found == {path for path, _ in _leaves(node)}


@given(OBJECTS, OBJECTS | st.none())
def test_created_lines_are_the_leaves_marked_where_the_manifest_is_silent(after: Any, manifest: Any) -> None:
    assert _lines(after, manifest) == _reference_lines(after, manifest)


@given(OBJECTS)
def test_created_lines_mark_nothing_of_an_object_whose_manifest_says_it_all(after: Any) -> None:
    assert all(line.style == "green" for line in _lines(after, after))


def test_leaves_in_document_order_with_lists_of_objects_as_path_levels() -> None:
    node = {
        "a": {"b": 1, "c": [], "d": {}},
        "ports": [{"name": "http", "port": 80}, {"port": 81}],
        "args": ["x", "y"],
    }
    assert _leaves(node) == [
        ("a.b", 1),
        ("a.c", []),
        ("a.d", {}),
        ("ports[name=http].name", "http"),
        ("ports[name=http].port", 80),
        ("ports[1].port", 81),
        ("args", ["x", "y"]),
    ]
    assert _leaves({}) == [("", {})] and _leaves("s") == [("", "s")]
    assert [line.text for line in _lines(node, None)] == [
        f"      + {p}: {_show(v)}" for p, v in _leaves(node)
    ]
    assert _lines({}, None) == [Line("      + : {}", "green")]
