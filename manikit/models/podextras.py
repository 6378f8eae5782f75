"""The long tail of core/v1 pod and container sub-objects (affinity terms, lifecycle hooks, env sources,
security options, DNS, resource claims), each strict and complete so that a misspelt field is an error.
"""

from typing import Literal

from pydantic import Field

from manikit.models.base import IntOrString, K8sModel
from manikit.models.selector import LabelSelector
from manikit.models.volumes import LocalObjectReference, ObjectFieldSelector, ResourceFieldSelector

# Conventions as in volumes.py: int32/int64 are ``int``, optional fields default to None, enumerations
# Kubernetes may extend stay ``str``, and explicit aliases where to_camel would misspell the name.


# Inter-pod affinity and topology spread -------------------------------------------------------------------
class PodAffinityTerm(K8sModel):
    label_selector: LabelSelector | None = None
    namespaces: list[str] | None = None
    topology_key: str
    namespace_selector: LabelSelector | None = None
    match_label_keys: list[str] | None = None
    mismatch_label_keys: list[str] | None = None


class WeightedPodAffinityTerm(K8sModel):
    weight: int  # 1-100
    pod_affinity_term: PodAffinityTerm


class PodAffinity(K8sModel):
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] | None = None
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] | None = None


class PodAntiAffinity(K8sModel):
    required_during_scheduling_ignored_during_execution: list[PodAffinityTerm] | None = None
    preferred_during_scheduling_ignored_during_execution: list[WeightedPodAffinityTerm] | None = None


class TopologySpreadConstraint(K8sModel):
    max_skew: int
    topology_key: str
    when_unsatisfiable: str  # DoNotSchedule or ScheduleAnyway
    label_selector: LabelSelector | None = None
    min_domains: int | None = None
    node_affinity_policy: str | None = None  # Honor or Ignore
    node_taints_policy: str | None = None  # Honor or Ignore
    match_label_keys: list[str] | None = None


# Scheduling gates, readiness gates, OS --------------------------------------------------------------------
class PodSchedulingGate(K8sModel):
    name: str


class PodReadinessGate(K8sModel):
    condition_type: str


class PodOS(K8sModel):
    name: str  # linux or windows


# Lifecycle hooks ------------------------------------------------------------------------------------------
class ExecAction(K8sModel):
    command: list[str] | None = None


class HTTPHeader(K8sModel):
    name: str
    value: str


class HTTPGetAction(K8sModel):
    path: str | None = None
    port: IntOrString
    host: str | None = None
    scheme: Literal["HTTP", "HTTPS"] | None = None
    http_headers: list[HTTPHeader] | None = None


class TCPSocketAction(K8sModel):
    port: IntOrString
    host: str | None = None


class SleepAction(K8sModel):
    seconds: int


class LifecycleHandler(K8sModel):
    exec: ExecAction | None = None
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None  # deprecated, accepted and never run
    sleep: SleepAction | None = None


class Lifecycle(K8sModel):
    post_start: LifecycleHandler | None = None
    pre_stop: LifecycleHandler | None = None
    stop_signal: str | None = None  # SIGTERM, SIGKILL, ...; needs spec.os.name


# Environment variables from ConfigMaps, Secrets, files and the downward API -------------------------------
class ConfigMapEnvSource(LocalObjectReference):
    optional: bool | None = None


class SecretEnvSource(LocalObjectReference):
    optional: bool | None = None


class EnvFromSource(K8sModel):
    prefix: str | None = None
    config_map_ref: ConfigMapEnvSource | None = None
    secret_ref: SecretEnvSource | None = None


class ConfigMapKeySelector(LocalObjectReference):
    key: str
    optional: bool | None = None


class SecretKeySelector(LocalObjectReference):
    key: str
    optional: bool | None = None


class FileKeySelector(K8sModel):
    """Alpha in Kubernetes 1.34 (EnvFiles feature gate)."""

    volume_name: str
    path: str
    key: str
    optional: bool | None = None


class EnvVarSource(K8sModel):
    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    config_map_key_ref: ConfigMapKeySelector | None = None
    secret_key_ref: SecretKeySelector | None = None
    file_key_ref: FileKeySelector | None = None


# Security options -----------------------------------------------------------------------------------------
class Capabilities(K8sModel):
    add: list[str] | None = None
    drop: list[str] | None = None


class SELinuxOptions(K8sModel):
    user: str | None = None
    role: str | None = None
    type: str | None = None
    level: str | None = None


class SeccompProfile(K8sModel):
    type: str  # RuntimeDefault, Unconfined or Localhost
    localhost_profile: str | None = None


class AppArmorProfile(K8sModel):
    type: str  # RuntimeDefault, Unconfined or Localhost
    localhost_profile: str | None = None


class WindowsSecurityContextOptions(K8sModel):
    gmsa_credential_spec_name: str | None = None
    gmsa_credential_spec: str | None = None
    run_as_user_name: str | None = None
    host_process: bool | None = None


class Sysctl(K8sModel):
    name: str
    value: str


# DNS and /etc/hosts ---------------------------------------------------------------------------------------
class PodDNSConfigOption(K8sModel):
    name: str  # omitempty in the Go type, but validation requires it
    value: str | None = None


class PodDNSConfig(K8sModel):
    nameservers: list[str] | None = None
    searches: list[str] | None = None
    options: list[PodDNSConfigOption] | None = None


class HostAlias(K8sModel):
    ip: str = Field(alias="ip")
    hostnames: list[str] | None = None


# Resources: dynamic resource claims, in-place resize, raw block devices -----------------------------------
class PodResourceClaim(K8sModel):
    name: str
    resource_claim_name: str | None = None
    resource_claim_template_name: str | None = None


class ResourceClaim(K8sModel):
    """An entry of a container's resources.claims, naming one of spec.resourceClaims."""

    name: str
    request: str | None = None


class ContainerResizePolicy(K8sModel):
    resource_name: str  # cpu or memory
    restart_policy: str  # NotRequired or RestartContainer


class VolumeDevice(K8sModel):
    name: str
    device_path: str
