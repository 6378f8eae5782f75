"""A pod's phase and conditions from its containers' statuses, as the kubelet computes them
(pkg/kubelet/status: getPhase, GeneratePodReadyCondition)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from manikit.runtime.clock import rfc3339
from manikit.runtime.controllers.container_state import restarts
from manikit.runtime.store import Body


def phase_of(statuses: list[dict[str, Any]], policy: str, stopping: bool) -> str:
    """Pending until a container has started; Succeeded or Failed once every container has ended and
    none will restart (a deleted pod's containers restart no more); Running otherwise."""
    if not statuses:
        return "Pending"
    ended = []
    for cs in statuses:
        state = cs.get("state") or {}
        last = state.get("terminated")
        if last is None:
            if "running" in state or cs.get("restartCount", 0) or cs.get("lastState"):
                return "Running"
            return "Pending"
        if not stopping and restarts(policy, int(last.get("exitCode", 0))):
            return "Running"
        ended.append(int(last.get("exitCode", 0)))
    return "Succeeded" if all(code == 0 for code in ended) else "Failed"


def summarize(
    pod: Body, status: dict[str, Any], now: datetime, *, stopping: bool = False, final: bool = False
) -> dict[str, Any]:
    """``status`` with its phase and the Initialized, Ready, ContainersReady and readiness-to-start
    conditions made to agree with its containerStatuses (transition times kept when unchanged)."""
    statuses = status.get("containerStatuses") or []
    phase = phase_of(statuses, pod["spec"].get("restartPolicy", "Always"), stopping)
    if stopping and not final and phase in ("Succeeded", "Failed"):
        phase = status.get("phase", phase)
    finished = phase in ("Succeeded", "Failed")
    unready = [cs["name"] for cs in statuses if not cs.get("ready")]
    ready = bool(statuses) and not unready and not finished
    stamp = rfc3339(now)
    old = {c.get("type"): c for c in status.get("conditions") or []}
    names = " ".join(unready)

    def cond(
        type_: str, value: bool, reason: str | None = None, message: str | None = None
    ) -> dict[str, Any]:
        text = "True" if value else "False"
        before = old.get(type_)
        made: dict[str, Any] = {"type": type_, "status": text}
        made["lastTransitionTime"] = (
            before["lastTransitionTime"]
            if before is not None and before.get("status") == text and "lastTransitionTime" in before
            else stamp
        )
        if reason:
            made["reason"] = reason
        if message:
            made["message"] = message
        return made

    why = "PodCompleted" if finished else "ContainersNotReady"
    message = None if finished or ready else f"containers with unready status: [{names}]"
    conditions = [
        cond("PodReadyToStartContainers", not finished or not stopping),
        cond("Initialized", True, "PodCompleted" if finished else None),
        cond("Ready", ready, None if ready else why, message),
        cond("ContainersReady", ready, None if ready else why, message),
        old.get("PodScheduled") or {"type": "PodScheduled", "status": "True", "lastTransitionTime": stamp},
    ]
    return {**status, "phase": phase, "conditions": conditions}
