"""Node (v1): capacity, allocatable, labels, taints; the scheduler's view of a machine."""

from typing import Any, Literal

from pydantic import Field

from manikit.models.base import K8sModel
from manikit.models.meta import TypeMeta
from manikit.models.pod import Condition, TaintEffect
from manikit.models.quantity import Quantity


class Taint(K8sModel):
    key: str
    value: str | None = None
    effect: TaintEffect
    time_added: str | None = None


class NodeSpec(K8sModel):
    pod_cidr: str | None = Field(None, alias="podCIDR")
    pod_cidrs: list[str] | None = Field(None, alias="podCIDRs")
    provider_id: str | None = Field(None, alias="providerID")
    taints: list[Taint] | None = None
    unschedulable: bool | None = None
    config_source: dict[str, Any] | None = None
    external_id: str | None = Field(None, alias="externalID")


class NodeAddress(K8sModel):
    type: str
    address: str


class NodeStatus(K8sModel):
    capacity: dict[str, Quantity] | None = None
    allocatable: dict[str, Quantity] | None = None
    conditions: list[Condition] | None = None
    addresses: list[NodeAddress] | None = None
    phase: str | None = None
    node_info: dict[str, Any] | None = None
    images: list[dict[str, Any]] | None = None
    daemon_endpoints: dict[str, Any] | None = None
    volumes_in_use: list[str] | None = None
    volumes_attached: list[dict[str, Any]] | None = None
    config: dict[str, Any] | None = None
    runtime_handlers: list[dict[str, Any]] | None = None
    features: dict[str, Any] | None = None


class Node(TypeMeta):
    api_version: Literal["v1"] = "v1"
    kind: Literal["Node"] = "Node"
    spec: NodeSpec = Field(default_factory=NodeSpec)
    status: NodeStatus = Field(default_factory=NodeStatus)

    def allocatable(self) -> dict[str, Quantity]:
        """Allocatable, falling back to capacity per resource, as the kubelet reports it."""
        merged = dict(self.status.capacity or {})
        merged.update(self.status.allocatable or {})
        return merged
