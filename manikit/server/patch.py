"""PATCH bodies: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch
(``manikit.fields.strategic``, with kubectl's directives), chosen by the request's media type."""

from __future__ import annotations

import copy
import json
from typing import Any

from manikit.cluster.patch import merge_patch
from manikit.fields import strategic_merge
from manikit.server.backend import Backend, Body
from manikit.server.objects import Call, scale_of, write_owned, write_scale
from manikit.server.status import ApiError

MERGE_PATCH = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
STRATEGIC = "application/strategic-merge-patch+json"
APPLY_YAML = "application/apply-patch+yaml"


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
        return 200, backend.update_status(patched, call.dry_run, call.manager)
    return 200, write_owned(backend, call, patched)
