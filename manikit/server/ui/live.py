"""The live stream behind the pages (server-sent events): a ``change`` event whenever the store's
watch history has a write to a kind the dashboard draws, or the events moved. The page then fetches
itself again; without JavaScript nothing here is needed."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable

import orjson
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from manikit.server.backend import Backend
from manikit.server.watch import Changes

KINDS = ["Node", "Pod", "Deployment", "ReplicaSet", "Service", "Namespace"]
WAIT_SECONDS = 1.0
KEEPALIVE_SECONDS = 15.0
#: a stream ends after this long; the browser's EventSource opens the next one by itself
STREAM_SECONDS = 600.0


def moved(backend: Backend, since: int) -> tuple[bool, int]:
    """Whether the watch history holds a write to ``KINDS`` after ``since``, and the revision now."""
    now = backend.revision()
    if now <= since:
        return False, now
    return bool(backend.history(since, KINDS)), now


def events_mark(backend: Backend) -> tuple[int, int]:
    records = backend.events(None)
    return len(records), sum(e.count for e in records)


async def stream(backend: Backend, changes: Callable[[], Changes], request: Request) -> Response:
    given = request.query_params.get("since", "")
    since = int(given) if given.isdigit() else await backend.run(backend.revision)
    return StreamingResponse(
        _events(backend, changes, since),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _message(revision: int) -> bytes:
    return b"event: change\ndata: " + orjson.dumps({"revision": revision}) + b"\n\n"


async def _events(backend: Backend, changes: Callable[[], Changes], since: int) -> AsyncIterator[bytes]:
    yield b"retry: 2000\n\n"
    mark = await backend.run(events_mark, backend)
    start = last_sent = time.monotonic()
    while time.monotonic() - start < STREAM_SECONDS:
        changed, now = await backend.run(moved, backend, since)
        new_mark = await backend.run(events_mark, backend)
        since = max(since, now)
        if changed or new_mark != mark:
            mark = new_mark
            last_sent = time.monotonic()
            yield _message(now)
        elif time.monotonic() - last_sent >= KEEPALIVE_SECONDS:
            last_sent = time.monotonic()
            yield b": keep-alive\n\n"
        await changes().wait(WAIT_SECONDS)
