"""The embedded default cluster: three nodes, created the first time a state without nodes is used.

Each node: 4 CPU, 8Gi memory, 110 pods, its own zone label and podCIDR. It is created once per state
(a note remembers it), so deleting the nodes later does not bring them back. Only the CLI prints:
``ensure_default_cluster`` returns the announcement, or None.
"""

from __future__ import annotations

from typing import Any

from manikit.runtime.api import Api
from manikit.runtime.clock import rfc3339

NODE_COUNT = 3
NOTE = ("cluster", "default-created")


def default_nodes(stamp: str) -> list[dict[str, Any]]:
    nodes = []
    for index in range(1, NODE_COUNT + 1):
        name = f"node-{index}"
        zone = f"zone-{'abc'[index - 1]}"
        resources = {"cpu": "4", "memory": "8Gi", "pods": "110", "ephemeral-storage": "100Gi"}
        nodes.append(
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": name,
                    "labels": {
                        "kubernetes.io/arch": "amd64",
                        "kubernetes.io/hostname": name,
                        "kubernetes.io/os": "linux",
                        "topology.kubernetes.io/region": "local",
                        "topology.kubernetes.io/zone": zone,
                    },
                },
                "spec": {"podCIDR": f"10.244.{index}.0/24", "podCIDRs": [f"10.244.{index}.0/24"]},
                "status": {
                    "capacity": resources,
                    "allocatable": dict(resources),
                    "addresses": [
                        {"type": "InternalIP", "address": f"172.18.0.{index + 1}"},
                        {"type": "Hostname", "address": name},
                    ],
                    "nodeInfo": {"kubeletVersion": "v1.31.0-manikit", "operatingSystem": "linux"},
                    "conditions": [
                        {
                            "type": "Ready",
                            "status": "True",
                            "reason": "KubeletReady",
                            "message": "kubelet is posting ready status",
                            "lastTransitionTime": stamp,
                        }
                    ],
                },
            }
        )
    return nodes


def ensure_default_cluster(api: Api) -> str | None:
    """Create the default nodes if this state never had any; return the one-time announcement."""
    if api.store.get_note(*NOTE) is not None:  # the common case, without taking the write lock
        return None
    with api.transaction():
        if api.store.get_note(*NOTE) is not None:
            return None
        api.store.put_note(*NOTE, True)
        if api.store.count("Node") > 0:
            return None
        for node in default_nodes(rfc3339(api.clock.now())):
            api.create(node)
    return (
        f"created the embedded default cluster in {api.store.location}: {NODE_COUNT} nodes "
        "(node-1, node-2, node-3 in zone-a, zone-b, zone-c), each 4 CPU, 8Gi memory, 110 pods; "
        "add your own with `manikit nodes add FILE`"
    )
