"""Small builders for scheduler tests: nodes and pods as the API would hold them."""

from __future__ import annotations

from typing import Any

from manikit.models.node import Node
from manikit.models.pod import Pod

ZONE = "topology.kubernetes.io/zone"


def make_node(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: str = "110",
    zone: str | None = None,
    labels: dict[str, str] | None = None,
    taints: list[dict[str, str]] | None = None,
    unschedulable: bool = False,
    extra: dict[str, str] | None = None,
) -> Node:
    all_labels = dict(labels or {})
    if zone is not None:
        all_labels[ZONE] = zone
    allocatable = {"cpu": cpu, "memory": memory, "pods": pods, **(extra or {})}
    return Node.model_validate(
        {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": name, "labels": all_labels},
            "spec": {"taints": taints or [], "unschedulable": unschedulable},
            "status": {"allocatable": allocatable},
        }
    )


def make_pod(
    name: str,
    *,
    cpu: str | None = None,
    memory: str | None = None,
    requests: dict[str, str] | None = None,
    namespace: str = "default",
    owner: str | None = None,
    created: str = "2025-01-01T00:00:00Z",
    node_name: str | None = None,
    priority: int | None = None,
    phase: str | None = None,
    deleting: bool = False,
    host_port: int | None = None,
    init_cpu: str | None = None,
    spec: dict[str, Any] | None = None,
) -> Pod:
    wanted = dict(requests or {})
    if cpu is not None:
        wanted["cpu"] = cpu
    if memory is not None:
        wanted["memory"] = memory
    container: dict[str, Any] = {"name": "app", "image": "app:1", "resources": {"requests": wanted}}
    if host_port is not None:
        container["ports"] = [{"containerPort": 8080, "hostPort": host_port}]
    pod_spec: dict[str, Any] = {"containers": [container], **(spec or {})}
    if init_cpu is not None:
        pod_spec["initContainers"] = [
            {"name": "init", "image": "init:1", "resources": {"requests": {"cpu": init_cpu}}}
        ]
    if node_name is not None:
        pod_spec["nodeName"] = node_name
    if priority is not None:
        pod_spec["priority"] = priority
    metadata: dict[str, Any] = {"name": name, "namespace": namespace, "creationTimestamp": created}
    if owner is not None:
        metadata["ownerReferences"] = [
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "name": owner,
                "uid": f"uid-{owner}",
                "controller": True,
            }
        ]
    if deleting:
        metadata["deletionTimestamp"] = "2025-01-01T00:00:01Z"
    doc: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": pod_spec}
    if phase is not None:
        doc["status"] = {"phase": phase}
    return Pod.model_validate(doc)
