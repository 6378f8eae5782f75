"""A worker sends the manifest of an object whose document uses no YAML alias sharing the parsed
document's nodes (``desired.shares_data``), instead of copying them as the general path does: after
pickling, the manifest must be the general path's, node for node, and hold no node twice."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manikit.plan.changes import Desired
from manikit.plan.desired import Packing, as_written
from manikit.plan.normalize import desired_body
from manikit.source.documents import load_text
from manikit.source.reader import SourceText
from manikit.source.yamlfast import load_yaml, load_yaml_exact
from manikit.validate.validator import validate_documents


def _nodes_once(node: Any, seen: set[int]) -> bool:
    """Whether no dict or list is in ``node`` twice."""
    if isinstance(node, (dict, list)):
        if id(node) in seen:
            return False
        seen.add(id(node))
        return all(_nodes_once(v, seen) for v in (node.values() if isinstance(node, dict) else node))
    return True


def _sent(text: str, packing: Packing, *, general: bool) -> list[Desired]:
    """Each object of ``text`` as a worker sends it and the parent reads it (pickled): by the fast
    path (the document's own alias flag), or by the general one (as if every document had one)."""
    documents = load_text(SourceText("app.yaml", text)).documents
    objects = validate_documents(documents, keep_objects=True).objects
    assert len(objects) == len(documents), validate_documents(documents).problems
    sent = [
        packing.pack(v.obj, f"app.yaml:{v.doc.line}", v.doc.data, "shop", aliased=general or v.doc.aliased)
        for v in objects
    ]
    back: list[Desired] = pickle.loads(pickle.dumps(sent))
    return back


def _sequential(text: str) -> list[Desired]:
    """The objects as the sequential path holds them (``as_written``'s copy)."""
    documents = load_text(SourceText("app.yaml", text)).documents
    out = []
    for v in validate_documents(documents, keep_objects=True).objects:
        body = desired_body(v.obj, "shop", owned=True)
        out.append(Desired(body, f"app.yaml:{v.doc.line}", as_written(v.doc.data, body)))
    return out


def _check(text: str, packing: Packing) -> None:
    fast, general, sequential = (
        _sent(text, packing, general=False),
        _sent(text, packing, general=True),
        _sequential(text),
    )
    assert fast == general == sequential
    for a, b in zip(fast, general, strict=True):
        assert a.key == b.key and a.source == b.source and a.sent == b.sent
        assert a.manifest == b.manifest and a.body == b.body
        assert _nodes_once(a.manifest, set()) and _nodes_once(b.manifest, set())


_KEYS = st.sampled_from(["app", "tier", "team", "a.b/c", "1", "true", "x-y"])
_VALUES = st.sampled_from(["web", "1", "0.5", "yes", "null", "a b", ""])
_LABELS = st.dictionaries(_KEYS, _VALUES, min_size=1, max_size=4)


def _flow(labels: dict[str, str]) -> str:
    return "{" + ", ".join(f'"{k}": "{v}"' for k, v in labels.items()) + "}"


def _block(labels: dict[str, str], indent: str) -> str:
    return "".join(f'\n{indent}"{k}": "{v}"' for k, v in labels.items())


@st.composite
def _config_map(draw: st.DrawFn, i: int) -> str:
    """A ConfigMap whose labels may be shared (aliased) as its annotations and as its data, written
    in block or flow style (each builder of ``yamlfast.load_yaml`` reads some of them)."""
    labels = draw(_LABELS)
    anchor = draw(st.booleans())
    flow = draw(st.booleans())
    written = _flow(labels) if flow else _block(labels, "    ")
    lines = ["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: settings-{i}"]
    lines.append(f"  labels: {'&l ' if anchor else ''}{written}")
    annotations = (
        draw(st.sampled_from(["alias", "own", "none"])) if anchor else draw(st.sampled_from(["own", "none"]))
    )
    if annotations == "alias":
        lines.append("  annotations: *l")
    elif annotations == "own":
        lines.append(f"  annotations: {_flow(labels) if flow else _block(labels, '    ')}")
    if anchor and draw(st.booleans()):
        lines.append("data: *l")
    else:
        lines.append(f"data: {_flow(labels) if flow else _block(labels, '  ')}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 2), min_size=1, max_size=4).flatmap(
        lambda ids: st.tuples(*[_config_map(i) for i in range(len(ids))])
    )
)
def test_shared_manifests_are_the_copied_ones_node_for_node(documents: tuple[str, ...]) -> None:
    _check("---\n".join(documents), Packing("shop"))


ALIASED_THEN_PLAIN = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: first
  labels: &shared {a: "1"}
  annotations: *shared
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: second
  labels: {a: "1"}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: third, labels: &l {b: "2"}}
  data: *l
"""


@pytest.mark.parametrize("packing", [Packing("shop"), Packing(None)], ids=["digest", "no-digest"])
def test_only_a_document_with_an_alias_is_copied(packing: Packing) -> None:
    documents = load_text(SourceText("app.yaml", ALIASED_THEN_PLAIN)).documents
    assert [(d.name, d.aliased) for d in documents] == [("first", True), ("second", False), ("third", True)]
    _check(ALIASED_THEN_PLAIN, packing)
    first, _, third = _sent(ALIASED_THEN_PLAIN, packing, general=False)
    assert first.manifest is not None and third.manifest is not None
    assert first.manifest["metadata"]["labels"] is not first.manifest["metadata"]["annotations"]
    assert third.manifest["data"] is not third.manifest["metadata"]["labels"]


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb:\n  - c\n",  # read line by line (yamllines)
        "a: {b: [1, 2]}\n",  # the plain builder (a flow collection)
        "a: &x 1\nb: *x\n---\nc: 2\n",  # the exact one: an alias, then a document without
        "a: &x [1]\n---\nb: 1\n---\nc: *x\n",  # an anchor is the document's own: the last one's is unknown
    ],
)
def test_the_alias_flag_is_each_documents_own(text: str) -> None:
    documents, problems = load_yaml(text, "app.yaml")
    exact, _ = load_yaml_exact(text, "app.yaml")
    expected = ["*" in part for part in text.split("---\n")]
    if problems:  # an unknown alias stops the parse there
        expected = expected[: len(documents)]
    assert [d.aliased for d in documents] == expected
    assert [d.aliased for d in exact] == expected
    assert [d.data for d in documents] == [d.data for d in exact]


def test_a_list_item_keeps_its_documents_flag() -> None:
    items = load_text(SourceText("app.yaml", ALIASED_THEN_PLAIN.split("---\n")[2])).documents
    assert [d.aliased for d in items] == [True]
