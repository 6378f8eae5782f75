"""Benchmark: the scheduler deciding M pending pods on N nodes, in one ``schedule`` call.

    python bench/schedule.py [--nodes 5000] [--pods 10000] [--seed 1] [--runs 3] [--order grouped|random]

Nodes come in three sizes and ten zones; some have SSDs, some are dedicated GPU nodes tainted
NoSchedule, some are spot nodes tainted PreferNoSchedule, a few are cordoned. Pods belong to 100
ReplicaSets with mixed requests (some best-effort, some with init containers), nodeSelectors,
required and preferred node affinity, GPU tolerations, a few hostPorts, and one workload that fits
nowhere. ``--order grouped`` creates each ReplicaSet's pods together (as a controller does);
``random`` interleaves all workloads in the queue (the cache-unfriendly case).

Prints pods scheduled per second (median of the runs, timing ``schedule`` itself: snapshot,
queue, every decision) and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from typing import Any

from manikit.models.node import Node
from manikit.models.pod import Pod
from manikit.runtime.scheduler import schedule

ZONES = [f"zone-{z}" for z in range(10)]
SIZES = [("4", "8Gi"), ("8", "32Gi"), ("16", "64Gi")]


def make_nodes(rng: random.Random, count: int) -> list[Node]:
    nodes = []
    for i in range(count):
        cpu, memory = rng.choice(SIZES)
        labels = {"topology.kubernetes.io/zone": ZONES[i % len(ZONES)], "pool": "general"}
        taints: list[dict[str, str]] = []
        roll = rng.random()
        if roll < 0.08:
            labels["pool"] = "gpu"
            taints.append({"key": "dedicated", "value": "gpu", "effect": "NoSchedule"})
        elif roll < 0.15:
            taints.append({"key": "spot", "value": "true", "effect": "PreferNoSchedule"})
        if rng.random() < 0.25:
            labels["disktype"] = "ssd"
        doc: dict[str, Any] = {
            "apiVersion": "v1",
            "kind": "Node",
            "metadata": {"name": f"node-{i:05d}", "labels": labels},
            "spec": {"taints": taints, "unschedulable": rng.random() < 0.01},
            "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": "110"}},
        }
        nodes.append(Node.model_validate(doc))
    return nodes


def make_workload(rng: random.Random, w: int) -> dict[str, Any]:
    """A pod spec (as a ReplicaSet's template would give) for workload ``w``."""
    requests = {}
    if rng.random() > 0.1:  # one in ten best-effort
        requests = {
            "cpu": rng.choice(["50m", "100m", "250m", "500m"]),
            "memory": rng.choice(["64Mi", "256Mi", "1Gi"]),
        }
    spec: dict[str, Any] = {
        "containers": [{"name": "app", "image": "app:1", "resources": {"requests": requests}}]
    }
    if rng.random() < 0.2:
        spec["initContainers"] = [
            {"name": "init", "image": "init:1", "resources": {"requests": {"cpu": "1"}}}
        ]
    kind = rng.random()
    if kind < 0.2:
        spec["nodeSelector"] = {"disktype": "ssd"}
    elif kind < 0.35:
        zones = rng.sample(ZONES, 3)
        spec["affinity"] = {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [
                        {
                            "matchExpressions": [
                                {"key": "topology.kubernetes.io/zone", "operator": "In", "values": zones}
                            ]
                        }
                    ]
                },
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {
                        "weight": 50,
                        "preference": {"matchExpressions": [{"key": "disktype", "operator": "Exists"}]},
                    }
                ],
            }
        }
    elif kind < 0.45:
        spec["nodeSelector"] = {"pool": "gpu"}
        spec["tolerations"] = [
            {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}
        ]
    elif kind < 0.5:
        spec["containers"][0]["ports"] = [{"containerPort": 8080, "hostPort": 18000 + w}]
    if w == 0:
        spec["nodeSelector"] = {"pool": "does-not-exist"}  # a workload that fits nowhere
    return spec


def timestamp(second: int) -> str:
    return f"2025-01-01T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}Z"


def make_pods(rng: random.Random, count: int, workloads: int, order: str) -> list[Pod]:
    specs = [make_workload(rng, w) for w in range(workloads)]
    pods = []
    for i in range(count):
        w = i % workloads
        created = w if order == "grouped" else rng.randrange(count)
        doc = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {
                "name": f"rs{w:03d}-{i:06d}",
                "namespace": "default",
                "labels": {"app": f"rs{w:03d}"},
                "creationTimestamp": timestamp(created),
                "ownerReferences": [
                    {
                        "apiVersion": "apps/v1",
                        "kind": "ReplicaSet",
                        "name": f"rs{w:03d}",
                        "uid": f"uid-{w}",
                        "controller": True,
                    }
                ],
            },
            "spec": specs[w],
        }
        pods.append(Pod.model_validate(doc))
    return pods


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--workloads", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--order", choices=["grouped", "random"], default="grouped")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    nodes = make_nodes(rng, args.nodes)
    pods = make_pods(rng, args.pods, args.workloads, args.order)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    walls, cpus = [], []
    for _ in range(args.runs):
        start, cpu = time.perf_counter(), time.process_time()
        decisions = schedule(nodes, pods)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    bound = sum(1 for d in decisions if d.node is not None)
    median = statistics.median(walls)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"schedule: {args.pods} pending pods ({args.order} order), {args.nodes} nodes")
    print(f"  bound {bound}, pending {len(decisions) - bound}")
    spread = f"fastest {min(walls):.2f} s, slowest {max(walls):.2f} s"
    print(f"  wall time (median of {args.runs}): {median:.2f} s ({spread})")
    print(f"  throughput: {args.pods / median:,.0f} pods/s")
    cpu = statistics.median(cpus)
    # CPU time of this process (numpy's threads included): what other processes' load does not add
    print(f"  CPU time (median): {cpu:.2f} s = {args.pods / cpu:,.0f} pods per CPU second")
    print(f"  peak RSS: {peak} MiB (of which {before} MiB before scheduling: the nodes and pods themselves)")


if __name__ == "__main__":
    main()
