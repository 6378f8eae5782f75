"""What ReplicaSets and Deployments share (apps validation, v1.31): a non-empty selector that matches
the pod template, a template whose pods always restart, and a selector fixed after creation."""

from __future__ import annotations

import json
from typing import Any

from manikit.kinds.field import ROOT, FieldError, FieldPath, forbidden, invalid, not_supported, raw, required
from manikit.kinds.meta import validate_label_selector
from manikit.kinds.podspec import validate_pod_template
from manikit.models.pod import PodTemplateSpec
from manikit.models.selector import LabelSelector

SELECTOR_MISMATCH = ("MK203", "deployment-selector-mismatch")


def validate_selector(selector: LabelSelector, path: FieldPath, what: str) -> list[FieldError]:
    errors = validate_label_selector(selector, path)
    if selector.is_empty():
        errors.append(
            invalid(
                path,
                raw(show_selector(selector.model_dump(by_alias=True, exclude_none=True))),
                f"empty selector is invalid for {what}",
                code=SELECTOR_MISMATCH,
                hint="select the template's labels, e.g. matchLabels: {app: <name>}",
            )
        )
    return errors


def validate_template_for_replicas(
    template: PodTemplateSpec | None, selector: LabelSelector, path: FieldPath
) -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet: required, selected by the selector, restartPolicy Always,
    no activeDeadlineSeconds; then the template itself."""
    if template is None:
        return [required(path)]
    errors: list[FieldError] = []
    labels = template.metadata.labels or {}
    if not selector.is_empty() and not selector.matches(labels):
        errors.append(
            invalid(
                path.child("metadata", "labels"),
                raw(f"map[string]string{{{go_map(labels)}}}"),
                "`selector` does not match template `labels`",
                code=SELECTOR_MISMATCH,
                hint="add the selector's labels to spec.template.metadata.labels",
            )
        )
    errors += validate_pod_template(template, path)
    spec = path.child("spec")
    policy = template.spec.restart_policy
    if policy not in (None, "Always"):
        errors.append(
            not_supported(
                spec.child("restartPolicy"), policy, ("Always",), hint="pods of a workload always restart"
            )
        )
    if template.spec.active_deadline_seconds is not None:
        errors.append(
            forbidden(
                spec.child("activeDeadlineSeconds"), "activeDeadlineSeconds in ReplicaSet is not Supported"
            )
        )
    return errors


def selector_update_errors(old: dict[str, Any], new: dict[str, Any]) -> list[FieldError]:
    before = (old.get("spec") or {}).get("selector")
    after = (new.get("spec") or {}).get("selector")
    if before == after:
        return []
    return [invalid(ROOT.child("spec", "selector"), raw(show_selector(after)), "field is immutable")]


def selector_forces_replacement(path: str, change_kind: str, before: dict[str, Any]) -> bool:
    return path == "spec.selector" or path.startswith("spec.selector.")


def show_selector(selector: Any) -> str:
    """A selector as the server prints it (Go's %#v of a v1.LabelSelector)."""
    selector = selector or {}
    labels = go_map(selector.get("matchLabels") or {})
    expressions = json.dumps(selector.get("matchExpressions"), separators=(",", ":"))
    shown = "[]v1.LabelSelectorRequirement(nil)" if expressions == "null" else expressions
    return f"v1.LabelSelector{{MatchLabels:map[string]string{{{labels}}}, MatchExpressions:{shown}}}"


def go_map(values: dict[str, str]) -> str:
    return ", ".join(f'"{k}":"{v}"' for k, v in sorted(values.items()))
