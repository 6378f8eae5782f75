"""The served watch's window of recent changes, as kube-apiserver's watch cache keeps one.

A watch resumes from its ``resourceVersion`` only within the last ``capacity`` revisions; older ones
are compacted away for the API (as kube-apiserver's watch cache and etcd's compaction forget them),
so one watch never replays an unbounded backlog. A watch from before the window gets a 410
``Expired`` ("too old resource version"), and so does a list's ``continue`` token issued before it, so
clients relist as they do against a real cluster (client-go's reflectors; ``kubectl get -w`` says the
error). The window starts at the revision the server started at: a version handed out before then is
too old, as after a kube-apiserver restart. The changes themselves are read from the state, which
keeps them (held in memory, a window of 100,000 pods' writes would take about 800 MB).
"""

from __future__ import annotations

from manikit.server.backend import Backend, HistoryEntry
from manikit.server.status import ApiError

#: Revisions kept by default (``manikit serve --watch-history``).
DEFAULT_CAPACITY = 100_000
CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can start a "
    "new list without the continue parameter."
)


class Expired(ApiError):
    """A resourceVersion older than the window: 410, reason ``Expired``."""

    def __init__(self, message: str) -> None:
        super().__init__("Expired", message)


class WatchHistory:
    """The window of revisions a watch may resume from: after ``floor``, up to ``head`` (the store's
    revision when last looked at). Used on the store's thread only."""

    def __init__(self, capacity: int, start: int) -> None:
        if capacity < 1:
            raise ValueError("the watch history keeps at least one revision")
        self.capacity = capacity
        #: a watch from a revision >= floor is served; older ones are Expired
        self.floor = start
        self.head = start

    def compact(self, current: int) -> None:
        """Move the window up to the store's revision ``current``: the oldest revisions fall out."""
        self.floor = max(self.floor, current - self.capacity)
        self.head = max(self.head, current)

    def refresh(self, backend: Backend) -> None:
        self.compact(backend.revision())

    def check(self, since: int) -> None:
        if since < self.floor:
            raise Expired(f"too old resource version: {since} ({self.floor})")

    def since(self, backend: Backend, since: int, kind: str) -> list[HistoryEntry]:
        """The writes to ``kind`` after revision ``since`` (Expired if the window has passed it),
        read from the state: at most ``capacity`` revisions, whatever the state still holds."""
        self.refresh(backend)
        self.check(since)
        return backend.history(since, [kind])

    def check_continue(self, revision: int) -> None:
        """A list's continue token names the revision of its first page: too old once compacted."""
        if revision < self.floor:
            raise Expired(CONTINUE_EXPIRED)
