"""Read, change, write again when the write lost a race: client-go's ``retry.RetryOnConflict``.

manikit's read-modify-write commands (scale, patch, rollout undo/pause/resume/restart, cordon, taint)
send the resourceVersion they read, so a write made in between (a controller's status update on a
running ``manikit serve``, another terminal) is refused with 409 Conflict instead of being overwritten.
As kubectl's commands do, they then read the object again and recompute their change: ``DefaultRetry``'s
five attempts, 10 ms apart. Only the stale-resourceVersion conflict is retried; a server-side apply's
field conflict is a 409 too, and is the user's to resolve.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from manikit.errors import MODIFIED, ConflictError

T = TypeVar("T")

STEPS = 5  # client-go's retry.DefaultRetry
DELAY = 0.01  # seconds


def retry_on_conflict(attempt: Callable[[], T], *, steps: int = STEPS, delay: float = DELAY) -> T:
    """``attempt()`` (which must read what it changes), again after a stale-resourceVersion conflict,
    at most ``steps`` times in all; the last conflict is raised."""
    for remaining in range(steps - 1, -1, -1):
        try:
            return attempt()
        except ConflictError as exc:
            if remaining == 0 or MODIFIED not in str(exc):
                raise
            time.sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
