"""Field selectors (``metadata.name=web,status.phase!=Running``) and list pages (``limit``/``continue``).

Kubernetes supports a few fields per kind; these are the ones kubectl and controllers use:
``metadata.name``, ``metadata.namespace``, ``spec.nodeName``, ``status.phase`` and the events'
``involvedObject.*``, ``reason`` and ``type``.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from manikit.server.status import ApiError

SUPPORTED = {
    "*": ("metadata.name", "metadata.namespace"),
    "Pod": ("spec.nodeName", "status.phase", "spec.schedulerName", "spec.restartPolicy"),
    "Event": (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    "Namespace": ("status.phase",),
    "Node": ("spec.unschedulable",),
}


@dataclass(frozen=True)
class Requirement:
    field: str
    value: str
    equal: bool

    def matches(self, body: dict[str, Any]) -> bool:
        return (_field(body, self.field) == self.value) == self.equal


def _field(body: dict[str, Any], path: str) -> str:
    node: Any = body
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, bool):
        return "true" if node else "false"
    if isinstance(node, dict):
        node = node.get("component")  # an event's source
    return "" if node is None else str(node)


def parse_field_selector(text: str | None, kind: str) -> list[Requirement]:
    """``a=b,c!=d`` (``==`` too); a field Kubernetes does not index for ``kind`` is a 400."""
    if not text:
        return []
    allowed = (*SUPPORTED["*"], *SUPPORTED.get(kind, ()))
    found = []
    for part in text.split(","):
        if not part.strip():
            continue
        if "!=" in part:
            field, value, equal = *part.split("!=", 1), False
        elif "==" in part:
            field, value, equal = *part.split("==", 1), True
        elif "=" in part:
            field, value, equal = *part.split("=", 1), True
        else:
            raise ApiError(
                "BadRequest", f'invalid field selector "{part}": expected field=value or field!=value'
            )
        field = field.strip()
        if field not in allowed:
            raise ApiError(
                "BadRequest", f'"{field}" is not a known field selector: only "{", ".join(allowed)}"'
            )
        found.append(Requirement(field, value.strip(), equal))
    return found


def select(bodies: Sequence[dict[str, Any]], requirements: Sequence[Requirement]) -> list[dict[str, Any]]:
    if not requirements:
        return list(bodies)
    return [b for b in bodies if all(r.matches(b) for r in requirements)]


def _key(body: dict[str, Any]) -> list[str]:
    meta = body["metadata"]
    return [meta.get("namespace") or "", meta["name"]]


def _decode(token: str) -> tuple[list[str], int]:
    try:
        state = json.loads(base64.urlsafe_b64decode(token.encode()))
        return list(state["after"]), int(state["rv"])
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise ApiError("BadRequest", "continue key is not valid: it must come from a previous list") from exc


def continue_revision(token: str) -> int:
    """The revision of the list a ``continue`` token carries on (a 400 if it is not one of ours)."""
    return _decode(token)[1]


def page(
    bodies: list[dict[str, Any]], limit: int | None, token: str | None, revision: int
) -> tuple[list[dict[str, Any]], str | None, int]:
    """One page of ``bodies`` (sorted by namespace and name), the token of the next page, and the
    revision the whole list is of (kept across pages, as the API server keeps a list's snapshot)."""
    if token:
        after, revision = _decode(token)
        bodies = bodies[bisect.bisect_right(bodies, after, key=_key) :]  # sorted by namespace and name
    if limit is None or limit <= 0 or len(bodies) <= limit:
        return bodies, None, revision
    chosen = bodies[:limit]
    state = {"rv": revision, "after": _key(chosen[-1])}
    return chosen, base64.urlsafe_b64encode(json.dumps(state).encode()).decode(), revision
