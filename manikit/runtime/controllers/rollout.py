"""The Deployment controller's arithmetic, after pkg/controller/deployment/util: template hash,
revisions, maxSurge/maxUnavailable fenceposts, new-ReplicaSet sizing and status."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

from manikit.runtime.store import Body

REVISION = "deployment.kubernetes.io/revision"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
HASH_LABEL = "pod-template-hash"
_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


def template_hash(template: dict[str, Any], collision_count: int = 0) -> str:
    """FNV-1a 32 over the template's canonical JSON, encoded as Kubernetes' SafeEncodeString does.

    Kubernetes hashes its Go printing of the object; the value differs, the shape and the stability
    (same template, same name) are the same."""
    data = json.dumps(template, sort_keys=True, separators=(",", ":")).encode()
    if collision_count:
        data += str(collision_count).encode()
    value = 0x811C9DC5
    for byte in data:
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return "".join(_ALPHANUMS[ord(ch) % len(_ALPHANUMS)] for ch in str(value))


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
