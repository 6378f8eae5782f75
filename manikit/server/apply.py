"""Server-side apply (``application/apply-patch+yaml``): field ownership in ``managedFields``.

As kube-apiserver's structured-merge-diff does it, in small: the fields an applied configuration sets
belong to its ``fieldManager``; applying a value another manager owns, with a different value, is a
409 Conflict naming each field (unless ``force=true``, which moves the ownership); fields a manager
applied before and no longer applies are removed unless someone else owns them. Lists with a merge
key are owned item by item (``k:{"name":"web"}``), other lists as a whole.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from manikit.server.backend import Backend, Body
from manikit.server.objects import Call, check_identity
from manikit.server.patch import list_key, strategic_merge
from manikit.server.status import ApiError

Path = tuple[str, ...]
ITEM = "."  # a list item itself, as fieldsV1 marks it
#: Fields the server owns: never part of an applier's set.
SERVER_FIELDS = frozenset(
    {"status", "resourceVersion", "uid", "creationTimestamp", "generation", "managedFields"}
)


def decode(body: bytes) -> Body:
    try:
        data = json.loads(body)
    except ValueError:
        try:
            data = YAML(typ="safe", pure=True).load(body.decode("utf-8", "replace"))
        except YAMLError as exc:
            raise ApiError("BadRequest", f"the applied configuration is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise ApiError("BadRequest", "the applied configuration must be an object")
    return data


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


def _managers(body: Body) -> list[dict[str, Any]]:
    return [dict(m) for m in body.get("metadata", {}).get("managedFields") or []]


Conflict = tuple[str, str, Path]


def conflicts(live: Body, config: Body, applied: set[Path], manager: str) -> list[Conflict]:
    """(other manager, its apiVersion, field) for each field applied with a value another owns
    (applying the value already there is no conflict: the field is then owned together)."""
    found = []
    for entry in _managers(live):
        if entry.get("manager") == manager:
            continue
        owned = from_fields_v1(entry.get("fieldsV1") or {})
        for path in sorted(owned & applied):
            if path[-1] == ITEM:
                continue
            if value_at(live, path) != value_at(config, path):
                found.append((str(entry.get("manager")), str(entry.get("apiVersion", "")), path))
    return found


def _dotted(path: Path) -> str:
    parts = []
    for part in path:
        if part.startswith("f:"):
            parts.append("." + part[2:])
        elif part.startswith("k:"):
            key = json.loads(part[2:])
            parts.append("[" + ",".join(f"{k}={json.dumps(v)}" for k, v in key.items()) + "]")
    return "".join(parts)


def _conflict_error(found: list[Conflict]) -> ApiError:
    count = len(found)
    lines = [f'conflict with "{m}" using {v}: {_dotted(f)}' for m, v, f in found]
    message = f"Apply failed with {count} conflict{'s' if count > 1 else ''}: " + "\n".join(lines)
    causes = [
        {"reason": "FieldManagerConflict", "message": f'conflict with "{m}" using {v}', "field": _dotted(f)}
        for m, v, f in found
    ]
    return ApiError("Conflict", message, {"causes": causes})


def merge_applied(
    live: Body, config: Body, applied: set[Path], manager: str, force: bool, stamp: str
) -> Body:
    """The object after applying ``config`` as ``manager`` (raises the 409 on conflicts)."""
    found = conflicts(live, config, applied, manager)
    if found and not force:
        raise _conflict_error(found)
    entries = _managers(live)
    previous: set[Path] = set()
    others: set[Path] = set()
    kept = []
    for entry in entries:
        owned = from_fields_v1(entry.get("fieldsV1") or {})
        if entry.get("manager") == manager and entry.get("operation") == "Apply":
            previous = owned
            continue
        owned -= {path for who, _, path in found if who == entry.get("manager")}  # forced: moved
        if owned:
            kept.append({**entry, "fieldsV1": to_fields_v1(owned)})
            others |= owned
    merged: Body = strategic_merge(live, {k: v for k, v in config.items() if k != "status"})
    # whole list items first (their fields go with them: the item is found by its key), then the
    # deepest fields first
    for path in sorted(previous - applied - others, key=lambda p: (p[-1] != ITEM, -len(p), p)):
        remove(merged, path)
    kept.append(
        {
            "manager": manager,
            "operation": "Apply",
            "apiVersion": config.get("apiVersion", ""),
            "time": stamp,
            "fieldsType": "FieldsV1",
            "fieldsV1": to_fields_v1(applied),
        }
    )
    merged["metadata"]["managedFields"] = kept
    return merged


def server_side_apply(backend: Backend, call: Call) -> tuple[int, Body]:
    target = call.target
    manager = call.query.get("fieldManager")
    if not manager:
        raise ApiError(
            "BadRequest", "PATCH, application/apply-patch+yaml: fieldManager is required for apply requests"
        )
    if target.subresource is not None:
        raise ApiError(
            "MethodNotAllowed", f"server-side apply to the {target.subresource} subresource is not supported"
        )
    config = decode(call.body)
    check_identity(target, config, named=True)
    call.check_fields(config)
    applied = field_set(config)
    force = call.query.get("force") in ("true", "1")
    stamp = backend.rfc3339_now()
    live = backend.find(target.resource.kind, target.name or "", target.namespace)
    if live is None:
        created = merge_applied({"metadata": {}}, config, applied, manager, force, stamp)
        created["apiVersion"], created["kind"] = config["apiVersion"], config["kind"]
        return 201, backend.create(created, target.namespace, call.dry_run)
    merged = merge_applied(copy.deepcopy(live), config, applied, manager, force, stamp)
    merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    return 200, backend.update(merged, call.dry_run)
