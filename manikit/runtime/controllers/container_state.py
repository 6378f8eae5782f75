"""One container's status as the kubelet moves it on: created, running, ready or not, exited,
restarted after its back-off, as pure steps over the status dict and the kubelet's memory.

The memory (``Memory``) is what a kubelet keeps in RAM: when each container's image pull ends and the
crash back-off per container (the flowcontrol.Backoff entry: current delay and last update). It is
kept in a store note per pod, so controllers stay stateless between passes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from manikit.runtime.clock import format_duration, parse_time, rfc3339
from manikit.runtime.controllers.behaviour import Behaviour, probe_failure, ready_at, run_exit, unready_at

INITIAL_BACKOFF = 10
MAX_BACKOFF = 300
NOTE_TOPIC = "kubelet"


@dataclass
class Memory:
    start_at: dict[str, str] = field(default_factory=dict)  # container -> end of its image pull
    pulled: dict[str, int] = field(default_factory=dict)  # container -> seconds its pull took
    backoff: dict[str, list[Any]] = field(default_factory=dict)  # container -> [seconds, last update]
    killing: bool = False
    #: pulls known from the node's images (not kept: the node's note has them): container ->
    #: (end of the pull, seconds it took or None)
    shared: dict[str, tuple[str | None, int | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, value: Any) -> Memory:
        data = value or {}
        return cls(
            dict(data.get("start_at") or {}),
            dict(data.get("pulled") or {}),
            {k: list(v) for k, v in (data.get("backoff") or {}).items()},
            bool(data.get("killing")),
        )

    def dump(self) -> dict[str, Any]:
        """A copy (later changes to the memory do not show in it)."""
        return {
            "start_at": dict(self.start_at),
            "pulled": dict(self.pulled),
            "backoff": {k: list(v) for k, v in self.backoff.items()},
            "killing": self.killing,
        }


@dataclass
class Step:
    """What one container's step produced: events to record and timers to set."""

    events: list[tuple[str, str, str]] = field(default_factory=list)  # (type, reason, message)
    wakes: list[tuple[datetime, bool]] = field(default_factory=list)  # (moment, recurring)
    due: bool = False  # something is due at once (a container that exits as soon as it starts)


def waiting(reason: str, message: str | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {"reason": reason}
    if message:
        state["message"] = message
    return {"waiting": state}


def new_status(container: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": container["name"],
        "image": container.get("image", ""),
        "imageID": "",
        "ready": False,
        "started": False,
        "restartCount": 0,
        "state": waiting("ContainerCreating"),
    }


def start(cs: dict[str, Any], container: dict[str, Any], now: datetime, memory: Memory, step: Step) -> None:
    """The image is there: create and start the container (the kubelet's Pulled, Created, Started)."""
    name, image = container["name"], container.get("image", "")
    seconds = memory.pulled.pop(name, None)
    if name in memory.shared:
        seconds = memory.shared.pop(name)[1]
    if seconds is None:
        pulled = f'Container image "{image}" already present on machine'
    else:
        took = format_duration(timedelta(seconds=seconds))
        pulled = f'Successfully pulled image "{image}" in {took} ({took} including waiting)'
    memory.start_at.pop(name, None)
    stamp = rfc3339(now)
    cs.update(
        image=image,
        containerID="sim://"
        + hashlib.sha256(f"{stamp}/{name}/{cs['restartCount']}".encode()).hexdigest()[:16],
        started=True,
        ready=False,
        state={"running": {"startedAt": stamp}},
    )
    step.events += [
        ("Normal", "Pulled", pulled),
        ("Normal", "Created", f"Created container: {name}"),
        ("Normal", "Started", f"Started container {name}"),
    ]


def advance(
    cs: dict[str, Any],
    container: dict[str, Any],
    b: Behaviour,
    policy: str,
    ip: str,
    now: datetime,
    memory: Memory,
    step: Step,
    pod_ref: str,
) -> None:
    """Move one container on to ``now``: at most one transition per call (the next pass does the next)."""
    state = cs.get("state") or {}
    name = container["name"]
    if "waiting" in state and state["waiting"].get("reason") == "ContainerCreating":
        at = memory.start_at.get(name) or (memory.shared.get(name) or (None, None))[0]
        moment = parse_time(at) if at else now
        if moment > now:
            step.wakes.append((moment, False))
            return
        start(cs, container, now, memory, step)
        _started(cs, container, b, ip, now, step)
        return
    if "running" in state:
        _run(cs, container, b, ip, now, step)
        return
    if "terminated" in state or "waiting" in state:
        _maybe_restart(cs, container, policy, now, memory, step, pod_ref)
        if "running" in cs["state"]:
            _started(cs, container, b, ip, now, step)


def _started(
    cs: dict[str, Any], container: dict[str, Any], b: Behaviour, ip: str, now: datetime, step: Step
) -> None:
    """A container just started: its readiness, and the timer of its end (or that it is due)."""
    _readiness(cs, container, b, ip, now, step)
    end = run_exit(container, b, now)
    if end is not None and end.at > now:
        step.wakes.append((end.at, _recurring(cs)))
    step.due = step.due or (end is not None and end.at <= now)


def _recurring(cs: dict[str, Any]) -> bool:
    """Timers of a container that has crashed more than once belong to its crash loop."""
    return int(cs.get("restartCount", 0)) >= 2


def _run(
    cs: dict[str, Any], container: dict[str, Any], b: Behaviour, ip: str, now: datetime, step: Step
) -> None:
    started = parse_time(cs["state"]["running"]["startedAt"])
    end = run_exit(container, b, started)
    if end is not None and end.at <= now:
        if end.liveness:
            probe = container["livenessProbe"]
            step.events += [
                ("Warning", "Unhealthy", probe_failure(probe, "Liveness", ip)),
                (
                    "Normal",
                    "Killing",
                    f"Container {container['name']} failed liveness probe, will be restarted",
                ),
            ]
        cs["state"] = {
            "terminated": {
                "exitCode": end.code,
                "reason": end.reason,
                "startedAt": rfc3339(started),
                "finishedAt": rfc3339(end.at),
                "containerID": cs.get("containerID", ""),
            }
        }
        cs.update(ready=False, started=False)
        return
    if end is not None:
        step.wakes.append((end.at, _recurring(cs)))
    _readiness(cs, container, b, ip, now, step)


def _readiness(
    cs: dict[str, Any], container: dict[str, Any], b: Behaviour, ip: str, now: datetime, step: Step
) -> None:
    started = parse_time(cs["state"]["running"]["startedAt"])
    up, down = ready_at(container, b, started), unready_at(container, b, started)
    ready = up <= now and (down is None or now < down)
    for moment in (up, down):
        if moment is not None and moment > now:
            step.wakes.append((moment, _recurring(cs)))
    if cs.get("ready") and not ready:
        step.events.append(
            ("Warning", "Unhealthy", probe_failure(container["readinessProbe"], "Readiness", ip))
        )
    cs["ready"] = ready


def restarts(policy: str, code: int) -> bool:
    return policy == "Always" or (policy == "OnFailure" and code != 0)


def _maybe_restart(
    cs: dict[str, Any],
    container: dict[str, Any],
    policy: str,
    now: datetime,
    memory: Memory,
    step: Step,
    pod_ref: str,
) -> None:
    state = cs["state"]
    last = state.get("terminated") or (cs.get("lastState") or {}).get("terminated")
    if last is None or not restarts(policy, int(last.get("exitCode", 0))):
        return
    name = container["name"]
    finished = parse_time(last["finishedAt"])
    entry = memory.backoff.get(name)
    if entry is not None and _in_backoff(entry, finished, now):
        delay = int(entry[0])
        if "terminated" in state or state["waiting"].get("reason") != "CrashLoopBackOff":
            wait = format_duration(timedelta(seconds=delay))
            message = f"back-off {wait} restarting failed container={name} pod={pod_ref}"
            cs["lastState"] = {"terminated": last}
            cs["state"] = waiting("CrashLoopBackOff", message)
            step.events.append(
                ("Warning", "BackOff", f"Back-off restarting failed container {name} in pod {pod_ref}")
            )
        step.wakes.append((finished + timedelta(seconds=delay), True))
        return
    memory.backoff[name] = _next_backoff(entry, finished)
    cs["lastState"] = {"terminated": last}
    cs["restartCount"] = int(cs.get("restartCount", 0)) + 1
    start(cs, container, now, memory, step)


def _expired(moment: datetime, last: str) -> bool:
    """flowcontrol.Backoff's hasExpired: no crash for twice the maximum delay resets the back-off."""
    return (moment - parse_time(last)).total_seconds() > 2 * MAX_BACKOFF


def _in_backoff(entry: list[Any], finished: datetime, now: datetime) -> bool:
    return not _expired(now, entry[1]) and (now - finished).total_seconds() < int(entry[0])


def _next_backoff(entry: list[Any] | None, finished: datetime) -> list[Any]:
    if entry is None or _expired(finished, entry[1]):
        return [INITIAL_BACKOFF, rfc3339(finished)]
    return [min(int(entry[0]) * 2, MAX_BACKOFF), rfc3339(finished)]


def change_image(cs: dict[str, Any], container: dict[str, Any], now: datetime, step: Step) -> None:
    """The pod's spec names another image: the kubelet kills the container and starts the new one."""
    state = cs.get("state") or {}
    step.events.append(
        ("Normal", "Killing", f"Container {container['name']} definition changed, will be restarted")
    )
    if "running" in state:
        cs["lastState"] = {
            "terminated": {
                "exitCode": 0,
                "reason": "Completed",
                "startedAt": state["running"]["startedAt"],
                "finishedAt": rfc3339(now),
                "containerID": cs.get("containerID", ""),
            }
        }
    cs["restartCount"] = int(cs.get("restartCount", 0)) + 1
    cs.update(
        image=container.get("image", ""), ready=False, started=False, state=waiting("ContainerCreating")
    )
