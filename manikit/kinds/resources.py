"""A container's requests and limits as the API server checks them (v1.31 ValidateResourceRequirements),
and the one definition of what a pod requests (the scheduler, lint, the preview and ``get nodes``).
"""

from __future__ import annotations

from manikit.kinds import names
from manikit.kinds.field import FieldError, FieldPath, invalid, raw, required
from manikit.models.pod import Container, PodSpec, ResourceRequirements
from manikit.models.quantity import Quantity

LIMIT_BELOW_REQUEST = ("MK102", "limit-below-request")
STANDARD_CONTAINER_RESOURCES = frozenset({"cpu", "memory", "ephemeral-storage"})


def is_native(resource: str) -> bool:
    return "/" not in resource or "kubernetes.io/" in resource


def is_hugepages(resource: str) -> bool:
    return resource.startswith("hugepages-")


def is_extended(resource: str) -> bool:
    """A resource a device plugin or an operator advertises (``nvidia.com/gpu``)."""
    return not is_native(resource) and not resource.startswith("requests.")


def overcommit_allowed(resource: str) -> bool:
    """Extended resources and huge pages cannot be overcommitted: their request must equal the limit."""
    return is_native(resource) and not is_hugepages(resource)


def _name_errors(resource: str, path: FieldPath) -> list[FieldError]:
    errors = [invalid(path, resource, m) for m in names.qualified_name(resource)]
    if "/" not in resource:
        if resource not in STANDARD_CONTAINER_RESOURCES and not is_hugepages(resource):
            errors.append(
                invalid(
                    path,
                    resource,
                    "must be a standard resource for containers",
                    hint="e.g. cpu, memory, nvidia.com/gpu",
                )
            )
    elif not is_native(resource) and not is_extended(resource):
        errors.append(invalid(path, resource, "doesn't follow extended resource name standard"))
    return errors


def _value_errors(resource: str, quantity: Quantity, path: FieldPath) -> list[FieldError]:
    if quantity.value.numerator < 0:
        return [invalid(path, _shown(quantity), "must be greater than or equal to 0")]
    if quantity.value.denominator != 1 and is_extended(resource) and quantity.milli() % 1000 != 0:
        hint = "extended resources are whole devices"
        return [invalid(path, _shown(quantity), "must be an integer", hint=hint)]
    return []


def _shown(quantity: Quantity) -> str:
    return raw(f'"{quantity.canonical()}"')


def plain_resources(res: ResourceRequirements) -> bool:
    """True when every limit and request is a standard resource, not negative, and each request is
    within its limit: what ``validate_resources`` passes over without a check of its own."""
    limits = res.limits or {}
    for resource, quantity in limits.items():
        if resource not in STANDARD_CONTAINER_RESOURCES or quantity.value.numerator < 0:
            return False
    for resource, quantity in (res.requests or {}).items():
        if resource not in STANDARD_CONTAINER_RESOURCES or quantity.value.numerator < 0:
            return False
        limit = limits.get(resource)
        if limit is not None and not quantity <= limit:
            return False
    return True


def validate_resources(res: ResourceRequirements | None, path: FieldPath) -> list[FieldError]:
    """Names, non-negative values, whole extended resources, and each request against its limit."""
    if res is None:
        return []
    errors: list[FieldError] = []
    limits = res.limits or {}
    for resource, quantity in limits.items():
        if resource in STANDARD_CONTAINER_RESOURCES and quantity.value.numerator >= 0:
            continue  # the common case, decided without building paths
        at = path.child("limits").key(resource)
        errors += _name_errors(resource, at) + _value_errors(resource, quantity, at)
    for resource, quantity in (res.requests or {}).items():
        limit = limits.get(resource)
        if (
            resource in STANDARD_CONTAINER_RESOURCES
            and quantity.value.numerator >= 0
            and (limit is None or quantity <= limit)
        ):
            continue
        at = path.child("requests").key(resource)
        errors += _name_errors(resource, at) + _value_errors(resource, quantity, at)
        errors += _against_limit(resource, quantity, limit, at, path.child("limits"))
    return errors


def _against_limit(
    resource: str, request: Quantity, limit: Quantity | None, at: FieldPath, limits_path: FieldPath
) -> list[FieldError]:
    if limit is None:
        if overcommit_allowed(resource):
            return []
        return [
            required(
                limits_path.key(resource),
                "Limit must be set for non overcommitable resources",
                hint=f"set limits.{resource} equal to the request",
            )
        ]
    if not overcommit_allowed(resource) and request != limit:
        detail = f"must be equal to {resource} limit of {limit.canonical()}"
        return [
            invalid(
                at,
                _shown(request),
                detail,
                hint=f"set requests.{resource} and limits.{resource} to the same value",
            )
        ]
    if request > limit:
        detail = f"must be less than or equal to {resource} limit of {limit.canonical()}"
        hint = f"raise limits.{resource} to at least {request.text or request.canonical()}"
        return [invalid(at, _shown(request), detail, code=LIMIT_BELOW_REQUEST, hint=hint)]
    return []


# What a pod requests ---------------------------------------------------------------------------------
def container_requests(container: Container, *, pod_defaults: bool = True) -> dict[str, Quantity]:
    """A container's requests; with ``pod_defaults`` as the API server defaults a Pod: a limit without
    a request is requested as well."""
    merged = container.limits() if pod_defaults else {}
    merged.update(container.requests())
    return merged


def _add(total: dict[str, Quantity], more: dict[str, Quantity]) -> None:
    for res, q in more.items():
        total[res] = total[res] + q if res in total else q


def pod_requests(spec: PodSpec, *, pod_defaults: bool = True) -> dict[str, Quantity]:
    """What the scheduler reserves for one pod: the sum over app containers and sidecars (init
    containers with restartPolicy Always, as in Kubernetes 1.29+), raised to the largest init
    container request (each counted with the sidecars started before it), plus overhead."""
    total: dict[str, Quantity] = {}
    sidecars: dict[str, Quantity] = {}
    init_max: dict[str, Quantity] = {}
    for c in spec.init_containers or []:
        requests = container_requests(c, pod_defaults=pod_defaults)
        for res, q in requests.items():
            candidate = q + sidecars[res] if res in sidecars else q
            if res not in init_max or candidate > init_max[res]:
                init_max[res] = candidate
        if c.restart_policy == "Always":
            _add(sidecars, requests)
    for c in spec.containers:
        _add(total, container_requests(c, pod_defaults=pod_defaults))
    _add(total, sidecars)
    for res, q in init_max.items():
        if res not in total or q > total[res]:
            total[res] = q
    _add(total, dict(spec.overhead or {}))
    return total
