"""Deployment (apps/v1): Kubernetes' rules for the kind (ValidateDeployment, v1.31): the workload rules
plus the rollout strategy and progressDeadlineSeconds against minReadySeconds."""

from __future__ import annotations

import re

from manikit.kinds import names
from manikit.kinds.field import ROOT, FieldError, FieldPath, forbidden, invalid
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
from manikit.models.base import IntOrString
from manikit.models.workloads import Deployment, DeploymentStrategy, RollingUpdateDeployment

KIND = "Deployment"
NAMESPACED = True
ALLOCATED: tuple[tuple[str, ...], ...] = ()
DEFAULT_PROGRESS_DEADLINE = 600
_PERCENT = re.compile(r"[0-9]+%")
__all__ = ["forces_replacement", "validate_create", "validate_update"]


def validate_create(dep: Deployment) -> list[FieldError]:
    errors = validate_object_meta(dep.metadata, NAMESPACED, names.name_is_dns1123_subdomain)
    spec: FieldPath = ROOT.child("spec")
    errors += validate_selector(dep.spec.selector, spec.child("selector"), "deployment")
    errors += validate_template_for_replicas(dep.spec.template, dep.spec.selector, spec.child("template"))
    errors += _strategy(dep.spec.strategy, spec.child("strategy"))
    deadline = dep.spec.progress_deadline_seconds
    min_ready = dep.spec.min_ready_seconds or 0
    effective = deadline if deadline is not None else DEFAULT_PROGRESS_DEADLINE  # defaulted first
    if effective <= min_ready:
        hint = f"make progressDeadlineSeconds greater than minReadySeconds ({min_ready})"
        at = spec.child("progressDeadlineSeconds")
        errors.append(invalid(at, effective, "must be greater than minReadySeconds", hint=hint))
    return errors


def _strategy(strategy: DeploymentStrategy | None, path: FieldPath) -> list[FieldError]:
    if strategy is None:
        return []
    rolling = strategy.rolling_update
    if strategy.type == "Recreate":
        if rolling is not None:
            return [
                forbidden(
                    path.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                    hint="remove rollingUpdate or use type: RollingUpdate",
                )
            ]
        return []
    if rolling is None:
        return []
    at = path.child("rollingUpdate")
    errors: list[FieldError] = []
    # the form of each value (an integer >= 0 or "N%") is the model's check (MK001)
    unavailable = 25 if rolling.max_unavailable is None else _amount(rolling.max_unavailable)
    surge = 25 if rolling.max_surge is None else _amount(rolling.max_surge)
    if unavailable == 0 and surge == 0:
        errors.append(
            invalid(
                at.child("maxUnavailable"),
                rolling.max_unavailable,
                "may not be 0 when `maxSurge` is 0",
                hint="let at least one of maxSurge and maxUnavailable be above 0",
            )
        )
    value = rolling.max_unavailable
    if isinstance(value, str) and _PERCENT.fullmatch(value) and int(value[:-1]) > 100:
        errors.append(invalid(at.child("maxUnavailable"), value, "must not be greater than 100%"))
    return errors


def _amount(value: IntOrString) -> int | None:
    if isinstance(value, int):
        return value
    return int(value[:-1]) if _PERCENT.fullmatch(value) else None


def default(dep: Deployment) -> None:
    """The API server's defaults for a Deployment (its pod template's included)."""
    spec = dep.spec
    if spec.replicas is None:
        spec.replicas = 1
    if spec.strategy is None:
        spec.strategy = DeploymentStrategy()
    if spec.strategy.type is None:
        spec.strategy.type = "RollingUpdate"
    if spec.strategy.type == "RollingUpdate":
        rolling = spec.strategy.rolling_update or RollingUpdateDeployment()
        if rolling.max_unavailable is None:
            rolling.max_unavailable = "25%"
        if rolling.max_surge is None:
            rolling.max_surge = "25%"
        spec.strategy.rolling_update = rolling
    if spec.revision_history_limit is None:
        spec.revision_history_limit = 10
    if spec.progress_deadline_seconds is None:
        spec.progress_deadline_seconds = 600
    default_pod_spec(spec.template.spec)
