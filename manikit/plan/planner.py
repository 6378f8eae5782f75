"""Making a plan against a cluster: desired objects, the apply set and the live objects; what the
cluster would hold after a server-side apply of each (``server_side``), diffed by ``changes``. Shared
by ``manikit plan``, ``manikit apply`` and ``manikit.plan()``; the scheduling preview is added by
``apply.preview`` (it applies the plan to a simulation)."""

from __future__ import annotations

from collections.abc import Collection

from manikit.cluster import Cluster
from manikit.errors import PlanError
from manikit.plan.actions import Plan
from manikit.plan.changes import plan_changes
from manikit.plan.desired import DesiredSet
from manikit.plan.live import live_objects, members
from manikit.plan.replacing import check_replace
from manikit.plan.server_side import resolve


def make_plan(
    cluster: Cluster,
    desired: DesiredSet,
    *,
    applyset: str,
    prune: bool = False,
    allow_empty: bool = False,
    replace: Collection[str] = (),
    force_conflicts: bool = False,
) -> Plan:
    """The plan from the cluster's state to ``desired`` (which must hold no errors). ``replace``
    names objects to delete and create again (``KIND/NAMESPACE/NAME``, terraform's -replace)."""
    if prune and not desired.objects and not allow_empty:
        raise PlanError(
            "refusing to prune with no manifests in the input: that would delete every object of apply set "
            f'"{applyset}"; pass --allow-empty if that is what you want'
        )
    keys, known = members(cluster, applyset)
    live = live_objects(cluster, {d.key for d in desired.objects} | keys, known)
    replace_keys = check_replace(replace, desired.objects, live)
    resolved = resolve(
        cluster,
        desired.objects,
        live,
        applyset=applyset,
        replace_keys=replace_keys,
        force_conflicts=force_conflicts,
    )
    return plan_changes(
        resolved.desired,
        live,
        keys,
        store_id=cluster.identity,
        base_revision=cluster.revision(),
        applyset=applyset,
        prune=prune,
        replace=replace_keys,
        refusals=resolved.refusals,
        force_conflicts=force_conflicts,
        atomic=cluster.atomic_batches,
    )
