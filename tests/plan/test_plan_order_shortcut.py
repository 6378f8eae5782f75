"""A plan's changes are sorted by plain strings (``changes._order``), not by ``ObjectKey``'s generated
comparison (issue 17: 10,000 keys compared in Python): the same order as the keys'."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.plan.actions import APPLY_ORDER, Action, ObjectKey, ResourceChange
from manikit.plan.changes import _order

KINDS = st.sampled_from([*APPLY_ORDER, "ConfigMap", "Secret", "Job", "", "Zeta"])
TEXTS = st.sampled_from(["", "a", "b", "web", "web-1", "Web", "é", "a/b"])
CHANGES = st.builds(
    lambda kind, ns, name, version, action: ResourceChange(
        ObjectKey(kind, ns, name, version), action, None, None
    ),
    KINDS,
    TEXTS,
    TEXTS,
    st.sampled_from(["v1", "apps/v1", ""]),
    st.sampled_from(list(Action)),
)


def _former(change: ResourceChange) -> tuple[int, int, ObjectKey]:
    """The order as the keys themselves gave it."""
    kind = change.key.kind
    rank = APPLY_ORDER.index(kind) if kind in APPLY_ORDER else len(APPLY_ORDER)
    if change.action is Action.DELETE:
        return (1, -rank, change.key)
    return (0, rank, change.key)


@settings(max_examples=400, deadline=None)
@given(st.lists(CHANGES, max_size=12))
def test_changes_sort_as_their_keys_did(changes: list[ResourceChange]) -> None:
    assert [id(c) for c in sorted(changes, key=_order)] == [id(c) for c in sorted(changes, key=_former)]
