"""What every cluster has from the start, as kubeadm and the API server make it: the namespaces
default, kube-system, kube-public and kube-node-lease, and the ``kubernetes`` Service at the first
address of the service range (10.96.0.1 by default) with the API server's endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from manikit.runtime.api.allocators import ServiceRanges

if TYPE_CHECKING:
    from manikit.runtime.api.core import Api

SYSTEM_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
NAME_LABEL = "kubernetes.io/metadata.name"
API_SERVER = ("172.18.0.2", 6443)  # where kind's control plane listens


def kubernetes_service(cluster_ip: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {"component": "apiserver", "provider": "kubernetes"},
        },
        "spec": {
            "type": "ClusterIP",
            "clusterIP": cluster_ip,
            "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": 6443}],
            "sessionAffinity": "None",
        },
    }


def kubernetes_endpoints() -> dict[str, Any]:
    address, port = API_SERVER
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {
            "name": "kubernetes",
            "namespace": "default",
            "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
        },
        "subsets": [
            {"addresses": [{"ip": address}], "ports": [{"name": "https", "port": port, "protocol": "TCP"}]}
        ],
    }


def bootstrap(api: Api) -> None:
    """Create what is missing (a state from before keeps its objects; a Service already holding
    10.96.0.1 keeps it, and then there is no ``kubernetes`` Service)."""
    with api.transaction():
        for name in SYSTEM_NAMESPACES:
            if api.find("Namespace", name) is None:
                api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        if api.find("Service", "kubernetes", "default") is None:
            address = ServiceRanges.from_env().kubernetes_ip
            taken = any(s["spec"].get("clusterIP") == address for s in api.list("Service"))
            if not taken:
                api.create(kubernetes_service(address))
                if api.find("Endpoints", "kubernetes", "default") is None:
                    api.create(kubernetes_endpoints(), trusted=True)


def is_bootstrapped(api: Api) -> bool:
    return api.find("Namespace", "kube-node-lease") is not None
