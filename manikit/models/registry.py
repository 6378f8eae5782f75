"""The kind registry: which (apiVersion, kind) manikit models, which are removed, which are cluster-scoped.

An explicit table that fails loudly on duplicates; nothing registers itself on import.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from manikit.models.meta import TypeMeta


class KindInfo(NamedTuple):
    """A modelled kind; ``model_ref`` is its model class, or ``"module:Class"`` (in manikit.models),
    imported on first use of ``model``: a command reading only Services never builds the pod models.
    (A named tuple: every command that reads manifests makes this class, and a frozen dataclass costs
    several times more to make at start-up.)"""

    api_version: str
    kind: str
    model_ref: type[TypeMeta] | str
    plural: str
    short_names: tuple[str, ...]
    namespaced: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.api_version, self.kind)

    @property
    def model(self) -> type[TypeMeta]:
        if not isinstance(self.model_ref, str):
            return self.model_ref
        module, _, name = self.model_ref.partition(":")
        model: type[TypeMeta] = getattr(importlib.import_module(f"manikit.models.{module}"), name)
        return model


def build_registry(infos: Iterable[KindInfo]) -> dict[tuple[str, str], KindInfo]:
    """Key the kinds by (apiVersion, kind); a second entry for a key is a programming error."""
    registry: dict[tuple[str, str], KindInfo] = {}
    for info in infos:
        if info.key in registry:
            raise ValueError(f"kind {info.kind} of {info.api_version} is registered twice")
        registry[info.key] = info
    return registry


KINDS = build_registry(
    [
        KindInfo("v1", "Namespace", "namespace:Namespace", "namespaces", ("ns",), namespaced=False),
        KindInfo("v1", "Pod", "pod:Pod", "pods", ("po",), namespaced=True),
        KindInfo("apps/v1", "ReplicaSet", "workloads:ReplicaSet", "replicasets", ("rs",), namespaced=True),
        KindInfo(
            "apps/v1", "Deployment", "workloads:Deployment", "deployments", ("deploy",), namespaced=True
        ),
        KindInfo("v1", "Service", "service:Service", "services", ("svc",), namespaced=True),
        KindInfo("v1", "Node", "node:Node", "nodes", ("no",), namespaced=False),
        KindInfo("v1", "ConfigMap", "configmap:ConfigMap", "configmaps", ("cm",), namespaced=True),
    ]
)

#: Kinds the control plane writes itself; manifests of them are passed over like other kinds.
INTERNAL_KINDS = build_registry(
    [KindInfo("v1", "Endpoints", "service:Endpoints", "endpoints", ("ep",), namespaced=True)]
)

KINDS_BY_NAME = {info.kind: info for info in KINDS.values()}

#: Removed API versions of the modelled kinds, with their replacement (removed in Kubernetes 1.16).
REMOVED_APIS: dict[tuple[str, str], str] = {
    ("extensions/v1beta1", "Deployment"): "apps/v1",
    ("apps/v1beta1", "Deployment"): "apps/v1",
    ("apps/v1beta2", "Deployment"): "apps/v1",
    ("extensions/v1beta1", "ReplicaSet"): "apps/v1",
    ("apps/v1beta2", "ReplicaSet"): "apps/v1",
}

#: Removed API versions of other kinds, for notices and the deprecated-api-version lint rule.
REMOVED_OTHER_APIS: dict[tuple[str, str], tuple[str, str]] = {
    ("extensions/v1beta1", "DaemonSet"): ("apps/v1", "1.16"),
    ("apps/v1beta2", "DaemonSet"): ("apps/v1", "1.16"),
    ("apps/v1beta1", "StatefulSet"): ("apps/v1", "1.16"),
    ("apps/v1beta2", "StatefulSet"): ("apps/v1", "1.16"),
    ("extensions/v1beta1", "NetworkPolicy"): ("networking.k8s.io/v1", "1.16"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("(none: use Pod Security Admission)", "1.25"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("(none: use Pod Security Admission)", "1.25"),
    ("extensions/v1beta1", "Ingress"): ("networking.k8s.io/v1", "1.22"),
    ("networking.k8s.io/v1beta1", "Ingress"): ("networking.k8s.io/v1", "1.22"),
    ("batch/v1beta1", "CronJob"): ("batch/v1", "1.25"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("policy/v1", "1.25"),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler"): ("autoscaling/v2", "1.25"),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler"): ("autoscaling/v2", "1.26"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole"): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding"): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "Role"): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding"): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition"): ("apiextensions.k8s.io/v1", "1.22"),
    ("apiregistration.k8s.io/v1beta1", "APIService"): ("apiregistration.k8s.io/v1", "1.22"),
}

#: Cluster-scoped kinds beyond the modelled ones, so duplicate detection ignores their namespace.
CLUSTER_SCOPED_KINDS = frozenset(
    {
        "Namespace",
        "Node",
        "PersistentVolume",
        "ClusterRole",
        "ClusterRoleBinding",
        "StorageClass",
        "CustomResourceDefinition",
        "PriorityClass",
        "APIService",
        "ValidatingWebhookConfiguration",
        "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding",
        "ComponentStatus",
        "CSIDriver",
        "CSINode",
        "IngressClass",
        "RuntimeClass",
        "VolumeAttachment",
        "PodSecurityPolicy",
        "CertificateSigningRequest",
        "ClusterIssuer",
        "FlowSchema",
        "PriorityLevelConfiguration",
    }
)


#: The kinds each built-in API version serves (Kubernetes v1.31), for "no matches for kind" errors.
BUILTIN_KINDS: dict[str, frozenset[str]] = {
    "v1": frozenset(
        {
            "Binding",
            "ComponentStatus",
            "ConfigMap",
            "Endpoints",
            "Event",
            "LimitRange",
            "Namespace",
            "Node",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "Secret",
            "Service",
            "ServiceAccount",
            "Status",
            "List",
        }
    ),
    "apps/v1": frozenset({"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"}),
}


def is_namespaced(kind: str) -> bool:
    info = KINDS_BY_NAME.get(kind)
    if info is not None:
        return info.namespaced
    return kind not in CLUSTER_SCOPED_KINDS


def object_namespace(kind: str, namespace: str | None, default_namespace: str) -> str:
    """The namespace an object of ``kind`` that names ``namespace`` lives in: the default when it
    names none, "" for a cluster-scoped kind."""
    return (namespace or default_namespace) if is_namespaced(kind) else ""


def resolve_kind_name(name: str) -> KindInfo | None:
    """kubectl's names for a kind: singular, plural, short name, case-insensitive."""
    lowered = name.lower()
    for info in [*KINDS.values(), *INTERNAL_KINDS.values()]:
        if lowered in (info.kind.lower(), info.plural, *info.short_names):
            return info
    return None
