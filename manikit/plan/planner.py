"""Making a plan against a cluster: desired objects, the apply set and the live objects, diffed by
``changes``. Shared by ``manikit plan``, ``manikit apply`` and ``manikit.plan()``; the scheduling
preview is added by ``apply.preview`` (it applies the plan to a simulation)."""

from __future__ import annotations

from manikit.cluster import Cluster
from manikit.errors import PlanError
from manikit.plan.actions import Plan
from manikit.plan.changes import plan_changes
from manikit.plan.desired import DesiredSet
from manikit.plan.live import live_objects, members


def make_plan(
    cluster: Cluster,
    desired: DesiredSet,
    *,
    applyset: str,
    prune: bool = False,
    allow_empty: bool = False,
) -> Plan:
    """The plan from the recorded state to ``desired`` (which must hold no errors)."""
    if prune and not desired.objects and not allow_empty:
        raise PlanError(
            "refusing to prune with no manifests in the input: that would delete every object of apply set "
            f'"{applyset}"; pass --allow-empty if that is what you want'
        )
    keys, known = members(cluster, applyset)
    return plan_changes(
        desired.objects,
        live_objects(cluster, {d.key for d in desired.objects} | keys, known),
        keys,
        store_id=cluster.identity,
        base_revision=cluster.revision(),
        applyset=applyset,
        prune=prune,
    )
