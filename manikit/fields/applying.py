"""Server-side apply: the object after a manager applies a configuration, and its conflicts.

As kube-apiserver's structured-merge-diff does it, in small: the fields an applied configuration sets
belong to its manager; applying a value another manager owns, with a different value, is a 409
Conflict naming each field (unless forced, which moves the ownership); fields a manager applied before
and no longer applies are removed unless someone else owns them. Lists with a merge key are owned item
by item (``k:{"name":"web"}``), other lists as a whole.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from manikit.errors import BadRequestError, Cause, ConflictError
from manikit.fields.fields_v1 import (
    ITEM,
    Path,
    dotted,
    fields_tree,
    from_fields_v1,
    plain_tree,
    remove,
    to_fields_v1,
    value_at,
)
from manikit.fields.ownership import check_manager, describe, entries_of, identity, sort_entries
from manikit.fields.strategic import copies_plainly, strategic_merge

Body = dict[str, Any]
#: (the other manager's entry, the field)
Conflict = tuple[dict[str, Any], Path]
#: kube's StatusCause reason for an apply conflict
CONFLICT_REASON = "FieldManagerConflict"


def applier(manager: str, version: str) -> dict[str, Any]:
    """The head of an Apply entry of ``manager``."""
    return {"manager": manager, "operation": "Apply", "apiVersion": version}


def check_applier(manager: str) -> str:
    """An apply must name its manager (kube: ``fieldManager is required for apply requests``)."""
    if not manager:
        raise BadRequestError("fieldManager is required for apply requests")
    return check_manager(manager)


def conflicts(live: Mapping[str, Any], config: Body, applied: set[Path], manager: str) -> list[Conflict]:
    """Each field applied with a value another manager (an applier or an updater) owns; applying
    the value already there is no conflict: the field is then owned together."""
    found = []
    me = identity(applier(manager, ""))
    for entry in entries_of(live):
        if identity(entry) == me:
            continue
        owned = from_fields_v1(entry.get("fieldsV1") or {})
        for path in sorted(owned & applied):
            if path[-1] == ITEM:
                continue
            if value_at(live, path) != value_at(config, path):
                found.append((entry, path))
    return found


def conflict_error(found: list[Conflict]) -> ConflictError:
    """kube's words (``NewApplyConflict``): one conflict on a line, several grouped by manager; a
    cause per field."""
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
    causes = [Cause(CONFLICT_REASON, f"conflict with {describe(e)}", dotted(p)) for e, p in found]
    return ConflictError(message, causes=causes)


def merge_applied(
    live: Mapping[str, Any], config: Body, applied: set[Path], manager: str, force: bool, stamp: str
) -> Body:
    """The object after applying ``config`` as ``manager`` (``live`` is left alone; a
    ``ConflictError`` for fields another manager owns, unless ``force``)."""
    found = conflicts(live, config, applied, manager)
    if found and not force:
        raise conflict_error(found)
    me = identity(applier(manager, ""))
    previous: set[Path] = set()
    others: set[Path] = set()
    kept = []
    for entry in entries_of(live):
        owned = from_fields_v1(entry.get("fieldsV1") or {})
        if identity(entry) == me:
            previous = owned
            continue
        owned -= {path for other, path in found if identity(other) == identity(entry)}  # forced: moved
        if owned:
            kept.append({**entry, "fieldsV1": to_fields_v1(owned)})
            others |= owned
    merged: Body = strategic_merge(
        copy.deepcopy(dict(live)), {k: v for k, v in config.items() if k != "status"}, applied=True
    )
    merged.setdefault("metadata", {})
    # whole list items first (their fields go with them: the item is found by its key), then the
    # deepest fields first
    # a field now applied through its children (``env: []`` before, ``env: [A]`` now) stays
    inside = {path[:i] for path in applied for i in range(1, len(path))}
    for path in sorted(previous - applied - others - inside, key=lambda p: (p[-1] != ITEM, -len(p), p)):
        remove(merged, path, applied)
    kept.append(
        {
            **applier(manager, config.get("apiVersion", "")),
            "time": stamp,
            "fieldsType": "FieldsV1",
            "fieldsV1": to_fields_v1(applied),
        }
    )
    merged["metadata"]["managedFields"] = sort_entries(kept)
    return merged


def created_applied(config: Body, manager: str, stamp: str) -> Body:
    """The object an apply of ``config`` as ``manager`` creates: ``merge_applied`` of an empty object,
    without what only a live object needs (conflicts, fields to remove, other entries).

    Its values are ``config``'s own where the merge would copy them (all but the top level and
    ``metadata``): treat them as read-only, as the API's create does (it stores what it admits)."""
    sent = {k: v for k, v in config.items() if k != "status"}
    tree = plain_tree(config)  # one walk: the tree, and that a copy stands for the merge
    plain = tree is not None or copies_plainly(sent)
    if tree is None:
        tree = fields_tree(config)
    if plain:
        merged: Body = {"metadata": {}, **sent}
        meta = merged["metadata"]
        merged["metadata"] = dict(meta) if type(meta) is dict else meta
    else:
        merged = strategic_merge({"metadata": {}}, sent, applied=True)
        merged.setdefault("metadata", {})
    entry = {
        **applier(manager, config.get("apiVersion", "")),
        "time": stamp,
        "fieldsType": "FieldsV1",
        "fieldsV1": tree,
    }
    merged["metadata"]["managedFields"] = [entry]
    return merged
