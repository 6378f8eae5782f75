"""``settled_digest_of_text``'s view made of the body it reads (``settled._owned_view``: what the view
drops is removed from the decoded body, nothing copied) against ``settled_digest`` of the same text
decoded as the store decodes it (``settled_view``, which copies): one digest for any body."""

from __future__ import annotations

from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from manikit.cluster.settled import BOOKKEEPING_PREFIXES, settled_digest, settled_digest_of_text
from manikit.runtime.store import codec

KEYS = st.sampled_from(["app", "note", *(f"{p}x" for p in BOOKKEEPING_PREFIXES), *BOOKKEEPING_PREFIXES])
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.sampled_from(["", "é", "v"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)),
    max_leaves=8,
)
MAPS = st.one_of(st.dictionaries(KEYS, st.sampled_from(["a", ""]), max_size=4), VALUES)
ENTRY = st.fixed_dictionaries(
    {},
    optional={
        "manager": st.sampled_from(["manikit", "other"]),
        "operation": st.sampled_from(["Apply", "Update"]),
        "time": st.just("2026-01-01T00:00:00Z"),
        "fieldsV1": VALUES,
        "apiVersion": st.just("v1"),
    },
)
APPLIER = st.fixed_dictionaries(
    {"manager": st.just("manikit"), "operation": st.just("Apply")},
    optional={"time": st.sampled_from(["2026-01-01T00:00:00Z", "x"]), "fieldsV1": VALUES},
)
METADATA = st.fixed_dictionaries(
    {
        "name": st.just("web"),
        "managedFields": st.one_of(
            st.lists(st.one_of(APPLIER, ENTRY, VALUES), min_size=1, max_size=3), st.lists(APPLIER), VALUES
        ),
    },
    optional={
        "namespace": st.just("shop"),
        "labels": MAPS,
        "annotations": MAPS,
        "resourceVersion": st.just("7"),
        "generation": st.integers(0, 3),
        "uid": st.just("u"),
    },
)
BODIES = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["Deployment", "ConfigMap", "Deployment", "ConfigMap", "Service", "Node", 7]),
        "metadata": st.one_of(METADATA, METADATA, VALUES),
    },
    optional={
        "apiVersion": st.just("v1"),
        "spec": VALUES,
        "status": VALUES,
        "data": VALUES,
    },
)


@settings(max_examples=600, deadline=None)
@given(body=BODIES)
def test_the_digest_of_a_text_is_the_digest_of_its_body(body: dict[str, Any]) -> None:
    text = codec.dumps(body)
    digest = settled_digest(codec.loads(text))
    assert settled_digest_of_text(text) == digest
    event("a view" if digest is not None else "no view")


def test_a_body_with_bookkeeping_only_is_viewed_without_it() -> None:
    """A guard that the comparison above meets views (not only bodies without one)."""
    entry = {"manager": "manikit", "operation": "Apply", "time": "t", "fieldsV1": {}}
    body = {
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "annotations": {"deployment.kubernetes.io/revision": "1"},
            "labels": {"app": "web", "applyset.kubernetes.io/part-of": "x"},
            "managedFields": [{"manager": "kcm", "operation": "Update"}, entry],
        },
        "status": {"replicas": 1},
    }
    plain = {
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}, "managedFields": [{**entry, "time": "u"}]},
    }
    assert settled_digest_of_text(codec.dumps(body)) == settled_digest(plain) is not None
