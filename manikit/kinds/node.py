"""Node (v1): Kubernetes' rules for the kind: a DNS-1123 subdomain as its name."""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.field import FieldError
from manikit.kinds.meta import validate_object_meta
from manikit.models.node import Node

KIND = "Node"
NAMESPACED = False
ALLOCATED: tuple[tuple[str, ...], ...] = ()


def validate_create(node: Node) -> list[FieldError]:
    return validate_object_meta(node.metadata, NAMESPACED, names.name_is_dns1123_subdomain)
