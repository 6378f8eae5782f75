"""``doc_key`` reads the data once; what it gives is what the Document's properties say. The files
with duplicates, found from the keys in one pass, are those of the identities counted twice."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.source.documents import Document
from manikit.validate.pipeline import DocKey, FileOutcome, _files_with_duplicates, doc_key
from manikit.validate.validator import object_identity


@pytest.mark.parametrize(
    "data",
    [
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "prod"}},
        {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": ""}},
        {"apiVersion": 1, "kind": ["Service"], "metadata": {"name": 3, "namespace": 4}},
        {"apiVersion": "v1", "kind": "Service", "metadata": ["web"]},
        {"apiVersion": "v1", "kind": "Service", "metadata": None},
        {"kind": "Service"},
        {},
        ["a list"],
        "a scalar",
    ],
    ids=[
        "full", "empty-namespace", "wrong-types", "metadata-list", "metadata-null", "no-api", "empty", "list",
        "scalar",
    ],
)  # fmt: skip
def test_doc_key_says_what_the_document_says(data: Any) -> None:
    doc = Document("f.yaml", 2, data, 7, ("items", 1))
    key = doc_key(doc)
    api_version = doc.api_version if isinstance(doc.api_version, str) else ""
    kind = doc.kind if isinstance(doc.kind, str) else ""
    assert (key.file, key.index, key.root, key.line) == ("f.yaml", 2, ("items", 1), 7)
    assert (key.api_version, key.kind, key.namespace, key.name) == (
        api_version,
        kind,
        doc.namespace,
        doc.name,
    )


_KEY_PARTS = st.tuples(
    st.sampled_from(["a.yaml", "b.yaml", "c.yaml"]),
    st.sampled_from(["v1", "apps/v1", "", "other.example/v1"]),
    st.sampled_from(["Deployment", "Namespace", "", "Widget"]),
    st.sampled_from([None, "x", "default"]),
    st.sampled_from(["", "one", "two"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_KEY_PARTS, max_size=12), st.sampled_from(["default", "x"]))
def test_files_with_duplicates_are_those_of_identities_seen_twice(parts, default_namespace) -> None:
    outcomes: dict[str, FileOutcome] = {}
    for i, (file, api_version, kind, namespace, name) in enumerate(parts):
        outcome = outcomes.setdefault(file, FileOutcome(name=file))
        outcome.keys.append(DocKey(file, i, (), api_version, kind, namespace, name, i + 1))
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for file, api_version, kind, namespace, name in parts:
        if kind and api_version and name:
            ident = object_identity(api_version, kind, namespace, name, default_namespace)
            groups.setdefault(ident, []).append(file)
    expected = {f for files in groups.values() if len(files) > 1 for f in files}
    assert _files_with_duplicates(list(outcomes.values()), default_namespace) == expected
