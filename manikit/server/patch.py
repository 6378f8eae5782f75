"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch.

Strategic merge follows apimachinery's ``strategicpatch``: lists of objects with a merge key are merged
item by item (``containers`` by ``name``, container ``ports`` by ``containerPort``, ...), primitive
lists with the merge strategy are unions, and kubectl's directives are honoured: ``$patch: delete``
and ``$patch: replace``, ``$setElementOrder/FIELD``, ``$retainKeys`` and
``$deleteFromPrimitiveList/FIELD``.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from manikit.cluster.patch import merge_patch
from manikit.server.backend import Backend, Body
from manikit.server.merge_keys import list_key
from manikit.server.objects import Call, scale_of, write_owned, write_scale
from manikit.server.status import ApiError

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY_YAML = "application/apply-patch+yaml"

#: Primitive lists whose strategy is merge (a union), not replace.
MERGED_PRIMITIVES = frozenset({"finalizers"})
DIRECTIVE = "$patch"
ORDER = "$setElementOrder/"
DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"
RETAIN = "$retainKeys"


def decode(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ApiError("BadRequest", f"the patch is not valid JSON: {exc}") from exc


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise ApiError("BadRequest", f'json patch path "{path}" must start with "/"')
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str], path: str) -> Any:
    node = doc
    for part in parts[:-1]:
        try:
            node = node[int(part)] if isinstance(node, list) else node[part]
        except (KeyError, IndexError, ValueError, TypeError) as exc:
            raise ApiError("Invalid", f'json patch: path "{path}" does not exist') from exc
    return node


def _index(node: list[Any], part: str, path: str, *, adding: bool) -> int:
    if adding and part == "-":
        return len(node)
    if not part.isdigit() or int(part) > len(node) - (0 if adding else 1):
        raise ApiError("Invalid", f'json patch: index "{part}" of "{path}" is out of range')
    return int(part)


def _get(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    if not parts:
        return doc
    parent = _parent(doc, parts, path)
    try:
        return parent[int(parts[-1])] if isinstance(parent, list) else parent[parts[-1]]
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise ApiError("Invalid", f'json patch: path "{path}" does not exist') from exc


def _remove(doc: Any, path: str) -> Any:
    parts = _pointer(path)
    parent = _parent(doc, parts, path)
    if isinstance(parent, list):
        return parent.pop(_index(parent, parts[-1], path, adding=False))
    if not isinstance(parent, dict) or parts[-1] not in parent:
        raise ApiError("Invalid", f'json patch: cannot remove "{path}": it does not exist')
    return parent.pop(parts[-1])


def _add(doc: Any, path: str, value: Any) -> Any:
    parts = _pointer(path)
    if not parts:
        return value
    parent = _parent(doc, parts, path)
    if isinstance(parent, list):
        parent.insert(_index(parent, parts[-1], path, adding=True), value)
    elif isinstance(parent, dict):
        parent[parts[-1]] = value
    else:
        raise ApiError("Invalid", f'json patch: cannot add at "{path}"')
    return doc


def json_patch(target: Any, operations: Any) -> Any:
    """RFC 6902: add, remove, replace, move, copy, test, in order; a failed test is a 422."""
    if not isinstance(operations, list):
        raise ApiError("BadRequest", "a json patch must be a list of operations")
    doc = copy.deepcopy(target)
    for op in operations:
        if not isinstance(op, dict) or "path" not in op:
            raise ApiError("BadRequest", f"json patch operation {op!r} has no path")
        name, path = op.get("op"), op["path"]
        if name == "add":
            doc = _add(doc, path, copy.deepcopy(op.get("value")))
        elif name == "remove":
            _remove(doc, path)
        elif name == "replace":
            _remove(doc, path)
            doc = _add(doc, path, copy.deepcopy(op.get("value")))
        elif name in ("move", "copy"):
            value = _get(doc, op.get("from", ""))
            if name == "move":
                _remove(doc, op["from"])
            doc = _add(doc, path, copy.deepcopy(value))
        elif name == "test":
            if _get(doc, path) != op.get("value"):
                raise ApiError("Invalid", f'json patch: test of "{path}" failed')
        else:
            raise ApiError("BadRequest", f"json patch: unknown operation {name!r}")
    return doc


def strategic_merge(target: Any, patch: Any) -> Any:
    """Apply a strategic merge patch to ``target`` (a new value; ``target`` is left alone)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get(DIRECTIVE) == "replace":
        return {k: copy.deepcopy(v) for k, v in patch.items() if k != DIRECTIVE}
    if patch.get(DIRECTIVE) == "delete":
        return None
    result = dict(target) if isinstance(target, dict) else {}
    retain = patch.get(RETAIN)
    for key, value in patch.items():
        if key in (DIRECTIVE, RETAIN) or key.startswith(ORDER):
            continue
        if key.startswith(DELETE_PRIMITIVE):
            field = key[len(DELETE_PRIMITIVE) :]
            result[field] = [v for v in result.get(field) or [] if v not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, list):
            order = patch.get(ORDER + key)
            result[key] = _merge_list(key, result.get(key), value, order)
        else:
            result[key] = strategic_merge(result.get(key), value)
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    return result


def _merge_list(field: str, live: Any, patch: list[Any], order: list[Any] | None) -> list[Any]:
    live_items = live if isinstance(live, list) else []
    if field in MERGED_PRIMITIVES:
        return [*live_items, *(v for v in patch if v not in live_items)]
    key = list_key(field, [*patch, *live_items])
    if key is None or not all(isinstance(i, dict) for i in patch):
        if patch and isinstance(patch[0], dict) and patch[0].get(DIRECTIVE) == "replace":
            return [copy.deepcopy(i) for i in patch[1:]]
        return copy.deepcopy(patch)
    if any(i.get(DIRECTIVE) == "replace" for i in patch):
        return [copy.deepcopy(i) for i in patch if i.get(DIRECTIVE) != "replace"]
    merged: dict[Any, Any] = {i.get(key): i for i in live_items if isinstance(i, dict)}
    ordered = [i.get(key) for i in live_items if isinstance(i, dict)]
    for item in patch:
        name = item.get(key)
        if item.get(DIRECTIVE) == "delete":
            merged.pop(name, None)
            continue
        merged[name] = strategic_merge(merged.get(name), item)
        if name not in ordered:
            ordered.append(name)
    if order is not None:
        wanted = [(o.get(key) if isinstance(o, dict) else o) for o in order]
        ordered = [n for n in wanted if n in merged] + [n for n in ordered if n not in wanted]
    return [merged[n] for n in ordered if n in merged]


def apply_patch(target: Any, content_type: str, body: bytes) -> Any:
    """The patched object, by the patch's media type (a 415 for any other)."""
    media = content_type.split(";")[0].strip()
    if media == MERGE_PATCH:
        return merge_patch(target, decode(body))
    if media == JSON_PATCH:
        return json_patch(target, decode(body))
    if media == STRATEGIC:
        return strategic_merge(target, decode(body))
    raise ApiError(
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: "
        f"{JSON_PATCH}, {MERGE_PATCH}, {APPLY_YAML}, {STRATEGIC}",
    )


def patch_object(backend: Backend, call: Call) -> tuple[int, Body]:
    """PATCH: read the object, patch it by the body's media type, write it back (a stale
    ``metadata.resourceVersion`` in the patch is a 409, as kubectl expects before it retries)."""
    target = call.target
    kind, name = target.resource.kind, target.name or ""
    if call.content_type.split(";")[0].strip() == APPLY_YAML:
        from manikit.server.apply import server_side_apply

        return server_side_apply(backend, call)
    live = copy.deepcopy(backend.get(kind, name, target.namespace))
    if target.subresource == "scale":
        scale = apply_patch(scale_of(live), call.content_type, call.body)
        return 200, scale_of(write_scale(backend, call, scale))
    patched = apply_patch(live, call.content_type, call.body)
    if not isinstance(patched, dict):
        raise ApiError("BadRequest", "the patched object is not a JSON object")
    meta = patched.get("metadata")
    if not isinstance(meta, dict) or meta.get("name") != name:
        raise ApiError("BadRequest", "a patch may not change metadata.name")
    call.check_fields(patched)
    if target.subresource == "status":
        return 200, backend.update_status(patched, call.dry_run)
    return 200, write_owned(backend, call, patched)
