"""Any object's page: its YAML as stored now, and its history (every stored write, newest first, with
the fields each changed and that version's YAML)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

from ruamel.yaml import YAML

from manikit.server.backend import Backend, HistoryEntry
from manikit.server.resources import BY_KIND
from manikit.server.ui.common import NO_NAMESPACE, NotFound

HISTORY_SHOWN = 50
PATHS_SHOWN = 12


def to_yaml(body: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    out = io.StringIO()
    yaml.dump(body, out)
    return out.getvalue()


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from _leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list) and node:
        for i, item in enumerate(node):
            yield from _leaves(item, f"{path}[{i}]")
    else:
        yield path, node


def changed_paths(before: Any, after: Any) -> list[str]:
    old, new = dict(_leaves(before)), dict(_leaves(after))
    return sorted(p for p in {*old, *new} if old.get(p, _MISSING) != new.get(p, _MISSING))


_MISSING = object()


def history_rows(entries: list[HistoryEntry]) -> list[dict[str, Any]]:
    rows = []
    previous: Any = {}
    for entry in entries:
        paths = [] if entry.op == "DELETED" else changed_paths(previous, entry.body)
        rows.append(
            {
                "revision": entry.revision,
                "op": entry.op,
                "paths": paths[:PATHS_SHOWN],
                "paths_left": max(len(paths) - PATHS_SHOWN, 0),
                "yaml": to_yaml(entry.body),
            }
        )
        previous = entry.body
    return rows[::-1][:HISTORY_SHOWN]


def context(backend: Backend, params: dict[str, str]) -> dict[str, Any]:
    parts = [unquote(p) for p in params.get("path", "").split("/")]
    if len(parts) != 3 or not all(parts):
        raise NotFound("an object: its address is /ui/object/KIND/NAMESPACE/NAME (_ for no namespace)")
    kind, namespace, name = parts
    if kind not in BY_KIND:
        raise NotFound(f"kind {kind}: known kinds are {', '.join(sorted(BY_KIND))}")
    ns = "" if namespace == NO_NAMESPACE else namespace
    body = backend.find(kind, name, ns or None)
    entries = backend.object_history(kind, ns, name)
    if body is None and not entries:
        raise NotFound(f"{kind} {ns + '/' if ns else ''}{name}")
    return {
        "title": f"{kind} {ns + '/' if ns else ''}{name}",
        "kind": kind,
        "yaml": to_yaml(body) if body is not None else "",
        "gone": body is None,
        "history": history_rows(entries),
        "writes": len(entries),
    }
