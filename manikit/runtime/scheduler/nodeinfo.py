"""The scheduler's snapshot: each pod and node reduced once to the numbers and sets the plugins read.

``PodInfo`` is what upstream computes in PreFilter (requests, host ports, owner); ``NodeInfo`` is the
scheduler cache's per-node aggregate (requested resources, used host ports, pod counts), updated as
each decision of a ``schedule`` call is assumed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from typing import Any

from manikit.models.node import Node, Taint
from manikit.models.pod import Pod, Toleration
from manikit.runtime.scheduler.podaffinity import PodAffinityTerms, pod_affinity_terms
from manikit.runtime.scheduler.resources import PODS, as_units, non_zero_requests, pod_requests

HOSTNAME_LABEL = "kubernetes.io/hostname"
ZONE_LABEL = "topology.kubernetes.io/zone"
DEFAULT_BIND_ALL_HOST_IP = "0.0.0.0"

#: (host IP, protocol, host port), sanitized as kube-scheduler's HostPortInfo does.
HostPort = tuple[str, str, int]
#: The controller a pod belongs to: (namespace, kind, name) of its controller ownerReference.
Group = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class PodInfo:
    pod: Pod
    namespace: str
    name: str
    priority: int
    created: str
    requests: dict[str, int]
    non_zero: tuple[int, int]  # (milli-CPU, memory bytes) for scoring
    host_ports: tuple[HostPort, ...]
    tolerations: tuple[Toleration, ...]
    group: Group | None
    signature: str  # the scheduling-relevant part of the spec as JSON (see _SIGNATURE_FIELDS)
    affinity: PodAffinityTerms | None = None  # inter-pod (anti-)affinity, None when it has none

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"


#: a PodInfo's fields after the model, in order
_AFTER_POD = tuple(f.name for f in fields(PodInfo))[1:]

#: What of a pod spec the scheduler reads (nodeName aside, which only bound pods carry): pods whose
#: specs agree on these schedule alike, whatever their images, commands or environment.
_SIGNATURE_FIELDS: dict[str, Any] = {
    "containers": {"__all__": {"resources", "ports"}},
    "init_containers": {"__all__": {"resources", "ports", "restart_policy"}},
    "overhead": True,
    "node_selector": True,
    "affinity": True,
    "tolerations": True,
    "priority": True,
    "topology_spread_constraints": True,
}


class PodInfoCache:
    """Builds PodInfos, computing the spec-derived parts once per distinct spec (pod template).

    Kept from one ``schedule`` call to the next (a reconcile's passes), it also gives back the very
    PodInfo of a pod model it was given in the last snapshot (a PodInfo is a pure function of its
    model); those of models left out of a snapshot are forgotten then.
    """

    def __init__(self) -> None:
        self._by_signature: dict[str, PodInfo] = {}
        # signatures by the identity of the spec's signature fields: pods of one template share
        # those objects (the controllers' model cache shares them), so most pods skip the JSON dump;
        # the objects are kept with it, so no id is reused while the entry lives
        self._by_parts: dict[tuple[int, ...], tuple[tuple[Any, ...], str]] = {}
        # by the identity of the model (kept with it): those of the last snapshot, this one's
        self._last: dict[int, PodInfo] = {}
        self._this: dict[int, PodInfo] = {}

    def get(self, pod: Pod) -> PodInfo:
        known = self._last.get(id(pod))
        if known is None or known.pod is not pod:
            known = self._make(pod)
        self._this[id(pod)] = known
        return known

    def rebound(self, pending: Pod, bound: Pod) -> None:
        """``bound`` is the model of ``pending`` bound to a node: its PodInfo is the same but for
        the model it holds (nothing a PodInfo derives reads the nodeName)."""
        info = self._last.get(id(pending))
        if info is not None and info.pod is pending:
            self._last[id(bound)] = PodInfo(bound, *(getattr(info, name) for name in _AFTER_POD))

    def end_snapshot(self) -> None:
        """Keep the PodInfos of this snapshot's pods for the next, and only those."""
        self._last, self._this = self._this, {}

    def _make(self, pod: Pod) -> PodInfo:
        namespace = pod.namespace or "default"
        signature = self._signature(pod)
        template = self._by_signature.get(signature)
        if template is None:
            template = self._by_signature[signature] = _from_spec(pod, signature)
        # the template's spec-derived fields with this pod's own (a direct call: ``replace`` walks
        # the fields on each of 10,000 pods)
        return PodInfo(
            pod,
            namespace,
            pod.name,
            template.priority,
            pod.metadata.creation_timestamp or "",
            template.requests,
            template.non_zero,
            template.host_ports,
            template.tolerations,
            controller_group(pod, namespace),
            template.signature,
            pod_affinity_terms(pod, namespace) if template.affinity is not None else None,
        )

    def _signature(self, pod: Pod) -> str:
        parts = tuple(getattr(pod.spec, name) for name in _SIGNATURE_FIELDS)
        identity = tuple(map(id, parts))
        known = self._by_parts.get(identity)
        if known is not None:
            return known[1]
        signature = pod.spec.model_dump_json(exclude_none=True, include=_SIGNATURE_FIELDS)
        self._by_parts[identity] = (parts, signature)
        return signature


def pod_info(pod: Pod) -> PodInfo:
    return PodInfoCache().get(pod)


def _from_spec(pod: Pod, signature: str) -> PodInfo:
    return PodInfo(
        pod=pod,
        namespace="",
        name="",
        priority=pod.spec.priority or 0,
        created="",
        requests=pod_requests(pod.spec),
        non_zero=non_zero_requests(pod.spec),
        host_ports=host_ports(pod),
        tolerations=tuple(pod.spec.tolerations or ()),
        group=None,
        signature=signature,
        affinity=pod_affinity_terms(pod, pod.namespace or "default"),  # per pod: uses its labels
    )


def host_ports(pod: Pod) -> tuple[HostPort, ...]:
    """Host ports of app containers and sidecars (restartable init containers), hostPort > 0 only."""
    containers = [*pod.spec.containers]
    containers += [c for c in pod.spec.init_containers or [] if c.restart_policy == "Always"]
    return tuple(
        (p.host_ip or DEFAULT_BIND_ALL_HOST_IP, p.protocol or "TCP", p.host_port)
        for c in containers
        for p in c.ports or []
        if p.host_port
    )


def controller_group(pod: Pod, namespace: str) -> Group | None:
    for ref in pod.metadata.owner_references or []:
        if ref.controller:
            return (namespace, ref.kind, ref.name)
    return None


@dataclass(slots=True)
class NodeInfo:
    node: Node
    name: str
    labels: dict[str, str]
    taints: tuple[Taint, ...]
    unschedulable: bool
    allocatable: dict[str, int]
    requested: dict[str, int] = field(default_factory=dict)
    non_zero_cpu: int = 0
    non_zero_memory: int = 0
    pod_count: int = 0
    used_ports: set[HostPort] = field(default_factory=set)
    group_counts: Counter[Group] = field(default_factory=Counter)
    pods: list[PodInfo] = field(default_factory=list)
    pods_with_affinity: list[PodInfo] = field(default_factory=list)

    def add(self, pod: PodInfo) -> None:
        """Account for a pod bound (or assumed) on this node."""
        for resource, value in pod.requests.items():
            self.requested[resource] = self.requested.get(resource, 0) + value
        self.non_zero_cpu += pod.non_zero[0]
        self.non_zero_memory += pod.non_zero[1]
        self.pod_count += 1
        self.pods.append(pod)
        if pod.affinity is not None:
            self.pods_with_affinity.append(pod)
        self.used_ports.update(pod.host_ports)
        if pod.group is not None:
            self.group_counts[pod.group] += 1

    @property
    def allowed_pods(self) -> int:
        return self.allocatable.get(PODS, 0)


def node_labels(node: Node) -> dict[str, str]:
    """The node's labels; the kubelet always sets kubernetes.io/hostname, so a manifest need not."""
    labels = dict(node.labels)
    labels.setdefault(HOSTNAME_LABEL, node.name)
    return labels


def node_info(node: Node) -> NodeInfo:
    return NodeInfo(
        node=node,
        name=node.name,
        labels=node_labels(node),
        taints=tuple(node.spec.taints or ()),
        unschedulable=bool(node.spec.unschedulable),
        allocatable=as_units(node.allocatable()),
    )
