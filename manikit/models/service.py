"""Service (v1) and the Endpoints its controller maintains."""

from typing import Any, Literal

from pydantic import Field

from manikit.models.base import IntOrString, K8sModel, Protocol
from manikit.models.meta import TypeMeta


class ServicePort(K8sModel):
    name: str | None = None
    protocol: Protocol | None = None
    app_protocol: str | None = None
    port: int = Field(ge=1, le=65535)
    target_port: IntOrString | None = None
    node_port: int | None = Field(None, ge=0, le=65535)


class SessionAffinityConfig(K8sModel):
    client_ip: dict[str, Any] | None = Field(None, alias="clientIP")


class ServiceSpec(K8sModel):
    type: Literal["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"] | None = None
    selector: dict[str, str] | None = None
    ports: list[ServicePort] | None = None
    cluster_ip: str | None = Field(None, alias="clusterIP")
    cluster_ips: list[str] | None = Field(None, alias="clusterIPs")
    external_ips: list[str] | None = Field(None, alias="externalIPs")
    external_name: str | None = None
    external_traffic_policy: Literal["Cluster", "Local"] | None = None
    internal_traffic_policy: Literal["Cluster", "Local"] | None = None
    health_check_node_port: int | None = None
    load_balancer_ip: str | None = Field(None, alias="loadBalancerIP")
    load_balancer_source_ranges: list[str] | None = None
    load_balancer_class: str | None = None
    allocate_load_balancer_node_ports: bool | None = None
    session_affinity: Literal["ClientIP", "None"] | None = None
    session_affinity_config: SessionAffinityConfig | None = None
    ip_families: list[Literal["IPv4", "IPv6"]] | None = Field(None, alias="ipFamilies")
    ip_family_policy: Literal["SingleStack", "PreferDualStack", "RequireDualStack"] | None = Field(
        None, alias="ipFamilyPolicy"
    )
    publish_not_ready_addresses: bool | None = None
    traffic_distribution: str | None = None


class ServiceStatus(K8sModel):
    load_balancer: dict[str, Any] | None = None
    conditions: list[dict[str, Any]] | None = None


class Service(TypeMeta):
    api_version: Literal["v1"] = "v1"
    kind: Literal["Service"] = "Service"
    spec: ServiceSpec = Field(default_factory=ServiceSpec)
    status: ServiceStatus | None = None


class EndpointAddress(K8sModel):
    ip: str
    node_name: str | None = None
    hostname: str | None = None
    target_ref: dict[str, str] | None = None


class EndpointPort(K8sModel):
    name: str | None = None
    port: int
    protocol: Protocol | None = None


class EndpointSubset(K8sModel):
    addresses: list[EndpointAddress] | None = None
    not_ready_addresses: list[EndpointAddress] | None = None
    ports: list[EndpointPort] | None = None


class Endpoints(TypeMeta):
    api_version: Literal["v1"] = "v1"
    kind: Literal["Endpoints"] = "Endpoints"
    subsets: list[EndpointSubset] | None = None
