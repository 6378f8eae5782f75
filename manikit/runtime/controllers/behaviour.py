"""What a simulated container "does", read from pod annotations, and when its probes see it.

Annotations (``sim.manikit.io/KEY`` for every container, ``sim.manikit.io/KEY.CONTAINER`` for one):
``exit-code`` and ``exit-after`` (each run exits with that code after that long), ``crash-every``
(each run exits 1 after that long), ``ready-after`` (the readiness probe succeeds only after that long),
``unhealthy-after`` (every probe fails from then on), ``memory-growth`` (bytes per second, e.g. 10Mi:
OOMKilled on reaching limits.memory), ``pull-time`` (how long pulling its image takes, default 5s) and
``stop-after`` (how long it takes to exit after SIGTERM, default 0s). Everything here is a pure function
of the pod, so the same pod gives the same timeline.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from manikit.models.quantity import parse_quantity
from manikit.runtime.clock import parse_duration

PREFIX = "sim.manikit.io/"
DEFAULT_PULL = timedelta(seconds=5)
OOM_EXIT_CODE = 137
_SLEEP = re.compile(r"(?:^|\s|;|&&)sleep\s+(\d+)\s*$")


@dataclass(frozen=True)
class Behaviour:
    exit_code: int | None = None
    exit_after: timedelta = timedelta(0)
    ready_after: timedelta = timedelta(0)
    unhealthy_after: timedelta | None = None
    memory_growth: float = 0.0  # bytes per second
    pull_time: timedelta = DEFAULT_PULL
    stop_after: timedelta = timedelta(0)


def behaviour(pod: dict[str, Any], container: str) -> Behaviour:
    """The container's behaviour; an annotation that does not parse is ignored (it stays default)."""
    notes = pod["metadata"].get("annotations") or {}
    if not any(k.startswith(PREFIX) for k in notes):
        return _DEFAULT

    def value(key: str) -> str | None:
        found = notes.get(f"{PREFIX}{key}.{container}", notes.get(f"{PREFIX}{key}"))
        return None if found is None else str(found)

    crash = _duration(value("crash-every"))
    pull = value("pull-time")
    code = _int(value("exit-code"))
    if crash is not None and code is None:
        code = 1
    return Behaviour(
        exit_code=code,
        exit_after=crash or _duration(value("exit-after")) or timedelta(0),
        ready_after=_duration(value("ready-after")) or timedelta(0),
        unhealthy_after=_duration(value("unhealthy-after")),
        memory_growth=_quantity(value("memory-growth")),
        pull_time=DEFAULT_PULL if pull is None else (_duration(pull) or timedelta(0)),
        stop_after=_duration(value("stop-after")) or timedelta(0),
    )


_DEFAULT = Behaviour()


def _duration(text: str | None) -> timedelta | None:
    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return 1


def _quantity(text: str | None) -> float:
    if not text:
        return 0.0
    try:
        return float(parse_quantity(text.removesuffix("/s")).value)
    except ValueError:
        return 0.0


@dataclass(frozen=True)
class Exit:
    at: datetime
    code: int
    reason: str  # Completed, Error, OOMKilled
    liveness: bool = False


def run_exit(container: dict[str, Any], b: Behaviour, started: datetime) -> Exit | None:
    """When and how the run that started at ``started`` ends by itself (or by its liveness probe)."""
    exits: list[Exit] = []
    if b.exit_code is not None:
        reason = "Completed" if b.exit_code == 0 else "Error"
        exits.append(Exit(started + b.exit_after, b.exit_code, reason))
    limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
    if b.memory_growth > 0 and limit:
        seconds = math.ceil(float(parse_quantity(str(limit)).value) / b.memory_growth)
        exits.append(Exit(started + timedelta(seconds=seconds), OOM_EXIT_CODE, "OOMKilled"))
    probe = container.get("livenessProbe")
    if probe and b.unhealthy_after is not None:
        exits.append(
            Exit(failed_at(probe, started, b.unhealthy_after), OOM_EXIT_CODE, "Error", liveness=True)
        )
    return min(exits, key=lambda e: e.at) if exits else None


def _probe_numbers(probe: dict[str, Any]) -> tuple[int, int, int]:
    delay = int(probe.get("initialDelaySeconds", 0) or 0)
    period = int(probe.get("periodSeconds", 10) or 10)
    threshold = int(probe.get("failureThreshold", 3) or 3)
    return delay, period, threshold


def _first_tick(probe: dict[str, Any], started: datetime, after: timedelta) -> datetime:
    """The first probe at or after ``started + after`` (probes run at delay, delay + period, ...)."""
    delay, period, _ = _probe_numbers(probe)
    wait = after.total_seconds() - delay
    ticks = max(0, math.ceil(wait / period))
    return started + timedelta(seconds=delay + ticks * period)


def ready_at(container: dict[str, Any], b: Behaviour, started: datetime) -> datetime:
    """When the readiness probe first succeeds; without one, the container is ready once running."""
    probe = container.get("readinessProbe")
    if not probe:
        return started
    return _first_tick(probe, started, b.ready_after)


def failed_at(probe: dict[str, Any], started: datetime, unhealthy_after: timedelta) -> datetime:
    """When a probe has failed failureThreshold times in a row, failing from ``unhealthy_after`` on."""
    _, period, threshold = _probe_numbers(probe)
    return _first_tick(probe, started, unhealthy_after) + timedelta(seconds=period * (threshold - 1))


def unready_at(container: dict[str, Any], b: Behaviour, started: datetime) -> datetime | None:
    probe = container.get("readinessProbe")
    if not probe or b.unhealthy_after is None:
        return None
    return max(failed_at(probe, started, b.unhealthy_after), ready_at(container, b, started))


def probe_failure(probe: dict[str, Any], kind: str, ip: str) -> str:
    """The kubelet's Unhealthy message for a failing probe of ``kind`` (Readiness, Liveness)."""
    if "httpGet" in probe:
        detail = "HTTP probe failed with statuscode: 500"
    elif "tcpSocket" in probe:
        port = probe["tcpSocket"].get("port")
        detail = f"dial tcp {ip}:{port}: connect: connection refused"
    elif "grpc" in probe:
        detail = "timeout: failed to connect service within 1s"
    else:
        detail = "command failed with exit code 1"
    return f"{kind} probe failed: {detail}"


def stop_time(container: dict[str, Any], b: Behaviour, grace: int) -> timedelta:
    """How long the container takes to stop: its preStop hook, then its exit after SIGTERM, within
    the grace period (after which it is killed)."""
    hook = ((container.get("lifecycle") or {}).get("preStop")) or {}
    pre = 0
    if "sleep" in hook:
        pre = int((hook["sleep"] or {}).get("seconds", 0) or 0)
    elif "exec" in hook:
        command = " ".join(str(c) for c in (hook["exec"] or {}).get("command") or [])
        found = _SLEEP.search(command)
        pre = int(found.group(1)) if found else 0
    return min(timedelta(seconds=grace), timedelta(seconds=pre) + b.stop_after)
