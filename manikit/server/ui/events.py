"""The events page: the newest events first (Warning ones marked), updated live."""

from __future__ import annotations

from typing import Any

from manikit.server.backend import Backend
from manikit.server.ui.common import object_url

SHOWN = 200


def recent(backend: Backend, limit: int) -> list[dict[str, Any]]:
    records = sorted(backend.events(None), key=lambda e: (e.last_timestamp, e.id), reverse=True)[:limit]
    return [
        {
            "type": e.type,
            "reason": e.reason,
            "message": e.message,
            "count": e.count,
            "last": e.last_timestamp,
            "source": e.source,
            "object": f"{e.kind}/{e.namespace + '/' if e.namespace else ''}{e.name}",
            "url": object_url(e.kind, e.namespace, e.name),
        }
        for e in records
    ]


def context(backend: Backend, params: dict[str, str]) -> dict[str, Any]:
    return {"title": "Events", "events": recent(backend, SHOWN)}
