"""Pod (v1): Kubernetes' rules for the kind, as its registry strategy keeps them.

Validation on create (ValidatePodCreate), on update (most of the spec is immutable), the fields the
server sets (nodeName through binding, status) and what a plan change to each field means.
"""

from __future__ import annotations

from typing import Any

from manikit.kinds import names
from manikit.kinds.field import ROOT, FieldError, forbidden
from manikit.kinds.meta import validate_object_meta
from manikit.kinds.podspec import default_pod_spec, validate_pod_spec
from manikit.models.pod import Pod, PodSpec

KIND = "Pod"
NAMESPACED = True
#: Fields the control plane sets when the manifest leaves them out (kept on update, never a diff).
ALLOCATED: tuple[tuple[str, ...], ...] = (("spec", "nodeName"),)
#: What a pod update may change (besides additions to tolerations).
MUTABLE_SPEC = ("spec.activeDeadlineSeconds", "spec.terminationGracePeriodSeconds")

UPDATE_FORBIDDEN = (
    "pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
    "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
    "previously negative)"
)


def validate_create(pod: Pod) -> list[FieldError]:
    errors = validate_object_meta(pod.metadata, NAMESPACED, names.name_is_dns1123_subdomain)
    return errors + validate_pod_spec(pod.spec, ROOT.child("spec"))


def validate_update(old: dict[str, Any], new: dict[str, Any]) -> list[FieldError]:
    """Only images, activeDeadlineSeconds, terminationGracePeriodSeconds and added tolerations change."""
    old_spec, new_spec = old.get("spec") or {}, new.get("spec") or {}
    old_tolerations = old_spec.get("tolerations") or []
    new_tolerations = new_spec.get("tolerations") or []
    removed = any(t not in new_tolerations for t in old_tolerations)
    if removed or _fixed_part(old_spec) != _fixed_part(new_spec):
        return [forbidden(ROOT.child("spec"), UPDATE_FORBIDDEN)]
    return []


def _fixed_part(spec: dict[str, Any]) -> dict[str, Any]:
    fixed = {
        k: v
        for k, v in spec.items()
        if k not in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds")
    }
    for field in ("containers", "initContainers"):
        if field in fixed:
            fixed[field] = [{k: v for k, v in c.items() if k != "image"} for c in fixed[field]]
    return fixed


def forces_replacement(path: str, change_kind: str, before: dict[str, Any]) -> bool:
    """Whether a plan's change at ``path`` (``spec.containers[name=web].image``) needs a new pod."""
    if not path.startswith("spec."):
        return False
    if path.endswith(".image") or path in MUTABLE_SPEC:
        return False
    return not (path.startswith("spec.tolerations") and change_kind == "add")


def keep_allocated(old: dict[str, Any], new: dict[str, Any]) -> None:
    """A pod's nodeName, once bound, survives an update that does not name it."""
    if old["spec"].get("nodeName") and not new["spec"].get("nodeName"):
        new["spec"] = {**new["spec"], "nodeName": old["spec"]["nodeName"]}


def default(pod: Pod) -> None:
    """The API server's defaults for a Pod: its spec's, and each limit without a request requested."""
    default_pod_spec(pod.spec)
    _copy_limits_to_requests(pod.spec)


def _copy_limits_to_requests(spec: PodSpec) -> None:
    """A Pod's container with a limit and no request for a resource requests its limit."""
    for container in spec.all_containers():
        res = container.resources
        if res is None or not res.limits:
            continue
        requests = dict(res.requests or {})
        for name, limit in res.limits.items():
            requests.setdefault(name, limit)
        res.requests = requests
