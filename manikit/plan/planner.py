"""Making a plan against a cluster: desired objects, the apply set and the live objects; what the
cluster would hold after a server-side apply of each (``server_side``), diffed by ``changes``. Shared
by ``manikit plan``, ``manikit apply`` and ``manikit.plan()``; the scheduling preview is added by
``apply.preview`` (it applies the plan to a simulation)."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection

from manikit.cluster import Cluster
from manikit.errors import PlanError
from manikit.plan.actions import ObjectKey, Plan
from manikit.plan.changes import plan_changes
from manikit.plan.desired import DesiredSet
from manikit.plan.live import LiveObjects, members
from manikit.plan.replacing import check_replace
from manikit.plan.server_side import resolve
from manikit.plan.unchanged import reads_every_object, unchanged_keys


def make_plan(
    cluster: Cluster,
    desired: DesiredSet,
    *,
    applyset: str,
    prune: bool = False,
    allow_empty: bool = False,
    replace: Collection[str] = (),
    force_conflicts: bool = False,
    fast: bool = True,
) -> Plan:
    """The plan from the cluster's state to ``desired`` (which must hold no errors). ``replace``
    names objects to delete and create again (``KIND/NAMESPACE/NAME``, terraform's -replace).
    ``fast`` False reads and compares every object even where the cluster's record of applies says
    it is unchanged (``manikit.plan.unchanged``): the same plan, slower (``MANIKIT_PLAN_EVERY_OBJECT=1``
    says the same to every plan)."""
    if prune and not desired.objects and not allow_empty:
        raise PlanError(
            "refusing to prune with no manifests in the input: that would delete every object of apply set "
            f'"{applyset}"; pass --allow-empty if that is what you want'
        )
    # objects still as manikit's apply of the same manifest left them are not read at all; the rest
    # are read one by one as they are planned, and dropped once found unchanged
    fast = fast and not reads_every_object()
    same = unchanged_keys(cluster, desired.objects, applyset) if fast else set()
    keys, known = members(cluster, applyset, bodies=False, keys_needed=prune)  # keys: what prune deletes
    live = LiveObjects(cluster, known, (d.key for d in desired.objects if not same or d.key not in same))
    replace_keys = check_replace(replace, desired.objects, _Recorded(live, same))
    same -= replace_keys  # replaced: read and planned in full
    resolved = resolve(
        cluster,
        [d for d in desired.objects if d.key not in same] if same else desired.objects,
        live,
        applyset=applyset,
        replace_keys=replace_keys,
        force_conflicts=force_conflicts,
        unread=same,
    )
    plan = plan_changes(
        resolved.desired,
        live,
        keys,
        unchanged=[*same, *resolved.unchanged],
        store_id=cluster.identity,
        base_revision=cluster.revision(),
        applyset=applyset,
        prune=prune,
        replace=replace_keys,
        refusals=resolved.refusals,
        force_conflicts=force_conflicts,
        atomic=cluster.atomic_batches,
    )
    # an unchanged object whose document's text was not noted yet (a new manikit, a comment edited)
    notes = tuple(
        (d.key, d.text)
        for d in (desired.objects if same else ())
        if d.text is not None and not d.from_note and d.key in same
    )
    return dataclasses.replace(plan, text_notes=notes) if notes else plan


class _Recorded:
    """Whether the cluster holds an object: read (``live``) or known unchanged without reading."""

    def __init__(self, live: LiveObjects, unread: Collection[ObjectKey]) -> None:
        self._live, self._unread = live, unread

    def __contains__(self, key: object) -> bool:
        return key in self._unread or key in self._live
