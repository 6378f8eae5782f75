"""Namespace (v1): Kubernetes' rules for the kind: a DNS-1123 label as its name; finalizers allocated."""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.field import FieldError
from manikit.kinds.meta import validate_object_meta
from manikit.models.namespace import Namespace

KIND = "Namespace"
NAMESPACED = False
ALLOCATED: tuple[tuple[str, ...], ...] = (("spec", "finalizers"),)


def validate_create(ns: Namespace) -> list[FieldError]:
    return validate_object_meta(ns.metadata, NAMESPACED, names.name_is_dns1123_label)
