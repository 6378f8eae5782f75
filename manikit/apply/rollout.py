"""After an apply: how each Deployment's rollout stands, which pods are Pending and why, and (for
``--wait``) whether everything converged within the allowed simulated time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from manikit.apply.preview import pending_pods
from manikit.plan.actions import PendingPod
from manikit.runtime.api import Api
from manikit.runtime.clock import SimulatedClock
from manikit.runtime.reconcile import reconcile

MAX_LINES = 20
_STEP = timedelta(seconds=10)


@dataclass(frozen=True)
class DeploymentLine:
    text: str
    ok: bool


@dataclass
class RolloutReport:
    deployments: list[DeploymentLine] = field(default_factory=list)
    pending: tuple[PendingPod, ...] = ()
    converged: bool = True


def rollout_report(
    api: Api,
    clock: SimulatedClock,
    wait_seconds: float = 0.0,
    progress: Callable[[RolloutReport], None] | None = None,
) -> RolloutReport:
    """The state of every Deployment; with ``wait_seconds``, keep running the cluster (in simulated
    time, ``_STEP`` at a time, each step's report handed to ``progress``) until every Deployment is
    Available at its new generation or the time is up."""
    deadline = clock.now() + timedelta(seconds=wait_seconds)
    report = _report(api)
    while not report.converged and clock.now() < deadline:
        reconcile(api, clock, until=min(deadline, clock.now() + _STEP))
        report = _report(api)
        if progress is not None:
            progress(report)
    return report


def _report(api: Api) -> RolloutReport:
    lines = [_line(d) for d in api.list("Deployment")]
    pending = pending_pods(api.list("Pod"))
    converged = all(line.ok for line in lines) and not pending
    if len(lines) > MAX_LINES:
        ok = sum(line.ok for line in lines)
        total = DeploymentLine(f"{ok} of {len(lines)} deployments fully rolled out", ok == len(lines))
        behind = [line for line in lines if not line.ok]
        lines = [total, *behind[:MAX_LINES]]
        if len(behind) > MAX_LINES:
            lines.append(DeploymentLine(f"... and {len(behind) - MAX_LINES} more not rolled out yet", False))
    return RolloutReport(lines, pending, converged)


def _line(dep: dict[str, object]) -> DeploymentLine:
    meta = dep["metadata"]
    spec = dep.get("spec") or {}
    status = dep.get("status") or {}
    assert isinstance(meta, dict) and isinstance(spec, dict) and isinstance(status, dict)
    name = f"deployment.apps/{meta['name']} ({meta.get('namespace')})"
    want = int(spec.get("replicas", 1))
    ready = int(status.get("readyReplicas", 0) or 0)
    updated = int(status.get("updatedReplicas", 0) or 0)
    available = any(
        c.get("type") == "Available" and c.get("status") == "True" for c in status.get("conditions") or []
    )
    current = int(status.get("observedGeneration", 0) or 0) >= int(meta.get("generation", 1) or 1)
    ok = current and available and ready >= want and updated >= want
    state = "successfully rolled out" if ok else "rolling out"
    return DeploymentLine(f"{name}: {ready}/{want} ready, {updated} up-to-date: {state}", ok)
