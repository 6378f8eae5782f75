"""Field ownership (``metadata.managedFields``) of writes that are not server-side apply.

As kube-apiserver's field manager records them (structured-merge-diff's ``Updater.Update``): every
create, update and patch is an ``Update`` by a manager. The manager comes to own every field its write
added or changed (the defaults filled in too), and those fields leave every other manager, appliers
included: an update never conflicts. A later server-side apply of a different value conflicts with
it. A write to the ``scale`` subresource is recorded with its subresource and owns ``.spec.replicas``;
a write to ``status`` with its subresource and owns what it set under ``.status`` (and the annotations
it set, for a kind whose status writes may: kube's field manager tracks every field the status
strategy does not reset); the object's own writes never own ``status``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from manikit.errors import InvalidError
from manikit.fields.fields_v1 import (
    Path,
    changed_fields,
    field_set,
    fields_tree,
    from_fields_v1,
    owns_any,
    owns_any_of_tree,
    plain_map_tree,
    to_fields_v1,
    value_at,
)

#: kube's FieldManagerMaxLength
MAX_MANAGER = 128
Entry = dict[str, Any]
REPLICAS: Path = ("f:spec", "f:replicas")
ANNOTATIONS: Path = ("f:metadata", "f:annotations")


def check_manager(manager: str) -> str:
    """``manager`` if kube accepts it as a field manager: printable, at most 128 characters."""
    if len(manager) > MAX_MANAGER or not manager.isprintable():
        raise InvalidError(
            f"fieldManager: Invalid value: {json.dumps(manager)}: must be printable and at most "
            f"{MAX_MANAGER} characters"
        )
    return manager


def identity(entry: Mapping[str, Any]) -> tuple[str, str, str, str]:
    """Who an entry is: manager, operation, subresource and, for updates, the API version."""
    operation = str(entry.get("operation", ""))
    version = str(entry.get("apiVersion", "")) if operation == "Update" else ""
    return (str(entry.get("manager", "")), operation, str(entry.get("subresource", "")), version)


def describe(entry: Mapping[str, Any]) -> str:
    """A manager as kube's conflict messages name it (``printManager``)."""
    shown = json.dumps(entry.get("manager", ""))
    if entry.get("subresource"):
        shown += f" with subresource {json.dumps(entry['subresource'])}"
    if entry.get("operation") == "Update":
        shown += f" using {entry.get('apiVersion', '')}"
        if entry.get("time"):
            shown += f" at {entry['time']}"
    return shown


def sort_entries(entries: list[Entry]) -> list[Entry]:
    """kube's order: appliers before updaters, then oldest first, then by name."""
    if len(entries) < 2:  # the common case of a controller's own objects: nothing to order
        return list(entries)
    return sorted(
        entries,
        key=lambda e: (
            str(e.get("operation", "")),
            str(e.get("time", "")),
            str(e.get("manager", "")),
            str(e.get("apiVersion", "")),
            str(e.get("subresource", "")),
        ),
    )


def entries_of(body: Mapping[str, Any] | None) -> list[Entry]:
    """A body's managedFields entries (copies)."""
    return [dict(e) for e in ((body or {}).get("metadata") or {}).get("managedFields") or []]


def tracked(body: Mapping[str, Any], subresource: str | None) -> set[Path]:
    """The fields a write to ``subresource`` (None: the object itself) can own."""
    if subresource == "scale":
        return {REPLICAS}
    if subresource == "status":
        return field_set(_status(body), ("f:status",))
    return field_set(dict(body))


def _status(body: Mapping[str, Any] | None) -> dict[str, Any]:
    status = (body or {}).get("status")
    return status if isinstance(status, dict) else {}


def changes(
    live: Mapping[str, Any] | None, new: Mapping[str, Any], subresource: str | None
) -> tuple[set[Path], set[Path]]:
    """(what a write added or changed, what it removed) among the fields it can own."""
    if subresource == "scale":
        moved = live is None or value_at(live, REPLICAS) != value_at(new, REPLICAS)
        return ({REPLICAS} if moved else set()), set()
    if subresource == "status":
        changed, removed = changed_fields(_status(live), _status(new), ("f:status",))
        before, after = _annotations(live), _annotations(new)
        if before != after:  # a kind whose status writes set annotations (a Deployment's revision)
            more, fewer = changed_fields(before, after, ANNOTATIONS)
            changed |= more
            removed |= fewer
        return changed, removed
    return changed_fields(dict(live or {}), dict(new))


def _annotations(body: Mapping[str, Any] | None) -> dict[str, Any]:
    annotations = ((body or {}).get("metadata") or {}).get("annotations")
    return annotations if isinstance(annotations, dict) else {}


def base_entries(
    live: Mapping[str, Any] | None, new: Mapping[str, Any], subresource: str | None
) -> list[Entry]:
    """The entries a write starts from: those the new body carries (a client may reset them; one
    empty entry clears them all), else the live object's (an update that sends none keeps them)."""
    given = (new.get("metadata") or {}).get("managedFields")
    if subresource is None and isinstance(given, list) and given:
        return [dict(e) for e in given if isinstance(e, dict) and e.get("manager")]
    return entries_of(live)


def keep_entries(live: Mapping[str, Any] | None, new: dict[str, Any]) -> None:
    """An unrecorded write (no manager): ``new`` keeps the entries it starts from, none added."""
    kept = base_entries(live, new, None)
    meta = new.setdefault("metadata", {})
    if kept:
        meta["managedFields"] = kept
    else:
        meta.pop("managedFields", None)


def record_update(
    live: Mapping[str, Any] | None,
    new: dict[str, Any],
    manager: str,
    stamp: str,
    subresource: str | None = None,
) -> None:
    """Set ``new``'s managedFields as an Update of ``live`` (None: a create) by ``manager``."""
    given = (new.get("metadata") or {}).get("managedFields")
    if live is None and subresource is None and not given:
        _record_create(new, manager, stamp)
        return
    if subresource == "status" and not _status(live) and _record_first_status(live, new, manager, stamp):
        return
    changed, removed = changes(live, new, subresource)
    moved = changed | removed
    me: Entry = {
        "manager": manager,
        "operation": "Update",
        "apiVersion": new.get("apiVersion", ""),
        **({"subresource": subresource} if subresource else {}),
    }
    mine: set[Path] = set()
    previous: Entry | None = None
    kept: list[Entry] = []
    who = identity(me)
    for entry in base_entries(live, new, subresource):
        tree = entry.get("fieldsV1") or {}
        if identity(entry) == who:
            previous, mine = entry, from_fields_v1(tree)
        elif not owns_any(tree, moved):
            kept.append(entry)  # the common case: the write touched none of its fields
        else:
            owned = from_fields_v1(tree) - moved
            if owned:
                kept.append({**entry, "fieldsV1": to_fields_v1(owned)})
    owned_now = (mine - removed) | changed
    if previous is not None and owned_now == mine:
        kept.append(previous)  # nothing of its own changed: its entry and time stay
    elif owned_now:
        kept.append({**me, "time": stamp, "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(owned_now)})
    meta = new.setdefault("metadata", {})
    if kept:
        meta["managedFields"] = sort_entries(kept)
    else:
        meta.pop("managedFields", None)


def _record_create(new: dict[str, Any], manager: str, stamp: str) -> None:
    """``record_update`` of a create that carries no entries: the manager owns every field it set (the
    common case of controllers creating ReplicaSets and pods), the tree built in one walk."""
    owned = fields_tree(new)
    meta = new.setdefault("metadata", {})
    if not owned:
        meta.pop("managedFields", None)
        return
    entry = {"manager": manager, "operation": "Update", "apiVersion": new.get("apiVersion", "")}
    meta["managedFields"] = [{**entry, "time": stamp, "fieldsType": "FieldsV1", "fieldsV1": owned}]


def _record_first_status(
    live: Mapping[str, Any] | None, new: dict[str, Any], manager: str, stamp: str
) -> bool:
    """``record_update`` of a status write to an object without a status (a controller's first: every
    ReplicaSet and Deployment it creates), with the trees built directly instead of through sets of
    paths. It applies when ``manager`` has no status entry yet, the status is plain, no annotation
    was removed and no other entry owns what the write sets (then every other entry stays as it is
    and the write's own entry owns every field it set); False, with nothing done, for any other."""
    entries = entries_of(live)
    me: Entry = {"manager": manager, "operation": "Update", "apiVersion": new.get("apiVersion", "")}
    me["subresource"] = "status"
    who = identity(me)
    if any(identity(entry) == who for entry in entries):
        return False
    status = plain_map_tree(_status(new))
    if status is None:
        return False
    tree: dict[str, Any] = {}
    before, after = _annotations(live), _annotations(new)
    if before != after:
        more, fewer = changed_fields(before, after, ANNOTATIONS)
        if fewer:
            return False
        tree = to_fields_v1(more)
    if status:
        tree["f:status"] = status  # after f:metadata, as sorted paths put it
    if any(owns_any_of_tree(entry.get("fieldsV1") or {}, tree) for entry in entries):
        return False
    if tree:
        entries.append({**me, "time": stamp, "fieldsType": "FieldsV1", "fieldsV1": tree})
    meta = new.setdefault("metadata", {})
    if entries:
        meta["managedFields"] = sort_entries(entries)
    else:
        meta.pop("managedFields", None)
    return True
