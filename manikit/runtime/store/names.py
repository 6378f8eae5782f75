"""Resource names and groups for messages, as kubectl prints them (``deployments.apps "web" not found``)."""

from __future__ import annotations

from manikit.models.registry import INTERNAL_KINDS, KINDS


def resource_name(kind: str) -> str:
    """The plural resource of a kind: Deployment -> deployments."""
    for info in (*KINDS.values(), *INTERNAL_KINDS.values()):
        if info.kind == kind:
            return info.plural
    return kind.lower() + "s"


def group_of(kind: str) -> str:
    """The API group of a kind: Deployment -> apps, Pod -> "" (the core group)."""
    for info in (*KINDS.values(), *INTERNAL_KINDS.values()):
        if info.kind == kind:
            return info.api_version.rpartition("/")[0]
    return ""
