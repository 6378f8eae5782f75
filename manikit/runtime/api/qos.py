"""A pod's QoS class by Kubernetes' rules (pkg/apis/core/helper/qos), over cpu and memory only."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from manikit.models.quantity import parse_quantity

_COMPUTE = ("cpu", "memory")


def qos_class(spec: Mapping[str, Any]) -> str:
    """Guaranteed: every container sets cpu and memory limits with requests equal to them.
    BestEffort: no container requests or limits cpu or memory. Burstable: anything else."""
    containers = [*spec.get("initContainers", []), *spec.get("containers", [])]
    any_set = False
    guaranteed = True
    for container in containers:
        resources = container.get("resources") or {}
        requests = {k: v for k, v in (resources.get("requests") or {}).items() if k in _COMPUTE}
        limits = {k: v for k, v in (resources.get("limits") or {}).items() if k in _COMPUTE}
        if requests or limits:
            any_set = True
        if set(limits) != set(_COMPUTE):
            guaranteed = False
            continue
        for name, limit in limits.items():
            request = requests.get(name, limit)
            if parse_quantity(request) != parse_quantity(limit):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
