"""Pod, PodSpec, Container and their parts, with the resource arithmetic the scheduler and lint share."""

from typing import Any, Literal

from pydantic import Field

from manikit.models.base import INT32_MAX, K8sModel, Opaque, Protocol
from manikit.models.meta import ObjectMeta, TypeMeta
from manikit.models.podextras import (
    AppArmorProfile,
    Capabilities,
    ContainerResizePolicy,
    EnvFromSource,
    EnvVarSource,
    ExecAction,
    HostAlias,
    HTTPGetAction,
    Lifecycle,
    PodAffinity,
    PodAntiAffinity,
    PodDNSConfig,
    PodOS,
    PodReadinessGate,
    PodResourceClaim,
    PodSchedulingGate,
    ResourceClaim,
    SeccompProfile,
    SELinuxOptions,
    Sysctl,
    TCPSocketAction,
    TopologySpreadConstraint,
    VolumeDevice,
    WindowsSecurityContextOptions,
)
from manikit.models.quantity import Quantity
from manikit.models.volumes import LocalObjectReference, Volume

PullPolicy = Literal["Always", "IfNotPresent", "Never"]
RestartPolicy = Literal["Always", "OnFailure", "Never"]


# Containers ----------------------------------------------------------------------------------------
class ContainerPort(K8sModel):
    container_port: int = Field(ge=1, le=65535)
    protocol: Protocol | None = None
    host_ip: str | None = Field(None, alias="hostIP")
    host_port: int | None = Field(None, ge=0, le=65535)
    name: str | None = None


class EnvVar(K8sModel):
    name: str
    value: str | None = None
    value_from: EnvVarSource | None = None


class ResourceRequirements(K8sModel):
    requests: dict[str, Quantity] | None = None
    limits: dict[str, Quantity] | None = None
    claims: list[ResourceClaim] | None = None


class VolumeMount(K8sModel):
    name: str
    mount_path: str
    read_only: bool | None = None
    recursive_read_only: str | None = None
    sub_path: str | None = None
    sub_path_expr: str | None = None
    mount_propagation: str | None = None


class GRPCAction(K8sModel):
    port: int
    service: str | None = None


class Probe(K8sModel):
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    grpc: GRPCAction | None = None
    initial_delay_seconds: int | None = Field(None, ge=0, le=INT32_MAX)
    timeout_seconds: int | None = Field(None, ge=0, le=INT32_MAX)
    period_seconds: int | None = Field(None, ge=0, le=INT32_MAX)
    success_threshold: int | None = Field(None, ge=0, le=INT32_MAX)
    failure_threshold: int | None = Field(None, ge=0, le=INT32_MAX)
    termination_grace_period_seconds: int | None = None


class SecurityContext(K8sModel):
    allow_privilege_escalation: bool | None = None
    app_armor_profile: AppArmorProfile | None = None
    capabilities: Capabilities | None = None
    privileged: bool | None = None
    proc_mount: str | None = None
    read_only_root_filesystem: bool | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    run_as_user: int | None = None
    se_linux_options: SELinuxOptions | None = Field(None, alias="seLinuxOptions")
    seccomp_profile: SeccompProfile | None = None
    windows_options: WindowsSecurityContextOptions | None = None


class Container(K8sModel):
    name: str
    image: str | None = None
    command: list[str] | None = None
    args: list[str] | None = None
    working_dir: str | None = None
    ports: list[ContainerPort] | None = None
    env_from: list[EnvFromSource] | None = None
    env: list[EnvVar] | None = None
    resources: ResourceRequirements | None = None
    resize_policy: list[ContainerResizePolicy] | None = None
    restart_policy: Literal["Always"] | None = None
    volume_mounts: list[VolumeMount] | None = None
    volume_devices: list[VolumeDevice] | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    lifecycle: Lifecycle | None = None
    termination_message_path: str | None = None
    termination_message_policy: Literal["File", "FallbackToLogsOnError"] | None = None
    image_pull_policy: PullPolicy | None = None
    security_context: SecurityContext | None = None
    stdin: bool | None = None
    stdin_once: bool | None = None
    tty: bool | None = None

    def requests(self) -> dict[str, Quantity]:
        return dict(self.resources.requests or {}) if self.resources else {}

    def limits(self) -> dict[str, Quantity]:
        return dict(self.resources.limits or {}) if self.resources else {}


class EphemeralContainer(Container):
    target_container_name: str | None = None


# Scheduling ----------------------------------------------------------------------------------------
NodeSelectorOperator = Literal["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]


class NodeSelectorRequirement(K8sModel):
    key: str
    operator: NodeSelectorOperator
    values: list[str] | None = None

    def matches(self, labels: dict[str, str]) -> bool:
        value = labels.get(self.key)
        if self.operator == "Exists":
            return value is not None
        if self.operator == "DoesNotExist":
            return value is None
        if self.operator == "In":
            return value is not None and value in (self.values or [])
        if self.operator == "NotIn":
            return value is None or value not in (self.values or [])
        if value is None or not self.values:
            return False
        try:
            left, right = int(value), int(self.values[0])
        except ValueError:
            return False
        return left > right if self.operator == "Gt" else left < right


class NodeSelectorTerm(K8sModel):
    match_expressions: list[NodeSelectorRequirement] | None = None
    match_fields: list[NodeSelectorRequirement] | None = None

    def matches(self, labels: dict[str, str], node_name: str = "") -> bool:
        """All requirements of a term must hold (an empty term matches nothing, as in Kubernetes)."""
        if not self.match_expressions and not self.match_fields:
            return False
        fields = {"metadata.name": node_name}
        return all(r.matches(labels) for r in self.match_expressions or []) and all(
            r.matches(fields) for r in self.match_fields or []
        )


class NodeSelector(K8sModel):
    node_selector_terms: list[NodeSelectorTerm]

    def matches(self, labels: dict[str, str], node_name: str = "") -> bool:
        """Terms are ORed."""
        return any(term.matches(labels, node_name) for term in self.node_selector_terms)


class PreferredSchedulingTerm(K8sModel):
    weight: int = Field(ge=1, le=100)
    preference: NodeSelectorTerm


class NodeAffinity(K8sModel):
    required_during_scheduling_ignored_during_execution: NodeSelector | None = None
    preferred_during_scheduling_ignored_during_execution: list[PreferredSchedulingTerm] | None = None


class Affinity(K8sModel):
    node_affinity: NodeAffinity | None = None
    pod_affinity: PodAffinity | None = None
    pod_anti_affinity: PodAntiAffinity | None = None


TaintEffect = Literal["NoSchedule", "PreferNoSchedule", "NoExecute"]


class Toleration(K8sModel):
    key: str | None = None
    operator: Literal["Exists", "Equal"] | None = None
    value: str | None = None
    effect: TaintEffect | Literal[""] | None = None
    toleration_seconds: int | None = None

    def tolerates(self, key: str, value: str | None, effect: str) -> bool:
        """Kubernetes' ToleratesTaint: empty effect matches all effects, empty key with Exists all keys."""
        if self.effect and self.effect != effect:
            return False
        if self.key and self.key != key:
            return False
        if self.operator == "Exists":
            return True
        if not self.key:  # an empty key is only valid with Exists
            return False
        return (self.value or "") == (value or "")


class PodSecurityContext(K8sModel):
    app_armor_profile: AppArmorProfile | None = None
    fs_group: int | None = None
    fs_group_change_policy: str | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    run_as_user: int | None = None
    se_linux_change_policy: str | None = Field(None, alias="seLinuxChangePolicy")
    se_linux_options: SELinuxOptions | None = Field(None, alias="seLinuxOptions")
    seccomp_profile: SeccompProfile | None = None
    supplemental_groups: list[int] | None = None
    supplemental_groups_policy: str | None = None
    sysctls: list[Sysctl] | None = None
    windows_options: WindowsSecurityContextOptions | None = None


# The pod ---------------------------------------------------------------------------------------------
class PodSpec(K8sModel):
    containers: list[Container]
    init_containers: list[Container] | None = None
    ephemeral_containers: list[EphemeralContainer] | None = None
    volumes: list[Volume] | None = None
    restart_policy: RestartPolicy | None = None
    termination_grace_period_seconds: int | None = Field(None, ge=0, le=INT32_MAX)
    active_deadline_seconds: int | None = Field(None, ge=1)
    dns_policy: Literal["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"] | None = None
    dns_config: PodDNSConfig | None = None
    node_selector: dict[str, str] | None = None
    node_name: str | None = None
    affinity: Affinity | None = None
    tolerations: list[Toleration] | None = None
    scheduler_name: str | None = None
    service_account_name: str | None = None
    service_account: str | None = None
    automount_service_account_token: bool | None = None
    host_network: bool | None = None
    host_pid: bool | None = Field(None, alias="hostPID")
    host_ipc: bool | None = Field(None, alias="hostIPC")
    host_users: bool | None = None
    share_process_namespace: bool | None = None
    security_context: PodSecurityContext | None = None
    image_pull_secrets: list[LocalObjectReference] | None = None
    hostname: str | None = None
    subdomain: str | None = None
    set_hostname_as_fqdn: bool | None = Field(None, alias="setHostnameAsFQDN")
    host_aliases: list[HostAlias] | None = None
    priority_class_name: str | None = None
    priority: int | None = Field(None, ge=-(2**31), le=INT32_MAX)
    preemption_policy: Literal["PreemptLowerPriority", "Never"] | None = None
    readiness_gates: list[PodReadinessGate] | None = None
    runtime_class_name: str | None = None
    enable_service_links: bool | None = None
    overhead: dict[str, Quantity] | None = None
    topology_spread_constraints: list[TopologySpreadConstraint] | None = None
    os: PodOS | None = None
    scheduling_gates: list[PodSchedulingGate] | None = None
    resource_claims: list[PodResourceClaim] | None = None
    resources: ResourceRequirements | None = None

    def all_containers(self) -> list[Container]:
        return [*(self.init_containers or []), *self.containers]


class ContainerState(K8sModel):
    waiting: dict[str, Any] | None = None
    running: dict[str, Any] | None = None
    terminated: dict[str, Any] | None = None


class ContainerStatus(K8sModel):
    name: str
    ready: bool = False
    restart_count: int = 0
    image: str | None = None
    image_id: str | None = Field(None, alias="imageID")
    container_id: str | None = Field(None, alias="containerID")
    started: bool | None = None
    state: ContainerState | None = None
    last_state: ContainerState | None = None


class Condition(K8sModel):
    type: str
    status: Literal["True", "False", "Unknown"]
    reason: str | None = None
    message: str | None = None
    last_transition_time: str | None = None
    last_heartbeat_time: str | None = None  # Node conditions
    last_update_time: str | None = None
    last_probe_time: str | None = None
    observed_generation: int | None = None


class PodStatus(K8sModel):
    phase: Literal["Pending", "Running", "Succeeded", "Failed", "Unknown"] | None = None
    conditions: list[Condition] | None = None
    message: str | None = None
    reason: str | None = None
    host_ip: str | None = Field(None, alias="hostIP")
    pod_ip: str | None = Field(None, alias="podIP")
    pod_ips: list[dict[str, str]] | None = Field(None, alias="podIPs")
    start_time: str | None = None
    qos_class: Literal["Guaranteed", "Burstable", "BestEffort"] | None = None
    container_statuses: list[ContainerStatus] | None = None
    init_container_statuses: list[ContainerStatus] | None = None
    nominated_node_name: str | None = None
    extra: Opaque | None = None


class PodTemplateSpec(K8sModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: PodSpec


class Pod(TypeMeta):
    api_version: Literal["v1"] = "v1"
    kind: Literal["Pod"] = "Pod"
    spec: PodSpec
    status: PodStatus | None = None
