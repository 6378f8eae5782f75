"""The served watch's window of recent changes, as kube-apiserver's watch cache keeps one.

Every watch reads the changes after its ``resourceVersion`` from here: the writes of the last
``capacity`` revisions, read once from the store and shared by every watch. Older revisions are
compacted away; a watch from before the window gets a 410 ``Expired`` ("too old resource version"),
and so does a list's ``continue`` token issued before it, so clients relist as they do against a real
cluster (client-go's reflectors, ``kubectl get -w`` says the error). The window starts at the revision
the server started at: a version handed out before then is too old, as after a kube-apiserver restart.
"""

from __future__ import annotations

import bisect
from typing import Any

from manikit.server.backend import Backend, HistoryEntry
from manikit.server.status import ApiError

#: Revisions kept by default (``manikit serve --watch-history``).
DEFAULT_CAPACITY = 100_000
#: The HTTP code of an ``Expired`` Status (``StatusReasonExpired``).
EXPIRED_CODE = 410
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can start a "
    "new list without the continue parameter."
)


class Expired(ApiError):
    """A resourceVersion older than the window: 410, reason ``Expired``."""

    code = EXPIRED_CODE

    def __init__(self, message: str) -> None:
        super().__init__("Expired", message)


def expired_status(message: str) -> dict[str, Any]:
    """The Status of a watch's ERROR event (a watch is already answered 200 when it finds out)."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": "Expired",
        "code": EXPIRED_CODE,
    }


class WatchHistory:
    """The changes after ``floor``, up to ``head``, oldest first. Used on the store's thread only."""

    def __init__(self, capacity: int, start: int) -> None:
        if capacity < 1:
            raise ValueError("the watch history keeps at least one revision")
        self.capacity = capacity
        #: a watch from a revision >= floor is served; older ones are Expired
        self.floor = start
        #: the store revision read up to
        self.head = start
        self._entries: list[HistoryEntry] = []

    def refresh(self, backend: Backend) -> None:
        """Read the store's new writes, then compact: drop what is ``capacity`` revisions old."""
        current = backend.revision()
        if current == self.head:
            return
        floor = max(self.floor, current - self.capacity)
        self._entries.extend(backend.history(max(self.head, floor), None))
        drop = bisect.bisect_right(self._entries, floor, key=lambda e: e.revision)
        del self._entries[:drop]
        self.floor, self.head = floor, max(self.head, current)

    def compact(self, current: int) -> None:
        """Move the window up to the store's revision ``current`` without reading anything: what
        is not read yet is read by the next ``refresh`` (a watch's), if it is still in the window."""
        floor = max(self.floor, current - self.capacity)
        drop = bisect.bisect_right(self._entries, floor, key=lambda e: e.revision)
        del self._entries[:drop]
        self.floor = floor
        self.head = max(self.head, floor)

    def check(self, since: int) -> None:
        if since < self.floor:
            raise Expired(f"too old resource version: {since} ({self.floor})")

    def since(self, since: int, kind: str) -> list[HistoryEntry]:
        """The writes to ``kind`` after revision ``since`` (Expired if the window has passed it)."""
        self.check(since)
        start = bisect.bisect_right(self._entries, since, key=lambda e: e.revision)
        return [e for e in self._entries[start:] if e.kind == kind]

    def check_continue(self, revision: int) -> None:
        """A list's continue token names the revision of its first page: too old once compacted."""
        if revision < self.floor:
            raise Expired(CONTINUE_EXPIRED)

    def __len__(self) -> int:
        return len(self._entries)
