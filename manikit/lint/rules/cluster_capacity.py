"""The input set requests more than the configured cluster can allocate in total.

## What it does
With nodes configured, adds up the requests of every pod of the input set times its replicas
(Deployments and ReplicaSets: `spec.replicas`, default 1; a Pod: 1) and compares each resource with
the sum of the nodes' allocatable. Each resource over the total is one finding, placed on the object
that requests the most of it. Without nodes the rule is silent.

## Why it matters
Even when every pod fits on some node, not all of them fit at once: the last replicas stay Pending.
Rollouts with surge need headroom on top.

## Example
```yaml
kind: Deployment
spec:
  replicas: 20
  template:
    spec:
      containers:
        - resources: {requests: {memory: 2Gi}}   # 40Gi in total on a 22Gi cluster
```

## Fix
Lower requests or replicas, or add nodes.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from manikit.diagnostics import Level
from manikit.lint.facts import InputSet, PodFact
from manikit.lint.findings import Finding, RuleContext, SetFinding
from manikit.lint.rules.request_exceeds_node_capacity import ALWAYS_CHECKED
from manikit.lint.walk import format_amount

CODE = "MK112"
NAME = "cluster-capacity"
DEFAULT_LEVEL: Level | None = Level.WARNING


def check_set(inputs: InputSet, ctx: RuleContext) -> Iterator[SetFinding]:
    if not ctx.nodes:
        return
    total: dict[str, Fraction] = {}
    for node in ctx.nodes:
        for resource, amount in node.allocatable.items():
            total[resource] = total.get(resource, Fraction(0)) + amount
    wanted: dict[str, Fraction] = {}
    largest: dict[str, tuple[Fraction, PodFact]] = {}
    for pod in inputs.pods:
        for resource, amount in (pod.requests or {}).items():
            share = amount * pod.replicas
            wanted[resource] = wanted.get(resource, Fraction(0)) + share
            if resource not in largest or share > largest[resource][0]:
                largest[resource] = (share, pod)
    for resource in sorted(wanted):
        if resource not in ALWAYS_CHECKED and resource not in total:
            continue
        have = total.get(resource, Fraction(0))
        if wanted[resource] <= have:
            continue
        share, pod = largest[resource]
        yield SetFinding(
            pod.doc,
            Finding(
                pod.requests_path,
                f"the input set requests {resource} {format_amount(resource, wanted[resource])} in total, "
                f"more than the {format_amount(resource, have)} allocatable on {len(ctx.nodes)} nodes; "
                f"the largest share is {pod.doc.ref} ({pod.replicas} x "
                f"{format_amount(resource, (pod.requests or {})[resource])})",
                "lower requests or replicas, or add nodes",
            ),
        )
