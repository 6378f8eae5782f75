"""A pod whose requests fit on no configured node: it would stay Pending forever.

## What it does
With nodes configured (`--nodes FILE` or `nodes:` in the config), sums the requests of each pod the
way the scheduler does (app containers and sidecars added up, init containers by the max rule,
overhead added; a request defaulted from a limit counts) and flags the pod when no node's
allocatable holds all of it. It names the resource and the largest node's allocatable. cpu and
memory are always checked; other resources when at least one node reports them. Without nodes the
rule is silent. Taints, selectors and affinity are not considered here (`manikit plan` schedules).

## Why it matters
The scheduler never places such a pod: it stays Pending with "Insufficient cpu" and the rollout
never finishes. A request in the wrong unit (`cpu: 8` for `800m`) is the usual cause.

## Example
```yaml
resources:
  requests: {cpu: "8"}    # the largest node has 3800m allocatable
```

## Fix
Lower the request, fix its unit, or add a node large enough.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, NodeCapacity, RuleContext
from manikit.lint.walk import POD_KINDS, PodAt, format_amount, iter_containers, pod_requests
from manikit.source.positions import Path

CODE = "MK111"
NAME = "request-exceeds-node-capacity"
DEFAULT_LEVEL: Level | None = Level.ERROR
KINDS = POD_KINDS

ALWAYS_CHECKED = ("cpu", "memory")


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None or not ctx.nodes:
        return
    requests = checked_requests(pod_requests(pod.spec), ctx.nodes)
    if not requests or any(fits(requests, node) for node in ctx.nodes):
        return
    too_big = False
    for resource, amount in requests.items():
        largest = max(ctx.nodes, key=lambda n: n.allocatable.get(resource, Fraction(0)))
        available = largest.allocatable.get(resource, Fraction(0))
        if amount > available:
            too_big = True
            yield Finding(
                _where(pod, resource),
                f"the pod requests {resource} {format_amount(resource, amount)}, more than the largest "
                f"node's allocatable ({format_amount(resource, available)} on {largest.name}); "
                "it would stay Pending forever",
                f"lower the {resource} request or add a larger node",
            )
    if not too_big:
        wanted = ", ".join(f"{r} {format_amount(r, a)}" for r, a in requests.items())
        yield Finding(
            pod.path,
            f"no configured node has {wanted} allocatable at once; the pod would stay Pending forever",
            "lower the requests or add a larger node",
        )


def checked_requests(requests: dict[str, Fraction], nodes: tuple[NodeCapacity, ...]) -> dict[str, Fraction]:
    reported = {r for n in nodes for r in n.allocatable}
    return {r: a for r, a in requests.items() if a > 0 and (r in ALWAYS_CHECKED or r in reported)}


def fits(requests: dict[str, Fraction], node: NodeCapacity) -> bool:
    return all(amount <= node.allocatable.get(r, Fraction(0)) for r, amount in requests.items())


def _where(pod: PodAt, resource: str) -> Path:
    """The largest request of ``resource`` among the containers, else the pod spec."""
    best: tuple[Fraction, Path] | None = None
    for at in iter_containers(pod):
        quantity = at.container.requests().get(resource) or at.container.limits().get(resource)
        if quantity is not None and (best is None or quantity.value > best[0]):
            section = "requests" if resource in at.container.requests() else "limits"
            best = (quantity.value, at.resource_path(section, resource))
    return best[1] if best is not None else pod.path
