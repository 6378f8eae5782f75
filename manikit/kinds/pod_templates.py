"""Pod templates of the workload kinds manikit does not model (StatefulSet, DaemonSet, Job, CronJob,
ReplicationController): where each keeps its template, the template's spec as a PodSpec, and the
API server's resource checks on its containers (the same ones a Deployment's template gets)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from manikit.kinds.field import FieldError, FieldPath
from manikit.kinds.resources import validate_resources
from manikit.models.pod import PodSpec

#: Where each kind keeps its pod template.
TEMPLATE_KINDS: dict[str, tuple[str, ...]] = {
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "ReplicationController": ("spec", "template"),
}


def template_of(data: Any) -> tuple[tuple[str, ...], dict[str, Any]] | None:
    """The pod template (a mapping) of a kind in TEMPLATE_KINDS and where it is; None otherwise."""
    kind = data.get("kind") if isinstance(data, dict) else None
    path = TEMPLATE_KINDS.get(kind) if isinstance(kind, str) else None
    if path is None:
        return None
    template: Any = data
    for step in path:
        template = template.get(step) if isinstance(template, dict) else None
    return (path, template) if isinstance(template, dict) else None


def template_spec(template: dict[str, Any]) -> PodSpec | None:
    """The template's spec validated as a PodSpec; None when it has none or it does not validate."""
    spec = template.get("spec")
    if not isinstance(spec, dict):
        return None
    try:
        return PodSpec.model_validate(spec, by_alias=True, by_name=False)
    except ValidationError:
        return None


def validate_template_resources(data: Any) -> list[FieldError]:
    """The server's checks of every container's requests and limits in the template (request above
    limit, negative values, fractional or unequal extended resources)."""
    found = template_of(data)
    spec = template_spec(found[1]) if found else None
    if found is None or spec is None:
        return []
    at = FieldPath().child(*found[0], "spec")
    errors: list[FieldError] = []
    for field, containers in (
        ("initContainers", spec.init_containers or []),
        ("containers", spec.containers),
    ):
        for i, container in enumerate(containers):
            errors += validate_resources(container.resources, at.child(field).index(i).child("resources"))
    return errors
