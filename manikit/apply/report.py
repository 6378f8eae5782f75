"""After an apply: how each Deployment's rollout stands, which pods are Pending and why, and (for
``--wait``) whether everything converged within the allowed time. "Rolled out" is
``cluster.deployments.rollout_status``'s, the same as ``manikit rollout status``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from manikit.apply.preview import pending_pods
from manikit.cluster import Body, Cluster
from manikit.cluster.deployments import controllers_view, deployments_for_status, rollout_status
from manikit.plan.actions import PendingPod

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
    cluster: Cluster,
    wait_seconds: float = 0.0,
    progress: Callable[[RolloutReport], None] | None = None,
) -> RolloutReport:
    """The state of every Deployment; with ``wait_seconds``, wait for the cluster (``_STEP`` at a time,
    each step's report handed to ``progress``) until every Deployment is rolled out and no pod is
    Pending, or the time is up."""
    report = _report(cluster)
    if report.converged or wait_seconds <= 0:
        return report
    latest = [report]
    asked = [False]

    def converged() -> bool:  # Cluster.wait asks once before its first step: the report just made
        if asked[0]:
            latest.append(_report(cluster))
            if progress is not None:
                progress(latest[-1])
        asked[0] = True
        return latest[-1].converged

    cluster.wait(converged, timedelta(seconds=wait_seconds), _STEP)
    return latest[-1]


def _report(cluster: Cluster) -> RolloutReport:
    lines = [_line(d) for d in deployments_for_status(cluster)]
    view = controllers_view(cluster)  # after a reconcile here, the pods its controllers decoded
    pending = pending_pods(cluster.list("Pod") if view is None else view.list("Pod"))
    converged = all(line.ok for line in lines) and not pending
    if len(lines) > MAX_LINES:
        ok = sum(line.ok for line in lines)
        total = DeploymentLine(f"{ok} of {len(lines)} deployments fully rolled out", ok == len(lines))
        behind = [line for line in lines if not line.ok]
        lines = [total, *behind[:MAX_LINES]]
        if len(behind) > MAX_LINES:
            lines.append(DeploymentLine(f"... and {len(behind) - MAX_LINES} more not rolled out yet", False))
    return RolloutReport(lines, pending, converged)


def _line(dep: Body) -> DeploymentLine:
    meta, spec, status = dep["metadata"], dep.get("spec") or {}, dep.get("status") or {}
    name = f"deployment.apps/{meta['name']} ({meta.get('namespace')})"
    want = int(spec.get("replicas", 1))
    ready = int(status.get("readyReplicas", 0) or 0)
    updated = int(status.get("updatedReplicas", 0) or 0)
    ok = rollout_status(dep).done
    state = "successfully rolled out" if ok else "rolling out"
    return DeploymentLine(f"{name}: {ready}/{want} ready, {updated} up-to-date: {state}", ok)
