"""The dashboard's routes: the same token as the API (a bearer header, or a cookie set once from
``/ui/?token=...``), the pages of ``PAGES``, the live stream and the static files.

Pages are rendered on the store's thread from plain data (``context`` functions) by an autoescaping
sandboxed jinja2 environment; nothing a user stored can become markup or script.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any, Protocol
from urllib.parse import urlencode

from jinja2 import PackageLoader, StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route

from manikit.server.backend import Backend
from manikit.server.ui import deployments, events, live, nodes, objects, overview, pending
from manikit.server.ui.common import NotFound
from manikit.server.watch import Changes

COOKIE = "manikit-ui"
#: everything from this server; inline style attributes only for the bars' widths
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
STATIC = {"ui.css": "text/css; charset=utf-8", "live.js": "text/javascript; charset=utf-8"}
Context = Callable[[Backend, dict[str, str]], dict[str, Any]]


class Served(Protocol):
    """What the dashboard needs of ``manikit.server.app.Server`` (``changes`` is replaced at startup)."""

    backend: Backend
    token: str | None
    changes: Changes


#: The pages: path -> (template, the function that reads its data). Registered here and nowhere else.
PAGES: dict[str, tuple[str, Context]] = {
    "": ("overview.html.j2", overview.context),
    "nodes": ("nodes.html.j2", nodes.context),
    "pending": ("pending.html.j2", pending.context),
    "deployments": ("deployments.html.j2", deployments.context),
    "events": ("events.html.j2", events.context),
    "object": ("object.html.j2", objects.context),
}

_ENV = ImmutableSandboxedEnvironment(
    loader=PackageLoader("manikit.server.ui", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, context: dict[str, Any]) -> str:
    return _ENV.get_template(template).render(**context)


def _html(text: str, code: int = 200) -> Response:
    return Response(text, code, media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)


def _matches(given: str | None, token: str) -> bool:
    return bool(given) and hmac.compare_digest(str(given).encode(), token.encode())


def signed_in(request: Request, token: str | None) -> bool:
    if token is None:
        return True
    header = request.headers.get("authorization", "")
    if header.startswith("Bearer ") and _matches(header[7:].strip(), token):
        return True
    return _matches(request.cookies.get(COOKIE), token)


def guarded(served: Served, handler: Callable[[Request], Awaitable[Response]]) -> Callable[..., Any]:
    async def route(request: Request) -> Response:
        token = served.token
        given = request.query_params.get("token")
        if token is not None and given is not None and _matches(given, token):
            # the token leaves the address bar at once; the cookie carries it from now on
            rest = {k: v for k, v in request.query_params.items() if k != "token"}
            url = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response = RedirectResponse(url, 303, headers=SECURITY_HEADERS)
            secure = request.url.scheme == "https"
            response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/ui")
            return response
        if not signed_in(request, token):
            return _html(render("signin.html.j2", {}), 401)
        return await handler(request)

    return route


def mount_ui(served: Served) -> Mount:
    """The ``/ui`` mount for the server's routes (before its catch-all API route)."""

    async def page(request: Request) -> Response:
        name = request.path_params.get("page", "")
        found = PAGES.get(name.split("/", 1)[0])
        if found is None:
            return _html(render("missing.html.j2", {"what": f"page /ui/{name}"}), 404)
        template, context = found
        params = {**request.query_params, "path": name.partition("/")[2]}
        backend = served.backend
        try:
            data = await backend.run(_read, backend, context, params)
        except NotFound as exc:
            return _html(render("missing.html.j2", {"what": str(exc)}), 404)
        # rendered off the store's thread: API requests wait for the read only, not for the HTML
        loop = asyncio.get_running_loop()
        shown = {**data, "page": name.split("/", 1)[0]}
        return _html(await loop.run_in_executor(None, render, template, shown))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return Response(b"not found", 404)
        body = resources.files("manikit.server.ui").joinpath(f"static/{name}").read_bytes()
        return Response(body, media_type=STATIC[name], headers={"X-Content-Type-Options": "nosniff"})

    async def stream(request: Request) -> Response:
        return await live.stream(served.backend, lambda: served.changes, request)

    routes = [
        Route("/static/{name}", guarded(served, static)),
        Route("/live", guarded(served, stream)),
        Route("/{page:path}", guarded(served, page)),
    ]
    return Mount("/ui", routes=routes)


def _read(backend: Backend, context: Context, params: dict[str, str]) -> dict[str, Any]:
    data = context(backend, params)
    return {**data, "revision": backend.revision()}


__all__ = ["PAGES", "NotFound", "mount_ui", "render"]
