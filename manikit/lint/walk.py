"""Shared walking for rules: where an object's pod spec is, its containers with their data paths.

Helpers, never a base class: a rule calls what it needs.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, NamedTuple

from manikit.kinds import pod_templates as kinds_templates
from manikit.kinds.resources import pod_requests as kinds_pod_requests
from manikit.models.meta import TypeMeta
from manikit.models.pod import Container, Pod, PodSpec
from manikit.models.quantity import Quantity, QuantityFormat, format_quantity
from manikit.models.workloads import Deployment, ReplicaSet
from manikit.source.positions import Path

#: Kinds manikit does not model whose pod templates are linted all the same: where the template is.
TEMPLATE_KINDS: dict[str, Path] = dict(kinds_templates.TEMPLATE_KINDS)
#: The kinds that run a pod spec (for a rule's ``KINDS``: the engine calls it for these only).
POD_KINDS = frozenset({"Pod", "Deployment", "ReplicaSet", *TEMPLATE_KINDS})
#: Kinds whose pods run to completion: probes that keep a service up do not apply.
RUN_TO_COMPLETION = frozenset({"Job", "CronJob"})


class ContainerAt(NamedTuple):
    """One container of a pod spec and its data path (a tuple: made for every container of every
    object, it costs a fraction of a frozen dataclass)."""

    path: Path
    container: Container
    init: bool

    def resource_path(self, section: str, resource: str | None = None) -> Path:
        """The path of ``resources.<section>[.<resource>]``, or of the nearest part that exists."""
        res = self.container.resources
        values = None if res is None else (res.requests if section == "requests" else res.limits)
        if values is not None and resource is not None and resource in values:
            return (*self.path, "resources", section, resource)
        if values is not None:
            return (*self.path, "resources", section)
        if res is not None:
            return (*self.path, "resources")
        return self.path


class ResourceValue(NamedTuple):
    """One request or limit of one container."""

    at: ContainerAt
    section: str  # "requests" or "limits"
    resource: str
    quantity: Quantity

    @property
    def path(self) -> Path:
        return (*self.at.path, "resources", self.section, self.resource)


class PodAt:
    """A pod spec inside an object: its data path and labels; its containers and their resource values
    are walked once, when a rule first asks, and shared by all rules."""

    __slots__ = ("_app_containers", "_containers", "_values", "is_template", "labels", "path", "spec")

    def __init__(self, path: Path, spec: PodSpec, labels: dict[str, str], is_template: bool) -> None:
        self.path = path
        self.spec = spec
        self.labels = labels
        self.is_template = is_template
        # walked on first use (plain slots: functools.cached_property takes a lock on every first read)
        self._containers: tuple[ContainerAt, ...] | None = None
        self._app_containers: tuple[ContainerAt, ...] | None = None
        self._values: tuple[ResourceValue, ...] | None = None

    @property
    def containers(self) -> tuple[ContainerAt, ...]:
        """Init containers first, then app containers, in file order."""
        found = self._containers
        if found is None:
            path, spec = self.path, self.spec
            app = self.app_containers
            init = spec.init_containers
            if init:
                at = (*path, "initContainers")
                found = (*(ContainerAt((*at, i), c, True) for i, c in enumerate(init)), *app)
            else:
                found = app
            self._containers = found
        return found

    @property
    def app_containers(self) -> tuple[ContainerAt, ...]:
        found = self._app_containers
        if found is None:
            at = (*self.path, "containers")
            found = self._app_containers = tuple(
                ContainerAt((*at, i), c, False) for i, c in enumerate(self.spec.containers)
            )
        return found

    @property
    def values(self) -> tuple[ResourceValue, ...]:
        """Every request and limit of every container."""
        found = self._values
        if found is None:
            values: list[ResourceValue] = []
            for at in self.containers:
                resources = at.container.resources
                if resources is None:
                    continue
                if resources.requests:
                    values.extend(ResourceValue(at, "requests", r, q) for r, q in resources.requests.items())
                if resources.limits:
                    values.extend(ResourceValue(at, "limits", r, q) for r, q in resources.limits.items())
            found = self._values = tuple(values)
        return found


def pod_of(obj: TypeMeta | None, data: Any = None) -> PodAt | None:
    """The pod spec a Pod, Deployment or ReplicaSet runs, or (from ``data``, without a model of the
    whole object) the pod template of a StatefulSet, DaemonSet, Job, CronJob or ReplicationController;
    None for other kinds."""
    if obj is None:
        return template_pod(data)
    if isinstance(obj, Pod):
        return PodAt(("spec",), obj.spec, obj.labels, False)
    if isinstance(obj, Deployment):
        template = obj.spec.template
        return PodAt(("spec", "template", "spec"), template.spec, template.metadata.labels or {}, True)
    if isinstance(obj, ReplicaSet) and obj.spec.template is not None:
        template = obj.spec.template
        return PodAt(("spec", "template", "spec"), template.spec, template.metadata.labels or {}, True)
    return None


def template_pod(data: Any) -> PodAt | None:
    """The pod template of a kind in TEMPLATE_KINDS, its spec validated as a PodSpec; None when it has
    none or its spec does not validate (the rules then have nothing sound to look at)."""
    found = kinds_templates.template_of(data)
    if found is None:
        return None
    path, template = found
    pod_spec = kinds_templates.template_spec(template)
    if pod_spec is None:
        return None
    meta = template.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    shown = {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}
    return PodAt((*path, "spec"), pod_spec, shown, True)


def iter_containers(pod: PodAt, *, init: bool = True) -> tuple[ContainerAt, ...]:
    """App containers, and init containers (sidecars included) when ``init``; in file order."""
    return pod.containers if init else pod.app_containers


def pod_requests(spec: PodSpec) -> dict[str, Fraction]:
    """What the scheduler reserves for one pod made from ``spec`` (``manikit.kinds``' definition), with
    requests defaulted from limits as the API server does on pod creation."""
    return {name: q.value for name, q in kinds_pod_requests(spec).items()}


def replicas_of(obj: TypeMeta | None, data: Any = None) -> int:
    """How many pods an object runs (the API's default of 1 when unset); from ``data`` for the
    template kinds manikit does not model (a StatefulSet's or ReplicationController's replicas)."""
    if isinstance(obj, (Deployment, ReplicaSet)):
        return 1 if obj.spec.replicas is None else obj.spec.replicas
    spec = data.get("spec") if obj is None and isinstance(data, dict) else None
    replicas = spec.get("replicas") if isinstance(spec, dict) else None
    return replicas if isinstance(replicas, int) and not isinstance(replicas, bool) and replicas >= 0 else 1


def format_amount(resource: str, value: Fraction) -> str:
    """A readable quantity: memory in binary units, cpu in cores or millicores."""
    if resource == "memory" or resource.startswith(("ephemeral-storage", "hugepages-")):
        return format_quantity(value, QuantityFormat.BINARY_SI)
    return format_quantity(value, QuantityFormat.DECIMAL_SI)


def iter_resource_values(pod: PodAt) -> tuple[ResourceValue, ...]:
    """Every request and limit of every container (init containers included), in file order."""
    return pod.values


def container_label(at: ContainerAt) -> str:
    return f'{"init container" if at.init else "container"} "{at.container.name}"'
