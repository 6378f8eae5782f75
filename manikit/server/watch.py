"""Watch streams: one JSON event per line, sent as the store's history grows.

``resourceVersion`` from a list: changes after it, no replay. ``0`` or empty: an ADDED event for
every current object first. ``sendInitialEvents=true`` (the watch-list mode of kubectl's ``rollout
status`` and ``wait``): the ADDED events, then a BOOKMARK annotated ``k8s.io/initial-events-end``.
Bookmarks are sent when asked for (``allowWatchBookmarks``) every ``BOOKMARK_SECONDS``. A stream ends
at ``timeoutSeconds`` (at most ``MAX_TIMEOUT``) or when the client goes away. The changes come from the
server's ``WatchHistory``: a version it has compacted away ends the stream with an ERROR event
carrying a 410 ``Expired`` Status, as kube-apiserver's watch cache ends it.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import orjson

from manikit.models.selector import LabelSelector, parse_selector
from manikit.server.backend import Backend, Body, HistoryEntry
from manikit.server.history import Expired, WatchHistory
from manikit.server.objects import Call, current
from manikit.server.selectors import parse_field_selector
from manikit.server.status import ApiError

BOOKMARK_SECONDS = 1.0
MAX_TIMEOUT = 1800.0
#: How long a watch of events waits between looks (events are not in the history).
EVENT_POLL_SECONDS = 0.25
INITIAL_EVENTS_END = "k8s.io/initial-events-end"
CHUNK_EVENTS = 500


class Changes:
    """Wakes every waiting watch when the store may have moved on."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


def _truthy(value: str | None) -> bool:
    return value in ("true", "1", "True")


def _line(kind: str, obj: Body) -> bytes:
    return orjson.dumps({"type": kind, "object": obj}) + b"\n"


def _chunks(lines: list[bytes]) -> Iterator[bytes]:
    """Events sent a few hundred at a time: one write each, not one per event (the client reads a
    stream of lines, wherever the chunks end)."""
    for start in range(0, len(lines), CHUNK_EVENTS):
        yield b"".join(lines[start : start + CHUNK_EVENTS])


class Watch:
    """One watch request's parameters, checked before the stream starts (so errors are a Status)."""

    def __init__(
        self, backend: Backend, history: WatchHistory, call: Call, render: Callable[[Body], Body]
    ) -> None:
        query = call.query
        self.backend, self.history, self.call, self.render = backend, history, call, render
        self.resource = call.target.resource
        self.fields = parse_field_selector(query.get("fieldSelector"), self.resource.kind)
        labels = query.get("labelSelector") or ""
        self.labels: LabelSelector | None = parse_selector(labels) if labels.strip() else None
        self.bookmarks = _truthy(query.get("allowWatchBookmarks"))
        self.initial = _truthy(query.get("sendInitialEvents"))
        version = query.get("resourceVersion") or ""
        if version and not version.isdigit():
            raise ApiError("BadRequest", f'resourceVersion: Invalid value: "{version}": must be an integer')
        self.replay = self.initial or version in ("", "0")
        self.since = int(version) if version.isdigit() else 0
        if self.initial and query.get("resourceVersionMatch", "NotOlderThan") != "NotOlderThan":
            raise ApiError("Invalid", "resourceVersionMatch: sendInitialEvents requires NotOlderThan")
        timeout = query.get("timeoutSeconds")
        self.timeout = min(float(timeout), MAX_TIMEOUT) if timeout and timeout.isdigit() else MAX_TIMEOUT

    def _wanted(self, entry: HistoryEntry) -> bool:
        target = self.call.target
        if target.namespace and entry.namespace != target.namespace:
            return False
        body = entry.body
        if self.labels is not None and not self.labels.matches(body["metadata"].get("labels") or {}):
            return False
        return all(r.matches(body) for r in self.fields)

    def _bookmark(self, revision: int, end: bool = False) -> bytes:
        meta: dict[str, Any] = {"resourceVersion": str(revision)}
        if end:
            meta["annotations"] = {INITIAL_EVENTS_END: "true"}
        return _line(
            "BOOKMARK",
            {"kind": self.resource.kind, "apiVersion": self.resource.api_version, "metadata": meta},
        )

    async def stream(self, changes: Changes) -> AsyncIterator[bytes]:
        deadline = time.monotonic() + self.timeout
        since = self.since
        if self.replay:
            lines, since = await self.backend.run(self._initial)
            for chunk in _chunks(lines):
                yield chunk
            if self.initial:
                yield self._bookmark(since, end=True)
        if self.resource.kind == "Event":
            async for line in self._events(changes, deadline):
                yield line
            return
        last_bookmark = time.monotonic()
        while (left := deadline - time.monotonic()) > 0:
            try:
                lines, since = await self.backend.read(self._changes_since, since)
            except Expired as exc:
                yield _line("ERROR", exc.to_status())  # 410 Expired, as a watch says it
                return
            for chunk in _chunks(lines):
                yield chunk
            if self.bookmarks and time.monotonic() - last_bookmark >= BOOKMARK_SECONDS:
                last_bookmark = time.monotonic()
                yield self._bookmark(since)
            if not lines:
                await changes.wait(min(left, BOOKMARK_SECONDS))

    def _changes_since(self, since: int) -> tuple[list[bytes], int]:
        """The events after ``since``, rendered (on the store's thread), and the revision reached."""
        lines = []
        entries = self.history.since(self.backend, since, self.resource.kind)
        for entry in entries:
            if self._wanted(entry):
                body = entry.body
                if entry.op == "DELETED":
                    body = copy.copy(body)
                    body["metadata"] = {**body["metadata"], "resourceVersion": str(entry.revision)}
                lines.append(_line(entry.op, self.render(body)))
        # the window's head was read first: a write by another process since is in ``entries``
        return lines, max(since, self.history.head, entries[-1].revision if entries else 0)

    def _initial(self) -> tuple[list[bytes], int]:
        self.history.refresh(self.backend)  # the window reaches the revision the replay is of
        bodies, revision = current(self.backend, self.call)
        return [_line("ADDED", self.render(body)) for body in bodies], revision

    def _render_all(self, bodies: list[Body]) -> list[Body]:
        return [self.render(body) for body in bodies]

    async def _events(self, changes: Changes, deadline: float) -> AsyncIterator[bytes]:
        seen: dict[str, int] = {}
        first = True
        while (left := deadline - time.monotonic()) > 0:
            bodies, _ = await self.backend.run(current, self.backend, self.call)
            rendered = await self.backend.run(self._render_all, bodies)
            for body, shown in zip(bodies, rendered, strict=True):
                name, count = body["metadata"]["name"], body.get("count", 1)
                if seen.get(name) != count:
                    if not (first and not self.replay):
                        yield _line("ADDED" if name not in seen else "MODIFIED", shown)
                    seen[name] = count
            first = False
            await changes.wait(min(left, EVENT_POLL_SECONDS))
