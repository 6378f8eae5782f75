"""ReplicaSet (apps/v1): Kubernetes' rules for the kind (ValidateReplicaSet, v1.31)."""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.field import ROOT, FieldError, FieldPath
from manikit.kinds.meta import validate_object_meta
from manikit.kinds.podspec import default_pod_spec
from manikit.kinds.workload import (
    selector_forces_replacement as forces_replacement,
)
from manikit.kinds.workload import (
    selector_update_errors as validate_update,
)
from manikit.kinds.workload import (
    validate_selector,
    validate_template_for_replicas,
)
from manikit.models.workloads import ReplicaSet

KIND = "ReplicaSet"
NAMESPACED = True
ALLOCATED: tuple[tuple[str, ...], ...] = ()
__all__ = ["forces_replacement", "validate_create", "validate_update"]


def validate_create(rs: ReplicaSet) -> list[FieldError]:
    errors = validate_object_meta(rs.metadata, NAMESPACED, names.name_is_dns1123_subdomain)
    spec: FieldPath = ROOT.child("spec")
    errors += validate_selector(rs.spec.selector, spec.child("selector"), "deployment")
    return errors + validate_template_for_replicas(rs.spec.template, rs.spec.selector, spec.child("template"))


def default(rs: ReplicaSet) -> None:
    """The API server's defaults for a ReplicaSet (its pod template's included)."""
    if rs.spec.replicas is None:
        rs.spec.replicas = 1
    if rs.spec.template is not None:
        default_pod_spec(rs.spec.template.spec)
