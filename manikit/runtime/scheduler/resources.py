"""A pod's resource requests as the scheduler counts them: integers (milli-CPU, bytes, counts).

Fit uses the requests as written (``manikit.kinds.resources.pod_requests``: containers summed, init
containers by the max rule, sidecars and overhead added). Scoring uses kube-scheduler's *non-zero*
requests: a container that does not name cpu or memory counts as 100m / 200Mi, so that best-effort
pods still spread.
"""

from __future__ import annotations

from manikit.kinds.resources import pod_requests as kinds_pod_requests
from manikit.models.pod import Container, PodSpec, ResourceRequirements
from manikit.models.quantity import Quantity

CPU = "cpu"
MEMORY = "memory"
EPHEMERAL_STORAGE = "ephemeral-storage"
PODS = "pods"

#: kube-scheduler's schedutil.DefaultMilliCPURequest and DefaultMemoryRequest.
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024
_NON_ZERO_DEFAULTS = {CPU: Quantity("100m"), MEMORY: Quantity("200Mi")}


def to_units(resource: str, quantity: Quantity) -> int:
    """CPU in millicores (MilliValue), everything else as a whole number (Value); both round up."""
    return quantity.milli() if resource == CPU else quantity.as_int()


def as_units(resources: dict[str, Quantity]) -> dict[str, int]:
    return {name: to_units(name, q) for name, q in resources.items()}


def pod_requests(spec: PodSpec) -> dict[str, int]:
    """What NodeResourcesFit reserves on a node for this pod (zero entries dropped)."""
    return {
        name: value for name, value in as_units(kinds_pod_requests(spec, pod_defaults=False)).items() if value
    }


def non_zero_requests(spec: PodSpec) -> tuple[int, int]:
    """(milli-CPU, memory bytes) with kube-scheduler's per-container defaults for missing requests."""
    patched = spec.model_copy(
        update={
            "containers": [_with_defaults(c) for c in spec.containers],
            "init_containers": [_with_defaults(c) for c in spec.init_containers or []],
        }
    )
    totals = as_units(kinds_pod_requests(patched, pod_defaults=False))
    return totals.get(CPU, 0), totals.get(MEMORY, 0)


def _with_defaults(container: Container) -> Container:
    requests = dict(_NON_ZERO_DEFAULTS)
    requests.update(container.requests())
    limits = container.limits() or None
    return container.model_copy(update={"resources": ResourceRequirements(requests=requests, limits=limits)})
