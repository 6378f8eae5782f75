"""What the local control plane itself can run: a bound on replicas per workload.

Kubernetes allows any int32 replica count and lets quotas and node capacity stop it; manikit's control
plane simulates every pod in one process, so a workload asking for more than it can hold is refused
at admission instead of growing the state without end. ``MANIKIT_MAX_REPLICAS`` raises the bound.
"""

from __future__ import annotations

import os

from manikit.errors import ConfigError, ForbiddenError
from manikit.runtime.store import Body
from manikit.runtime.store.names import group_of, resource_name

MAX_REPLICAS = 100_000
MAX_REPLICAS_ENV = "MANIKIT_MAX_REPLICAS"


def max_replicas() -> int:
    raw = os.environ.get(MAX_REPLICAS_ENV)
    if not raw:
        return MAX_REPLICAS
    if not raw.isdigit() or not 0 < int(raw) < 2**31:
        raise ConfigError(f"{MAX_REPLICAS_ENV}={raw[:30]!r} is not a replica count from 1 to 2147483647")
    return int(raw)


def check_replicas(kind: str, body: Body) -> None:
    """Refuse a Deployment or ReplicaSet with more replicas than the local control plane can run."""
    if kind not in ("Deployment", "ReplicaSet"):
        return
    replicas = (body.get("spec") or {}).get("replicas")
    limit = max_replicas()
    if type(replicas) is int and replicas > limit:
        why = (
            f"spec.replicas {replicas} is over the local control plane's limit of {limit} replicas per "
            f"workload; lower it, or raise the limit with {MAX_REPLICAS_ENV}"
        )
        raise ForbiddenError.of(resource_name(kind), body["metadata"]["name"], why, group_of(kind))
