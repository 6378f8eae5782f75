"""The API server's field manager: ``managedFields`` recorded for every write that names a manager
(an ``Update``, with its subresource for ``scale`` and ``status``), and server-side apply, as
kube-apiserver's handlers call structured-merge-diff. The field logic itself is ``manikit.fields``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from manikit.errors import Cause
from manikit.fields import (
    check_applier,
    check_manager,
    created_applied,
    field_set,
    keep_entries,
    merge_applied,
    record_update,
)
from manikit.runtime.api.kinds import invalid, kind_info, scope
from manikit.runtime.clock import rfc3339
from manikit.runtime.store import Body

if TYPE_CHECKING:
    from manikit.runtime.api.core import Api


def record(
    api: Api, live: Body | None, body: Body, manager: str | None, subresource: str | None = None
) -> None:
    """``body``'s managedFields after a write of ``live`` (None: a create): an Update by
    ``manager``; without one, the entries it starts from are kept as they are."""
    if manager:
        record_update(live, body, check_manager(manager), rfc3339(api.clock.now()), subresource)
    elif live is not None and subresource is None:
        keep_entries(live, body)


def apply(api: Api, config: Mapping[str, Any], manager: str, force: bool) -> Body:
    """Server-side apply ``config`` (the fields it sets) as ``manager``; creates the object if missing
    (a ``metadata.resourceVersion`` it carries must then be current). The caller holds a transaction:
    the read and the write are one."""
    manager = check_applier(manager)
    applied_config = dict(config)
    kind = str(applied_config.get("kind", ""))
    meta = dict(applied_config.get("metadata") or {})
    name = str(meta.get("name") or "")
    if not name:
        raise invalid(kind_info(kind).kind, "", Cause.of("metadata.name", "Required value: name is required"))
    ns = scope(kind, meta.get("namespace"))
    if ns:
        meta["namespace"] = ns
    applied_config["metadata"] = meta
    stamp = rfc3339(api.clock.now())
    live = api.find(kind, name, ns)
    if live is None:
        created = created_applied(applied_config, manager, stamp)
        created["apiVersion"], created["kind"] = applied_config.get("apiVersion", ""), kind
        _node_size(created, applied_config)
        return api.create(created, ns or None, handed_over=True)  # its one entry: plain JSON made here
    merged = merge_applied(live, applied_config, field_set(applied_config), manager, force, stamp)
    # a resourceVersion in the configuration is a precondition, as kube honours it: a stale one is a 409
    merged["metadata"]["resourceVersion"] = meta.get("resourceVersion") or live["metadata"]["resourceVersion"]
    updated = api.update(merged)
    resized = {**updated, "status": dict(updated.get("status") or {})}
    _node_size(resized, applied_config)
    if resized["status"] != (updated.get("status") or {}):
        return api.update_status(resized)  # the simulated kubelet reports the declared size
    return updated


def _node_size(body: Body, config: Mapping[str, Any]) -> None:
    """A Node manifest says the simulated node's size in ``status`` (capacity, allocatable), as
    ``nodes add`` takes it: the local kubelet reports what the manifest declares. Apply ignores every
    other status, as kube-apiserver does."""
    if body.get("kind") != "Node" or not isinstance(config.get("status"), dict):
        return
    size = {k: v for k, v in config["status"].items() if k in ("capacity", "allocatable") and v}
    if size:
        body["status"] = {**(body.get("status") or {}), **size}
