"""The plugin registry: plugin name -> factory, written out by hand (no import-time registration)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import ModuleType

from manikit.runtime.scheduler.plugins import (
    balanced_allocation,
    inter_pod_affinity,
    node_affinity,
    node_name,
    node_ports,
    node_resources_fit,
    node_unschedulable,
    pod_topology_spread,
    taint_toleration,
)

Factory = Callable[[], object]


def build_registry(modules: Iterable[ModuleType]) -> dict[str, Factory]:
    """``{module.NAME: module.new}``; a name registered twice is a bug and fails loudly."""
    registry: dict[str, Factory] = {}
    for module in modules:
        name = module.NAME
        if name in registry:
            raise ValueError(f"scheduler plugin {name!r} registered twice ({module.__name__})")
        registry[name] = module.new
    return registry


REGISTRY: dict[str, Factory] = build_registry(
    (
        node_unschedulable,
        node_name,
        taint_toleration,
        node_affinity,
        node_ports,
        node_resources_fit,
        pod_topology_spread,
        inter_pod_affinity,
        balanced_allocation,
    )
)
