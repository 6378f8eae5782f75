"""Time for the control plane: an injectable clock, so results never depend on the wall clock.

One-shot commands run a ``SimulatedClock`` that the reconcile loop moves from timer to timer; a long
running server can plug in ``WallClock`` instead. Timestamps are RFC3339 in UTC with second precision,
as Kubernetes writes them; durations are written as Go's (``90s``, ``1m30s``, ``5m``).
"""

from __future__ import annotations

import functools
import re
from datetime import UTC, datetime, timedelta
from typing import Protocol

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def advance_to(self, moment: datetime) -> None: ...


class SimulatedClock:
    """A clock that moves only when told to; reconcile fast-forwards it to the next timer."""

    def __init__(self, start: datetime = EPOCH) -> None:
        self._now = start.astimezone(UTC).replace(microsecond=0)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def advance_to(self, moment: datetime) -> None:
        """Move forward to ``moment``; never backward."""
        if moment > self._now:
            self._now = moment.replace(microsecond=0)


class TimerPending(Exception):
    """Raised by the wall clock when reconcile would jump ahead: the controllers wait for ``moment``."""

    def __init__(self, moment: datetime) -> None:
        super().__init__(moment)
        self.moment = moment


class WallClock:
    """Real time, for a server that runs the cluster live: a readiness delay takes its real seconds,
    and objects' timestamps are the wall clock's (plus a fixed offset when the state's saved clock is
    ahead). ``advance_to`` never jumps or sleeps: it stops the reconcile loop (``TimerPending``), which
    its caller runs again at that moment."""

    def __init__(self, saved: datetime | None = None) -> None:
        wall = _wall()
        self.offset = max(saved - wall, timedelta(0)) if saved else timedelta(0)

    def now(self) -> datetime:
        return _wall() + self.offset

    def advance_to(self, moment: datetime) -> None:
        if moment > self.now():
            raise TimerPending(moment)


def _wall() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def parse_duration(text: str) -> timedelta:
    """A Go duration (``300s``, ``1m30s``, ``2h``; a bare number is seconds); ValueError otherwise."""
    value = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return timedelta(seconds=float(value))
    parts = _DURATION_PART.findall(value)
    if not value or "".join(n + u for n, u in parts) != value:
        raise ValueError(f"invalid duration {text!r}: use a number with a unit, like 30s, 5m or 1m30s")
    return timedelta(seconds=sum(float(n) * _UNIT_SECONDS[u] for n, u in parts))


def format_duration(delta: timedelta) -> str:
    """Go's ``time.Duration`` text at second precision: 10s, 1m20s, 5m0s, 1h0m0s."""
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}h{minutes}m{secs}s"
    if minutes:
        return f"{minutes}m{secs}s"
    return f"{secs}s"


@functools.lru_cache(maxsize=256)
@functools.lru_cache(maxsize=4096)  # a pass stamps thousands of writes and events with one moment
def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@functools.lru_cache(maxsize=65536)  # tables of 10,000 pods share a few timestamps
def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def human_age(since: str | None, now: datetime) -> str:
    """kubectl's AGE column: 45s, 12m, 3h5m, 4d, ..."""
    if not since:
        return "<unknown>"
    seconds = max(0, int((now - parse_time(since)).total_seconds()))
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m{rest}s" if rest else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h{rest}m" if rest else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    days = hours // 24
    if days < 8:
        rest = hours % 24
        return f"{days}d{rest}h" if rest else f"{days}d"
    if days < 365 * 2:
        return f"{days}d"
    return f"{days // 365}y"
