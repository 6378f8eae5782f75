"""``doc_key`` reads the data once; what it gives is what the Document's properties say."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.source.documents import Document
from manikit.validate.pipeline import doc_key


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
