"""Server-side apply (``application/apply-patch+yaml``): placeholder, filled in below."""

from __future__ import annotations

from manikit.server.backend import Backend, Body
from manikit.server.objects import Call
from manikit.server.status import ApiError


def server_side_apply(backend: Backend, call: Call) -> tuple[int, Body]:
    raise ApiError("UnsupportedMediaType", "server-side apply is not supported yet")
