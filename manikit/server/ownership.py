"""Field ownership (``metadata.managedFields``) for writes that are not server-side apply.

As kube-apiserver's field manager records them (structured-merge-diff's ``Updater.Update``): every
create, update and patch is an ``Update`` by a manager, named by the ``fieldManager`` parameter or
else by the client's User-Agent up to its first ``/`` (``kubectl/v1.37.1 ...`` is ``kubectl``; kubectl
names most of its writes itself: ``kubectl-client-side-apply``, ``kubectl-edit``, ``kubectl-label``...).
The manager comes to own every field its write added or changed (the defaults filled in too), and
those fields leave every other manager, appliers included: an update never conflicts. A later
server-side apply of a different value conflicts with it. A write to ``scale`` is recorded with its
subresource (``.spec.replicas``); the object's own writes never own ``status``. Writes to the
``status`` subresource are not recorded (the control plane's status write keeps the metadata).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from manikit.server.fields_v1 import ITEM, Path, field_set, from_fields_v1, to_fields_v1, value_at
from manikit.server.status import ApiError

#: kube's FieldManagerMaxLength
MAX_MANAGER = 128
Entry = dict[str, Any]


def manager_name(query: Mapping[str, str], user_agent: str) -> str:
    """``fieldManager``, else the User-Agent's prefix (printable characters, at most 128)."""
    given = query.get("fieldManager")
    if given is not None and given != "":
        if len(given) > MAX_MANAGER or not given.isprintable():
            raise ApiError(
                "Invalid",
                f"fieldManager: Invalid value: {json.dumps(given)}: must be printable and at most "
                f"{MAX_MANAGER} characters",
            )
        return given
    prefix = "".join(c for c in user_agent.split("/")[0] if c.isprintable())
    return prefix.encode()[:MAX_MANAGER].decode("utf-8", "ignore")


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


def tracked(body: Mapping[str, Any], subresource: str | None) -> set[Path]:
    """The fields a write to ``subresource`` (None: the object itself) can own."""
    if subresource == "scale":
        return {("f:spec", "f:replicas")}
    return field_set(dict(body))


def base_entries(
    live: Mapping[str, Any] | None, new: Mapping[str, Any], subresource: str | None
) -> list[Entry]:
    """The entries an update starts from: those the new body carries (a client may reset them; one
    empty entry clears them all), else the live object's."""
    given = (new.get("metadata") or {}).get("managedFields")
    if subresource is None and isinstance(given, list) and given:
        return [dict(e) for e in given if isinstance(e, dict) and e.get("manager")]
    return [dict(e) for e in ((live or {}).get("metadata") or {}).get("managedFields") or []]


def record_update(
    live: Mapping[str, Any] | None,
    new: dict[str, Any],
    manager: str,
    stamp: str,
    subresource: str | None = None,
) -> None:
    """Set ``new``'s managedFields as an Update of ``live`` (None: a create) by ``manager``."""
    before = tracked(live, subresource) if live is not None else set()
    after = tracked(new, subresource)
    empty: dict[str, Any] = {}
    # a list item itself (``.``) changes only by appearing: its fields say what changed in it
    changed = (after - before) | {
        p for p in after & before if p[-1] != ITEM and value_at(live or empty, p) != value_at(new, p)
    }
    removed = before - after
    me: Entry = {
        "manager": manager,
        "operation": "Update",
        "apiVersion": new.get("apiVersion", ""),
        **({"subresource": subresource} if subresource else {}),
    }
    mine: set[Path] = set()
    previous: Entry | None = None
    kept: list[Entry] = []
    for entry in base_entries(live, new, subresource):
        owned = from_fields_v1(entry.get("fieldsV1") or {})
        if identity(entry) == identity(me):
            previous, mine = entry, owned
            continue
        owned -= changed | removed
        if owned:
            kept.append({**entry, "fieldsV1": to_fields_v1(owned)})
    mine = (mine - removed) | changed
    if mine:
        unchanged = previous is not None and from_fields_v1(previous.get("fieldsV1") or {}) == mine
        time = previous.get("time", stamp) if unchanged and previous is not None else stamp
        kept.append({**me, "time": time, "fieldsType": "FieldsV1", "fieldsV1": to_fields_v1(mine)})
    new.setdefault("metadata", {})["managedFields"] = sort_entries(kept)
