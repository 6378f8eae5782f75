"""A created object's lines (``plan.render.text._created_lines`` and ``_paths``, which tell plain dicts,
lists and strings by their exact type first) are those of the plain walk by ``isinstance``, kept here
as the definition, for any JSON-like tree: dict and list subclasses, keys that are not strings, empty
containers, lists of dicts with and without names, mixed lists."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.plan.render import text
from manikit.plan.render.text import DEFAULTED, Line, _show


def plain_created_lines(node: Any, path: str, mine: set[str] | None, lines: list[Line]) -> None:
    if isinstance(node, dict) and node:
        for key, value in node.items():
            inner = f"{path}.{key}" if path else key
            if isinstance(value, (dict, list)):
                plain_created_lines(value, inner, mine, lines)
                continue
            shown = _show(value)
            if mine is None or inner in mine:
                lines.append(Line(f"      + {inner}: {shown}", "green"))
            else:
                lines.append(Line(f"      + {inner}: {shown} {DEFAULTED}", "dim"))
    elif isinstance(node, list) and node and all(isinstance(i, dict) for i in node):
        for i, item in enumerate(node):
            label = f"[name={item['name']}]" if isinstance(item.get("name"), str) else f"[{i}]"
            plain_created_lines(item, f"{path}{label}", mine, lines)
    elif mine is None or path in mine:
        lines.append(Line(f"      + {path}: {_show(node)}", "green"))
    else:
        lines.append(Line(f"      + {path}: {_show(node)} {DEFAULTED}", "dim"))


def plain_paths(node: Any, path: str, paths: set[Any]) -> None:
    if isinstance(node, dict) and node:
        for key, value in node.items():
            inner = f"{path}.{key}" if path else key
            if isinstance(value, (dict, list)):
                plain_paths(value, inner, paths)
            else:
                paths.add(inner)
    elif isinstance(node, list) and node and all(isinstance(i, dict) for i in node):
        for i, item in enumerate(node):
            label = f"[name={item['name']}]" if isinstance(item.get("name"), str) else f"[{i}]"
            plain_paths(item, f"{path}{label}", paths)
    else:
        paths.add(path)


class Str(str):
    pass


_KEYS = st.one_of(
    st.sampled_from(["a", "b", "name", "spec", "x.y", "é"]),
    st.integers(min_value=0, max_value=3),
    st.sampled_from(["a", "name"]).map(Str),
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=5),
    st.floats(allow_nan=False, width=32),
    st.text(max_size=4),
    st.just("web").map(Str),
)


def _maps(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    plain = st.dictionaries(_KEYS, children, max_size=4)
    return st.one_of(plain, plain.map(OrderedDict))


_TREES = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        _maps(children),
        st.lists(children, max_size=3),
        st.lists(_maps(children), min_size=1, max_size=3),
        st.lists(
            st.fixed_dictionaries({"name": st.sampled_from(["c", "d"])}, optional={"v": children}), max_size=3
        ),
    ),
    max_leaves=25,
)


@given(_TREES, _TREES, st.booleans())
@settings(max_examples=400, deadline=None)
def test_created_lines_are_the_plain_walks(after: Any, manifest: Any, with_manifest: bool) -> None:
    mine: set[Any] | None = None
    if with_manifest:
        mine, plain = {"apiVersion", "kind"}, {"apiVersion", "kind"}
        text._paths(manifest, "", mine)
        plain_paths(manifest, "", plain)
        assert mine == plain
    fast: list[Line] = []
    reference: list[Line] = []
    text._created_lines(after, "", mine, fast)
    plain_created_lines(after, "", mine, reference)
    assert fast == reference
    assert [type(line) for line in fast] == [Line] * len(fast)


def test_blocks_are_the_lines_an_object_at_a_time() -> None:
    """``text_blocks_of`` (the plain printer's) holds ``render_text``'s lines (checked against the
    golden files), one block per changed object."""
    from tests.plan.test_render import sample_plan

    for replace, atomic in ((True, True), (False, False)):
        plan = sample_plan(replace=replace, atomic=atomic)
        blocks = list(text.text_blocks_of(plan))
        assert [line for block in blocks for line in block] == text.render_text(plan)
        per_object = blocks[1 : 1 + len(plan.changes)]
        assert [block[2].text.split()[-1] for block in per_object] == [str(c.key) for c in plan.changes]
