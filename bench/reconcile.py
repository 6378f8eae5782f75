"""Bench: a Deployment of 10,000 replicas onto 1,000 nodes, end to end (ReplicaSet, pods, scheduling,
kubelet, endpoints), on a state file on disk. Prints wall and CPU time (CPU is the steadier figure on a
shared machine), phases, a second reconcile after a one-replica scale-up, and peak RSS.

    .venv/bin/python bench/reconcile.py [--replicas 10000] [--nodes 1000] [--by-controller]

``--by-controller`` adds where the first reconcile's CPU went: each controller's CPU seconds and
writes over all its passes (what to look at first; the figures above stay comparable without it).
"""

from __future__ import annotations

import argparse
import collections
import resource
import sys
import tempfile
import time
from pathlib import Path

from manikit.cluster import open_cluster
from manikit.runtime.clock import EPOCH
from manikit.runtime.controllers import CONTROLLERS, Controller, PassContext
from manikit.runtime.reconcile import reconcile


def node(index: int) -> dict[str, object]:
    name = f"node-{index:04d}"
    resources = {"cpu": "32", "memory": "128Gi", "pods": "110"}
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": f"zone-{index % 3}"},
        },
        "spec": {"podCIDR": f"10.{64 + index // 256}.{index % 256}.0/24"},
        "status": {
            "capacity": resources,
            "allocatable": resources,
            "addresses": [{"type": "InternalIP", "address": f"172.16.{index // 256}.{index % 256}"}],
        },
    }


def deployment(replicas: int) -> dict[str, object]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.27",
                            "ports": [{"name": "http", "containerPort": 8080}],
                            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                        }
                    ]
                },
            },
        },
    }


SERVICE = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]},
}


#: per controller: [CPU seconds, writes], over the passes run while ``timed`` wraps them
SPENT: collections.defaultdict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])


def timed(name: str, controller: Controller) -> Controller:
    def run(ctx: PassContext) -> None:
        revision, cpu = ctx.api.revision(), time.process_time()
        controller(ctx)
        spent = SPENT[name]
        spent[0] += time.process_time() - cpu
        spent[1] += ctx.api.revision() - revision

    return run


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--replicas", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=1_000)
    parser.add_argument("--by-controller", action="store_true", help="CPU seconds and writes per controller")
    args = parser.parse_args()
    original = dict(CONTROLLERS)
    if args.by_controller:
        CONTROLLERS.update({name: timed(name, c) for name, c in original.items()})
    with tempfile.TemporaryDirectory() as tmp:
        cluster = open_cluster(Path(tmp) / "state.db", now=EPOCH, default_cluster=False)
        api = cluster.api  # the runtime's own loop below: it counts passes and writes
        start, cpu_start = time.perf_counter(), time.process_time()
        with api.transaction():
            for index in range(args.nodes):
                api.create(node(index))
            api.create(deployment(args.replicas))
            api.create(SERVICE)
        created = time.perf_counter()
        result = reconcile(api)
        done, cpu_done = time.perf_counter(), time.process_time()
        CONTROLLERS.update(original)
        pods = api.list("Pod")
        running = sum(1 for p in pods if p["status"].get("phase") == "Running")
        nodes_used = len({p["spec"].get("nodeName") for p in pods})
        status = api.get("Deployment", "web").get("status", {})
        ready = status.get("readyReplicas", 0)
        endpoints = api.get("Endpoints", "web")
        addresses = sum(len(s.get("addresses", [])) for s in endpoints.get("subsets", []))
        # a later reconcile (a server after a write, apply --wait's next step) starts from the
        # controllers' caches of this one: only what was written since is read again
        scaled = {**deployment(args.replicas + 1)}
        scaled["metadata"] = {**api.get("Deployment", "web")["metadata"]}
        api.update(scaled)
        again, cpu_again = time.perf_counter(), time.process_time()
        second = reconcile(api)
        again_done, cpu_again_done = time.perf_counter(), time.process_time()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"deployment of {args.replicas} replicas onto {args.nodes} nodes")
    print(f"  create nodes + deployment + service: {created - start:.2f} s")
    print(f"  reconcile: {done - created:.2f} s ({result.summary()})")
    print(f"  total wall time: {done - start:.2f} s (target < 10 s); CPU time {cpu_done - cpu_start:.2f} s")
    print(
        f"  scale up by one replica, then reconcile again: {again_done - again:.2f} s "
        f"(CPU {cpu_again_done - cpu_again:.2f} s; {second.summary()})"
    )
    print(f"  pods running: {running}, ready replicas: {ready}, nodes used: {nodes_used}")
    print(f"  endpoints addresses: {addresses} (capped at 1000, as upstream)")
    print(f"  peak RSS: {peak_mb:.0f} MiB")
    if args.by_controller:
        print("  first reconcile by controller (CPU s, writes; the rest is the loop and the commits):")
        for name, (cpu, writes) in SPENT.items():
            print(f"    {name:<20} {cpu:6.2f} s {int(writes):>8}")
    return 0 if result.settled and second.settled and running == args.replicas else 1


if __name__ == "__main__":
    sys.exit(main())
