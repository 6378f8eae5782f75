"""The controllers, one module per kind, run in this order in every reconcile pass.

Each is a function ``reconcile(ctx: PassContext) -> None``: stateless between passes, reading and
writing only through ``ctx.api`` (the same API a user's write goes through).
"""

from __future__ import annotations

from collections.abc import Callable

from manikit.runtime.controllers import (
    deployment,
    endpoints,
    garbage_collector,
    namespace,
    node_agent,
    node_lifecycle,
    replicaset,
    scheduling,
)
from manikit.runtime.controllers.context import ModelCache, PassContext

Controller = Callable[[PassContext], None]


def _registry(entries: list[tuple[str, Controller]]) -> dict[str, Controller]:
    table: dict[str, Controller] = {}
    for name, controller in entries:
        if name in table:
            raise ValueError(f"controller {name} is registered twice")
        table[name] = controller
    return table


CONTROLLERS = _registry(
    [
        ("namespace", namespace.reconcile),
        ("garbage-collector", garbage_collector.reconcile),
        ("deployment", deployment.reconcile),
        ("replicaset", replicaset.reconcile),
        ("node-lifecycle", node_lifecycle.reconcile),
        ("scheduler", scheduling.reconcile),
        ("node-agent", node_agent.reconcile),
        ("endpoints", endpoints.reconcile),
    ]
)

__all__ = ["CONTROLLERS", "Controller", "ModelCache", "PassContext"]
