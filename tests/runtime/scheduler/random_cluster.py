"""Random clusters for the scheduler's property tests: nodes full of taints, labels, zones and odd
capacities; pods with selectors, affinities, tolerations, ports, spreads, some bound, some done."""

from __future__ import annotations

import random
from typing import Any

from manikit.models.node import Node
from manikit.models.pod import Pod
from tests.runtime.scheduler.helpers import make_node, make_pod

ZONES = ["a", "b", "c"]
TAINTS = [
    {"key": "dedicated", "value": "gpu", "effect": "NoSchedule"},
    {"key": "spot", "value": "true", "effect": "PreferNoSchedule"},
    {"key": "maint", "effect": "NoExecute"},
    {"key": "spot", "value": "false", "effect": "PreferNoSchedule"},
]
TOLERATIONS = [
    {"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"},
    {"key": "spot", "operator": "Exists"},
    {"operator": "Exists"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
    {"key": "maint", "operator": "Exists", "effect": "NoExecute"},
]


def random_nodes(rng: random.Random) -> list[Node]:
    nodes = []
    for i in range(rng.randint(1, 14)):
        labels = {}
        if rng.random() < 0.4:
            labels["disktype"] = rng.choice(["ssd", "hdd"])
        if rng.random() < 0.3:
            labels["rank"] = str(rng.randint(0, 9))
        nodes.append(
            make_node(
                f"n{rng.randint(0, 99):02d}-{i}",
                cpu=rng.choice(["1", "2", "4", "8", "8", "500m", "0"]),
                memory=rng.choice(["1Gi", "2Gi", "8Gi", "16Gi", "0"]),
                pods=rng.choice(["3", "10", "110", "110"]),
                zone=rng.choice([*ZONES, None, ""]),
                labels=labels,
                taints=rng.sample(TAINTS, rng.choice([0, 0, 0, 1, 2])),
                unschedulable=rng.random() < 0.1,
                extra={"example.com/gpu": "2"} if rng.random() < 0.2 else None,
            )
        )
    return nodes


def random_spec(rng: random.Random) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    roll = rng.random()
    if roll < 0.2:
        spec["nodeSelector"] = {"disktype": rng.choice(["ssd", "hdd"])}
    elif roll < 0.45:
        ops = [
            {"key": "disktype", "operator": rng.choice(["In", "NotIn"]), "values": ["ssd"]},
            {"key": "rank", "operator": rng.choice(["Gt", "Lt"]), "values": [str(rng.randint(0, 9))]},
            {"key": "disktype", "operator": rng.choice(["Exists", "DoesNotExist"])},
        ]
        term = {"matchExpressions": rng.sample(ops, rng.randint(1, 2))}
        affinity: dict[str, Any] = {}
        if rng.random() < 0.6:
            terms = (
                [term]
                if rng.random() < 0.7
                else [
                    term,
                    {"matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["n00-0"]}]},
                ]
            )
            affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": terms}
        spec["affinity"] = {"nodeAffinity": affinity}
    if rng.random() < 0.5:
        ssd = {"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["ssd"]}]}
        high = {"matchExpressions": [{"key": "rank", "operator": "Gt", "values": ["4"]}]}
        preferred = [{"weight": rng.randint(1, 100), "preference": p} for p in rng.sample([ssd, high], 2)]
        spec.setdefault("affinity", {"nodeAffinity": {}})["nodeAffinity"][
            "preferredDuringSchedulingIgnoredDuringExecution"
        ] = preferred
    if rng.random() < 0.4:
        spec["tolerations"] = rng.sample(TOLERATIONS, rng.randint(1, 2))
    if rng.random() < 0.15:
        pod_term: dict[str, Any] = {
            "labelSelector": {"matchLabels": {"app": rng.choice(["web", "api"])}},
            "topologyKey": rng.choice(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]),
        }
        kind = rng.choice(["podAffinity", "podAntiAffinity"])
        if rng.random() < 0.5:
            rules: dict[str, Any] = {"requiredDuringSchedulingIgnoredDuringExecution": [pod_term]}
        else:
            rules = {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 50, "podAffinityTerm": pod_term}
                ]
            }
        spec.setdefault("affinity", {})[kind] = rules
    if rng.random() < 0.15:
        spec["topologySpreadConstraints"] = [
            {
                "maxSkew": rng.choice([1, 2]),
                "topologyKey": rng.choice(["topology.kubernetes.io/zone", "kubernetes.io/hostname"]),
                "whenUnsatisfiable": rng.choice(["DoNotSchedule", "ScheduleAnyway"]),
                "labelSelector": {"matchLabels": {"app": rng.choice(["web", "api"])}},
            }
        ]
    return spec


def random_pods(rng: random.Random, nodes: list[Node]) -> list[Pod]:
    templates: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 5)):
        requests: dict[str, str] = {}
        if rng.random() < 0.8:
            requests["cpu"] = rng.choice(["100m", "250m", "1", "0"])
        if rng.random() < 0.8:
            requests["memory"] = rng.choice(["128Mi", "512Mi", "1Gi"])
        if rng.random() < 0.1:
            requests["example.com/gpu"] = "1"
        templates.append(
            {
                "requests": requests,
                "spec": random_spec(rng),
                "host_port": rng.choice([None, None, None, 8080]),
                "init_cpu": rng.choice([None, None, "2"]),
                "owner": rng.choice([None, "web", "api"]),
                "priority": rng.choice([None, 0, 10]),
            }
        )
    pods = []
    for i in range(rng.randint(1, 40)):
        t = rng.choice(templates)
        bound = rng.random() < 0.25 and nodes
        pod = make_pod(
            f"p{i}",
            requests=t["requests"],
            owner=t["owner"] if rng.random() < 0.9 else rng.choice([None, "web", "api"]),
            priority=t["priority"],
            created=f"2025-01-01T00:00:{rng.randint(0, 5):02d}Z",
            node_name=rng.choice(nodes).name if bound else None,
            host_port=t["host_port"],
            init_cpu=t["init_cpu"],
            spec=t["spec"],
            phase=rng.choice([None, None, None, "Succeeded"]),
        )
        pod.metadata.labels = {"app": rng.choice(["web", "api"])}
        pods.append(pod)
    return pods
