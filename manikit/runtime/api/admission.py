"""Admission as the API server does it: namespace lifecycle, then each kind's rules (manikit.kinds):
validation, immutable fields, allocated values."""

from __future__ import annotations

from manikit.errors import ForbiddenError, NotFoundError
from manikit.kinds import registry as kind_rules
from manikit.models.meta import TypeMeta
from manikit.runtime.api.kinds import refuse_invalid
from manikit.runtime.store import Body
from manikit.runtime.store.names import group_of, resource_name

PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")


def check_namespace(kind: str, name: str, namespace_obj: Body | None, namespace: str) -> None:
    """A namespaced object needs an existing namespace that is not being terminated."""
    if namespace_obj is None:
        raise NotFoundError.of("namespaces", namespace)
    if is_terminating(namespace_obj):
        why = f"unable to create new content in namespace {namespace} because it is being terminated"
        raise ForbiddenError.of(resource_name(kind), name, why, group_of(kind))


def is_terminating(namespace_obj: Body) -> bool:
    status = namespace_obj.get("status") or {}
    return status.get("phase") == "Terminating" or "deletionTimestamp" in namespace_obj["metadata"]


def check_namespace_deletable(name: str) -> None:
    if name in PROTECTED_NAMESPACES[:2]:
        raise ForbiddenError.of("namespaces", name, "this namespace may not be deleted")


def check_immutable(kind: str, old: Body, new: Body) -> None:
    """Refuse changes to fields Kubernetes makes immutable (the kind's update rules)."""
    refuse_invalid(kind, old["metadata"]["name"], kind_rules.validate_update(kind, old, new))


def keep_allocated(kind: str, old: Body, new: Body) -> None:
    """Server-set fields a manifest does not carry survive an update (Kubernetes' patchAllocatedValues):
    a Service's clusterIP and nodePorts, a Pod's nodeName."""
    kind_rules.keep_allocated(kind, old, new)


def check_create(obj: TypeMeta) -> None:
    """What the API server refuses beyond the schema: the kind's validation on create (and update),
    all causes at once, in kubectl's words."""
    refuse_invalid(obj.kind, obj.metadata.name or "", kind_rules.validate_create(obj))
