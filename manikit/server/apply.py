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
from manikit.server.fields_v1 import (
    ITEM,
    Path,
    dotted,
    field_set,
    from_fields_v1,
    remove,
    to_fields_v1,
    value_at,
)
from manikit.server.objects import Call, check_identity
from manikit.server.ownership import describe, identity, sort_entries
from manikit.server.patch import strategic_merge
from manikit.server.status import ApiError

__all__ = ["field_set", "from_fields_v1", "merge_applied", "server_side_apply", "to_fields_v1"]


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


def _managers(body: Body) -> list[dict[str, Any]]:
    return [dict(m) for m in body.get("metadata", {}).get("managedFields") or []]


def _applier(manager: str, version: str) -> dict[str, Any]:
    return {"manager": manager, "operation": "Apply", "apiVersion": version}


#: (the other manager's entry, the field)
Conflict = tuple[dict[str, Any], Path]


def conflicts(live: Body, config: Body, applied: set[Path], manager: str) -> list[Conflict]:
    """Each field applied with a value another manager (an applier or an updater) owns; applying
    the value already there is no conflict: the field is then owned together."""
    found = []
    me = identity(_applier(manager, ""))
    for entry in _managers(live):
        if identity(entry) == me:
            continue
        owned = from_fields_v1(entry.get("fieldsV1") or {})
        for path in sorted(owned & applied):
            if path[-1] == ITEM:
                continue
            if value_at(live, path) != value_at(config, path):
                found.append((entry, path))
    return found


def _conflict_error(found: list[Conflict]) -> ApiError:
    """kube's words: one conflict on a line, several grouped by manager."""
    count = len(found)
    if count == 1:
        entry, path = found[0]
        message = f"Apply failed with 1 conflict: conflict with {describe(entry)}: {dotted(path)}"
    else:
        grouped: dict[str, list[str]] = {}
        for entry, path in found:
            grouped.setdefault(describe(entry), []).append(f"- {dotted(path)}")
        lines = [line for who in sorted(grouped) for line in (f"conflicts with {who}:", *grouped[who])]
        message = f"Apply failed with {count} conflicts: " + "\n".join(lines)
    causes = [
        {"reason": "FieldManagerConflict", "message": f"conflict with {describe(e)}", "field": dotted(p)}
        for e, p in found
    ]
    return ApiError("Conflict", message, {"causes": causes})


def merge_applied(
    live: Body, config: Body, applied: set[Path], manager: str, force: bool, stamp: str
) -> Body:
    """The object after applying ``config`` as ``manager`` (raises the 409 on conflicts)."""
    found = conflicts(live, config, applied, manager)
    if found and not force:
        raise _conflict_error(found)
    me = identity(_applier(manager, ""))
    previous: set[Path] = set()
    others: set[Path] = set()
    kept = []
    for entry in _managers(live):
        owned = from_fields_v1(entry.get("fieldsV1") or {})
        if identity(entry) == me:
            previous = owned
            continue
        owned -= {path for other, path in found if identity(other) == identity(entry)}  # forced: moved
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
            **_applier(manager, config.get("apiVersion", "")),
            "time": stamp,
            "fieldsType": "FieldsV1",
            "fieldsV1": to_fields_v1(applied),
        }
    )
    merged["metadata"]["managedFields"] = sort_entries(kept)
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
