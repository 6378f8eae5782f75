"""Simulated time: an injectable clock, so results never depend on the wall clock.

Timestamps are RFC3339 in UTC with second precision, as Kubernetes writes them.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=256)
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
