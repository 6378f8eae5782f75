"""The Starlette application: authentication, routing by path, JSON and Table bodies, watches, and
the background reconciler (woken by every write, and every ``RECONCILE_SECONDS`` anyway)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import hmac
import json
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from manikit.errors import ManikitError
from manikit.server import discovery, openapi
from manikit.server.backend import Backend, Body
from manikit.server.history import DEFAULT_CAPACITY, WatchHistory
from manikit.server.objects import (
    Call,
    create_object,
    delete_object,
    get_object,
    list_objects,
    replace_object,
)
from manikit.server.patch import patch_object
from manikit.server.resources import BY_KIND, GROUP_VERSIONS, Target, parse_path
from manikit.server.selectors import continue_revision
from manikit.server.status import ApiError, from_error, status_body
from manikit.server.table import TABLE_MEDIA, Columns, table, wants_table
from manikit.server.ui import mount_ui
from manikit.server.watch import Changes, Watch

JSON = "application/json"
#: the request headers the API reads
REQUEST_HEADERS = {h.encode(): h for h in ("authorization", "accept", "content-type", "user-agent")}
RECONCILE_SECONDS = 1.0
#: timestamps have whole seconds: run a little after a timer's second has begun
TIMER_SLACK = 0.05
Handler = Callable[[Backend, Call], tuple[int, Body]]
HANDLERS: dict[str, Handler] = {
    "POST": create_object,
    "PUT": replace_object,
    "PATCH": patch_object,
    "DELETE": delete_object,
}


class JsonResponse(Response):
    """A JSON body with the headers Starlette's ``Response`` gives it (content-length, content-type),
    made without its general header handling."""

    def __init__(self, body: bytes, code: int, media: str) -> None:
        self.status_code, self.media_type, self.background, self.body = code, media, None, body
        self.raw_headers = [(b"content-length", str(len(body)).encode()), (b"content-type", media.encode())]


def _json(body: Any, code: int = 200, media: str = JSON) -> Response:
    return JsonResponse(orjson.dumps(body), code, media)


def _error(exc: BaseException, target: Target | None = None) -> Response:
    details = None
    if target is not None:
        details = {"kind": target.resource.plural, **({"name": target.name} if target.name else {})}
        if target.resource.group:
            details["group"] = target.resource.group
    body = from_error(exc, details)
    return _json(body, body["code"])


class Server:
    """One control plane served: the backend, the watchers' wake-up, the reconciler task."""

    def __init__(
        self, backend: Backend, columns: Columns, token: str | None, watch_history: int = DEFAULT_CAPACITY
    ) -> None:
        self.backend, self.columns, self.token = backend, columns, token
        self.changes = Changes()
        self.history = WatchHistory(watch_history, 0)
        self._dirty = asyncio.Event()
        self._reconciler: asyncio.Task[None] | None = None
        #: the first reconcile after start has finished (``/readyz`` says so)
        self.ready = False

    # Lifecycle ------------------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        self._dirty = asyncio.Event()
        self._dirty.set()  # catch up with the state at once
        self.changes = Changes()
        self.backend.on_pass = functools.partial(self._pass_committed, asyncio.get_running_loop())
        start = await self.backend.run(self.backend.revision)
        self.history = WatchHistory(self.history.capacity, start)
        self._reconciler = asyncio.create_task(self._reconcile_forever())
        try:
            yield
        finally:
            self._reconciler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconciler
            await asyncio.get_running_loop().run_in_executor(None, self.backend.close)

    async def _reconcile_forever(self) -> None:
        await self.backend.run(self.backend.warm, [k for k in BY_KIND if k != "Event"])
        while True:
            timer = self.backend.seconds_to_timer()
            wait = RECONCILE_SECONDS if timer is None else min(timer + TIMER_SLACK, RECONCILE_SECONDS)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._dirty.wait(), wait)
            self._dirty.clear()
            if not await self.backend.run(self.backend.needs_reconcile):
                self._caught_up()
                continue
            before = await self.backend.run(self.backend.revision)
            try:
                await self.backend.run(self.backend.reconcile)
            except ManikitError:
                pass  # a pass that cannot finish is retried on the next wake-up; its transaction left nothing
            except Exception as exc:  # a bug: said on the server's stderr; the API keeps serving
                sys.stderr.write(f"manikit serve: reconcile failed (a bug in manikit): {exc!r}\n")
            self._caught_up()
            after = await self.backend.run(self.backend.revision)
            self.history.compact(after)  # with no watch open too
            if after != before:
                self.changes.notify()

    def _pass_committed(self, loop: asyncio.AbstractEventLoop) -> None:
        """A reconcile pass wrote (on the store's thread): the watches look at once, not at its end."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: no watch left
            loop.call_soon_threadsafe(self.changes.notify)

    def _caught_up(self) -> None:
        """The first reconcile has finished: ready. The read cache, warm and caught up, is most of the
        heap: frozen then, the collector's full passes no longer walk it (a big Table, 10,000 rows of
        new dicts, set one off every few requests). Its bodies have no cycles, so the ones replaced
        later are still freed by their refcount."""
        if not self.ready:
            gc.collect()
            gc.freeze()
        self.ready = True

    def wrote(self) -> None:
        self._dirty.set()
        self.changes.notify()

    # Requests -------------------------------------------------------------------------------------
    def _authorized(self, headers: dict[str, str]) -> bool:
        if self.token is None:
            return True
        given = headers.get("authorization", "")
        return given.startswith("Bearer ") and hmac.compare_digest(given[7:].strip(), self.token)

    async def handle(self, request: Request) -> Response:
        """A request of the API (not the dashboard): read from the ASGI scope directly, as Starlette's
        ``Request`` would (the first of a repeated header, the last of a repeated query parameter)."""
        scope = request.scope
        headers: dict[str, str] = {}
        for key, value in scope["headers"]:  # names are lowercase in ASGI
            name = REQUEST_HEADERS.get(key)
            if name is not None and name not in headers:
                headers[name] = value.decode("latin-1")
        if not self._authorized(headers):
            return _json(status_body("Unauthorized", "Unauthorized"), 401)
        # as Starlette's ``request.url.path``
        path = scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
        path = path.rstrip("/") or "/"
        static = self._static(path, headers.get("accept", ""))
        if static is not None:
            return static
        target: Target | None = None
        try:
            target = parse_path(path)
            if target is None:
                raise ApiError("NotFound", "the server could not find the requested resource")
            return await self._resource(request, target, headers)
        except ManikitError as exc:
            return _error(exc, target)
        except Exception as exc:  # a bug: the client gets a 500 Status, the server keeps serving
            return _error(exc, target)

    def _static(self, path: str, accept: str) -> Response | None:
        if path in ("/healthz", "/livez") or (path == "/readyz" and self.ready):
            return Response(b"ok", media_type="text/plain")
        if path == "/readyz":
            return Response(b"the controllers have not caught up with the state yet", 503)
        if path == "/version":
            return _json(discovery.version())
        if path in ("/api", "/apis"):
            if discovery.wants_aggregated(accept):
                return _json(discovery.aggregated(path == "/api"), media=discovery.AGGREGATED_V2)
            return _json(discovery.legacy_api() if path == "/api" else discovery.legacy_apis())
        parts = path.strip("/").split("/")
        if path == "/api/v1" or (parts[0] == "apis" and len(parts) == 3):
            gv = "v1" if path == "/api/v1" else f"{parts[1]}/{parts[2]}"
            if gv in GROUP_VERSIONS:
                return _json(discovery.legacy_resources(gv))
        if parts[0] == "apis" and len(parts) == 2:
            group = discovery.legacy_group(parts[1])
            return _json(group) if group is not None else None
        if path == "/openapi/v3":
            return _json(openapi.index())
        if path.startswith("/openapi/v3/"):
            doc = openapi.lookup(path)
            return _json(doc) if doc is not None else None
        return None

    async def _resource(self, request: Request, target: Target, headers: dict[str, str]) -> Response:
        raw_query = request.scope["query_string"]
        query = dict(parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True)) if raw_query else {}
        method = request.scope["method"]
        raw = b"" if method == "GET" else await request.body()  # a GET's body means nothing
        call = Call(target, query, raw, headers.get("content-type", ""), headers.get("user-agent", ""))
        as_table = wants_table(headers.get("accept", ""))
        if method == "GET" and target.name is None and query.get("watch") in ("true", "1"):
            return await self._watch(call, as_table)
        if method == "GET":
            code, body = await self.backend.read(self._read, call, as_table)
            return _json(body, code, TABLE_MEDIA if as_table and call.target.subresource is None else JSON)
        chosen = HANDLERS.get(method)
        if chosen is None or (method in ("PUT", "PATCH") and target.name is None):
            raise ApiError(
                "MethodNotAllowed", "the server does not allow this method on the requested resource"
            )
        code, body = await self.backend.run(chosen, self.backend, call)
        if not call.dry_run:
            self.wrote()
        response = _json(body, code)
        for warning in call.warnings:
            response.headers.append("Warning", f"299 - {json.dumps(warning)}")
        return response

    def _read(self, call: Call, as_table: bool) -> tuple[int, Body]:
        """A GET or LIST, as a Table when asked for (one call on the store: no write between)."""
        target = call.target
        if target.name is None and call.query.get("continue"):
            since = continue_revision(call.query["continue"])
            self.history.refresh(self.backend)
            self.history.check_continue(since)
        handler: Handler = list_objects if target.name is None else get_object
        code, body = handler(self.backend, call)
        if as_table and target.subresource is None:
            body = self._as_table(call, body)
        return code, body

    def _as_table(self, call: Call, body: Body) -> Body:
        include = call.query.get("includeObject", "Metadata")
        kind = call.target.resource.kind
        if body.get("kind", "").endswith("List") and "items" in body:
            return table(self.backend, self.columns, kind, body["items"], body["metadata"], include)
        meta = {"resourceVersion": body["metadata"].get("resourceVersion", "")}
        return table(self.backend, self.columns, kind, [body], meta, include)

    async def _watch(self, call: Call, as_table: bool) -> Response:
        render: Callable[[Body], Body] = (
            (lambda body: self._as_table(call, body)) if as_table else (lambda b: b)
        )
        watch = await self.backend.read(Watch, self.backend, self.history, call, render)
        media = TABLE_MEDIA if as_table else JSON
        return StreamingResponse(watch.stream(self.changes), media_type=media)


#: the methods of the API; others (HEAD, OPTIONS) go through Starlette's routing, as before
API_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


class App:
    """The ASGI app. An API request goes straight to ``Server.handle``: Starlette's middleware stack
    and route matching cost as much as the rest of a GET. The dashboard (``/ui/``), the lifespan and
    other methods go through the Starlette app (``handle`` catches every error itself)."""

    def __init__(self, server: Server, app: Starlette) -> None:
        self.server, self.app, self.state = server, app, app.state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in API_METHODS
            and not scope["path"].startswith("/ui/")
        ):
            response = await self.server.handle(Request(scope, receive))
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def create_app(
    backend: Backend, columns: Columns, token: str | None, watch_history: int = DEFAULT_CAPACITY
) -> App:
    server = Server(backend, columns, token, watch_history)
    methods = list(API_METHODS)
    route = Route("/{path:path}", server.handle, methods=methods)
    app = Starlette(routes=[mount_ui(server), route], lifespan=server.lifespan)
    app.state.server = server
    return App(server, app)
