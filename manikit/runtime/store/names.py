"""Resource names for messages, as kubectl prints them (``deployments "web" not found``)."""

from __future__ import annotations

from manikit.models.registry import INTERNAL_KINDS, KINDS


def resource_name(kind: str) -> str:
    """The plural resource of a kind: Deployment -> deployments."""
    for info in (*KINDS.values(), *INTERNAL_KINDS.values()):
        if info.kind == kind:
            return info.plural
    return kind.lower() + "s"
