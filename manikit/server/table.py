"""Table responses (``Accept: application/json;as=Table;v=v1;g=meta.k8s.io``): kubectl's columns.

The columns are the CLI's own (``manikit get`` prints the same table), handed to the app at start-up
as a ``Columns`` value so the server never imports the CLI. Wide columns have priority 1: kubectl
shows them only with ``-o wide``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from manikit.server.backend import Backend, Body, human_age

TABLE_MEDIA = "application/json;as=Table;v=v1;g=meta.k8s.io"
EVENT_HEADERS = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
#: Columns ``manikit get`` shows by default that kubectl shows only with ``-o wide`` (or never).
WIDE_HERE = {"Node": frozenset({"CPU(REQ/ALLOC)", "MEMORY(REQ/ALLOC)", "PODS"})}


@dataclass(frozen=True)
class Columns:
    """``headers(kind, wide)`` and ``rows(kind, bodies, now, wide, pods)``, as ``manikit.cli.columns``."""

    headers: Callable[[str, bool], list[str]]
    rows: Callable[[str, Sequence[Body], datetime, bool, Sequence[Body]], list[list[str]]]


def wants_table(accept: str) -> bool:
    return any("as=Table" in part and "g=meta.k8s.io" in part for part in accept.split(","))


def _event_row(event: Body, now: datetime) -> list[str]:
    involved = event["involvedObject"]
    age = human_age(event.get("lastTimestamp"), now)
    if event.get("count", 1) > 1:
        age += f" (x{event['count']} over {human_age(event.get('firstTimestamp'), now)})"
    return [
        age,
        event["type"],
        event["reason"],
        f"{involved['kind'].lower()}/{involved['name']}",
        event["message"],
    ]


def _row_object(body: Body, include: str) -> dict[str, Any] | None:
    if include == "None":
        return None
    if include == "Object":
        return body
    return {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": body["metadata"]}


def table(
    backend: Backend, columns: Columns, kind: str, bodies: Sequence[Body], meta: dict[str, Any], include: str
) -> Body:
    """The Table of ``bodies``; ``meta``: the list's metadata (resourceVersion, continue)."""
    now = backend.now()
    if kind == "Event":
        headers, base = EVENT_HEADERS, len(EVENT_HEADERS)
        rows = [_event_row(b, now) for b in bodies]
    else:
        headers, base = columns.headers(kind, True), len(columns.headers(kind, False))
        pods = backend.list("Pod", None, None)[0] if kind == "Node" else ()
        rows = columns.rows(kind, bodies, now, True, pods)
    wide_here = WIDE_HERE.get(kind, frozenset())
    definitions = [
        {
            "name": h,
            "type": "string",
            "format": "name" if i == 0 else "",
            "description": "",
            "priority": 0 if i < base and h not in wide_here else 1,
        }
        for i, h in enumerate(headers)
    ]
    table_rows = []
    for body, cells in zip(bodies, rows, strict=True):
        row: dict[str, Any] = {"cells": cells}
        shown = _row_object(body, include)
        if shown is not None:
            row["object"] = shown
        table_rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": meta,
        "columnDefinitions": definitions,
        "rows": table_rows,
    }
