"""Field sets as managedFields' ``fieldsV1`` spells them: ``f:spec``, ``f:replicas``, keyed list items
``k:{"name":"web"}`` and ``.`` for an item itself; reading, removing and printing the fields they name.
Server-side apply (``applying``) and the ownership of other writes (``ownership``) share them.
"""

from __future__ import annotations

import json
from typing import Any

from manikit.fields.strategic import list_key

Path = tuple[str, ...]
ITEM = "."  # a list item itself, as fieldsV1 marks it
#: Fields the server owns: never part of an applier's set.
SERVER_FIELDS = frozenset(
    {"status", "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"}
)


def field_set(config: Any, prefix: Path = ()) -> set[Path]:
    """The leaf paths ``config`` sets: ``f:spec``, ``f:replicas``; keyed list items ``k:{...}``."""
    found: set[Path] = set()
    if not isinstance(config, dict):
        return {prefix}
    for key, value in config.items():
        if not prefix and key in ("apiVersion", "kind"):
            continue
        if key in SERVER_FIELDS and len(prefix) <= 1:
            continue
        if prefix == ("f:metadata",) and key in ("name", "namespace"):
            continue  # they name the object; nobody owns them
        path = (*prefix, f"f:{key}")
        if isinstance(value, dict) and value:
            found |= field_set(value, path)
        elif (
            isinstance(value, list)
            and value
            and list_key(key, value)
            and all(isinstance(i, dict) for i in value)
        ):
            merge_key = list_key(key, value) or ""
            for item in value:
                item_path = (
                    *path,
                    f"k:{json.dumps({merge_key: item.get(merge_key)}, separators=(',', ':'))}",
                )
                found.add((*item_path, ITEM))
                found |= field_set({k: v for k, v in item.items()}, item_path)
        else:
            found.add(path)
    return found


def to_fields_v1(paths: set[Path]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path in sorted(paths):
        node = root
        for part in path:
            node = node.setdefault(part, {})
    return root


def from_fields_v1(tree: dict[str, Any], prefix: Path = ()) -> set[Path]:
    found: set[Path] = set()
    for key, child in tree.items():
        path = (*prefix, key)
        if isinstance(child, dict) and child:
            found |= from_fields_v1(child, path)
        else:
            found.add(path)
    return found


def _child(node: Any, part: str) -> tuple[bool, Any]:
    if part.startswith("f:") and isinstance(node, dict):
        name = part[2:]
        return name in node, node.get(name)
    if part.startswith("k:") and isinstance(node, list):
        wanted = json.loads(part[2:])
        for item in node:
            if isinstance(item, dict) and all(item.get(k) == v for k, v in wanted.items()):
                return True, item
    return False, None


def value_at(obj: Any, path: Path) -> tuple[bool, Any]:
    node = obj
    for part in path:
        if part == ITEM:
            return True, node
        found, node = _child(node, part)
        if not found:
            return False, None
    return True, node


def remove(obj: Any, path: Path) -> None:
    """Remove the field (or list item) at ``path`` from ``obj``, if it is there."""
    if path and path[-1] == ITEM:
        path = path[:-1]
    found, parent = value_at(obj, path[:-1])
    last = path[-1]
    if not found:
        return
    if last.startswith("f:") and isinstance(parent, dict):
        parent.pop(last[2:], None)
    elif last.startswith("k:") and isinstance(parent, list):
        exists, item = _child(parent, last)
        if exists:
            parent.remove(item)
    else:
        return
    if len(path) > 1 and path[-2].startswith("f:") and _omitted_when_empty(parent, path[-2][2:]):
        remove(obj, path[:-1])  # as Go's omitempty: a list or map left empty is not written


#: maps (Go ``map[string]string`` with omitempty), as opposed to structs: empty, they are not written
_MAPS = frozenset(
    {
        "labels",
        "annotations",
        "nodeSelector",
        "matchLabels",
        "selector",
        "data",
        "binaryData",
        "requests",
        "limits",
    }
)


def _omitted_when_empty(node: Any, field: str) -> bool:
    if isinstance(node, list):
        return not node
    return isinstance(node, dict) and not node and field in _MAPS


def dotted(path: Path) -> str:
    """A field path as kube's conflict messages print it: ``.spec.containers[name="web"].image``."""
    parts = []
    for part in path:
        if part.startswith("f:"):
            parts.append("." + part[2:])
        elif part.startswith("k:"):
            key = json.loads(part[2:])
            parts.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]")
    return "".join(parts)
