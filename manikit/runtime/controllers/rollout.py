"""The Deployment controller's arithmetic, after pkg/controller/deployment/util: template hash,
revisions, maxSurge/maxUnavailable fenceposts, new-ReplicaSet sizing and status."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from manikit.runtime.controllers.template_hash import ALPHANUMS as _ALPHANUMS  # noqa: F401 (re-exported)
from manikit.runtime.controllers.template_hash import fnv_encoded as _fnv_encoded  # noqa: F401
from manikit.runtime.controllers.template_hash import template_hash as template_hash
from manikit.runtime.controllers.template_hash import template_hashes as template_hashes
from manikit.runtime.store import Body

REVISION = "deployment.kubernetes.io/revision"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
HASH_LABEL = "pod-template-hash"


def template_without_hash(template: dict[str, Any]) -> dict[str, Any]:
    meta = dict(template.get("metadata") or {})
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != HASH_LABEL}
    if labels:
        meta["labels"] = labels
    else:
        meta.pop("labels", None)
    return {**template, "metadata": meta}


def revision_of(body: Body) -> int:
    try:
        return int((body["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def resolve(value: int | str | None, total: int, round_up: bool) -> int:
    """An int or a percentage of ``total`` (intstr.GetScaledValueFromIntOrPercent)."""
    if value is None:
        return 0
    if isinstance(value, int):
        return value
    percent = int(value.rstrip("%"))
    scaled = percent * total / 100
    return math.ceil(scaled) if round_up else math.floor(scaled)


def fenceposts(dep: Body) -> tuple[int, int]:
    """(maxSurge, maxUnavailable): surge rounds up, unavailable down; both 0 means 1 unavailable."""
    replicas = int(dep["spec"].get("replicas", 1))
    strategy = dep["spec"].get("strategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate":
        return 0, 0
    rolling = strategy.get("rollingUpdate") or {}
    surge = resolve(rolling.get("maxSurge", "25%"), replicas, True)
    unavailable = resolve(rolling.get("maxUnavailable", "25%"), replicas, False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def max_unavailable(dep: Body) -> int:
    replicas = int(dep["spec"].get("replicas", 1))
    if (dep["spec"].get("strategy") or {}).get("type", "RollingUpdate") != "RollingUpdate" or replicas == 0:
        return 0
    return min(fenceposts(dep)[1], replicas)


def spec_replicas(sets: Iterable[Body]) -> int:
    return sum(int(rs["spec"].get("replicas", 0)) for rs in sets)


def status_count(sets: Iterable[Body], field: str) -> int:
    return sum(int((rs.get("status") or {}).get(field, 0) or 0) for rs in sets)


def new_rs_replicas(dep: Body, all_sets: list[Body], new_rs: Body | None) -> int:
    """How big the new ReplicaSet may be now (NewRSNewReplicas)."""
    replicas = int(dep["spec"].get("replicas", 1))
    if (dep["spec"].get("strategy") or {}).get("type", "RollingUpdate") != "RollingUpdate":
        return replicas
    current_new = int(new_rs["spec"].get("replicas", 0)) if new_rs else 0
    surge, _ = fenceposts(dep)
    current_total = spec_replicas(all_sets)
    max_total = replicas + surge
    if current_total >= max_total:
        return current_new
    scale_up = min(max_total - current_total, replicas - current_new)
    return current_new + scale_up


def is_complete(dep: Body, status: dict[str, Any]) -> bool:
    """DeploymentComplete: every replica updated and available, and the spec observed."""
    replicas = int(dep["spec"].get("replicas", 1))
    return bool(
        status.get("updatedReplicas", 0) == replicas
        and status.get("replicas", 0) == replicas
        and status.get("availableReplicas", 0) == replicas
        and status.get("observedGeneration", 0) >= dep["metadata"].get("generation", 1)
    )


def is_progressing(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """DeploymentProgressing: more updated, ready or available replicas, or fewer old ones."""
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new.get("replicas", 0) - new.get("updatedReplicas", 0)
    return bool(
        new.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
        or new_old < old_old
        or new.get("readyReplicas", 0) > old.get("readyReplicas", 0)
        or new.get("availableReplicas", 0) > old.get("availableReplicas", 0)
    )


def _annotation_int(rs: Body, key: str) -> int | None:
    value = (rs["metadata"].get("annotations") or {}).get(key)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def desired_replicas_of(rs: Body) -> int | None:
    return _annotation_int(rs, DESIRED_REPLICAS)


def is_saturated(dep: Body, rs: Body | None) -> bool:
    """The new ReplicaSet runs every replica, available (IsSaturated)."""
    if rs is None:
        return False
    replicas = int(dep["spec"].get("replicas", 1))
    return (
        int(rs["spec"].get("replicas", 0)) == replicas
        and desired_replicas_of(rs) == replicas
        and status_count([rs], "availableReplicas") == replicas
    )


def _round(value: float) -> int:
    """Go's integer.RoundToInt32: halves away from zero."""
    return int(value + 0.5) if value >= 0 else int(value - 0.5)


def proportional_sizes(dep: Body, active: list[Body], status_replicas: int) -> list[tuple[Body, int]]:
    """Scaling a Deployment mid-rollout: every active ReplicaSet grows or shrinks in proportion to its
    size (the deployment controller's scale()), leftovers going to the largest. ``active`` is ordered
    oldest first."""
    replicas = int(dep["spec"].get("replicas", 1))
    surge = fenceposts(dep)[0]
    allowed = replicas + surge if replicas > 0 else 0
    to_add = allowed - spec_replicas(active)
    order = list(active)
    if to_add > 0:  # ReplicaSetsBySizeNewer: larger first, then newer
        order = sorted(reversed(order), key=lambda rs: -int(rs["spec"].get("replicas", 0)))
    elif to_add < 0:  # ReplicaSetsBySizeOlder: larger first, then older
        order = sorted(order, key=lambda rs: -int(rs["spec"].get("replicas", 0)))
    sizes: list[int] = []
    added = 0
    for rs in order:
        size = int(rs["spec"].get("replicas", 0))
        share = _proportion(dep, rs, to_add, added, status_replicas, surge) if to_add else 0
        sizes.append(size + share)
        added += share
    if order and to_add:
        sizes[0] = max(0, sizes[0] + to_add - added)
    return list(zip(order, sizes, strict=True))


def _proportion(dep: Body, rs: Body, to_add: int, added: int, status_replicas: int, surge: int) -> int:
    size = int(rs["spec"].get("replicas", 0))
    if size == 0 or to_add == added:
        return 0
    replicas = int(dep["spec"].get("replicas", 1))
    if replicas == 0:
        fraction = -size
    else:
        annotated = _annotation_int(rs, MAX_REPLICAS) or status_replicas
        fraction = _round(size * (replicas + surge) / annotated) - size if annotated else 0
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)
