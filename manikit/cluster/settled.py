"""An object's settled view: what a plan reads of it when manikit's apply of the same manifest made
it, so that an object the controllers wrote since (status, their bookkeeping annotations) still
counts as that apply left it (``manikit.cluster.recorded``).

A plan of an object whose manifest is the one applied compares only ``manikit.plan.normalize
.comparable`` of it and manikit's Apply entry of its managedFields (``plan.server_side._unchanged``:
manikit owns exactly the manifest's fields, and the object holds their values). The view keeps all of
that and drops only what ``comparable`` drops and writes after an apply change: ``status``,
``metadata.resourceVersion``, ``metadata.generation``, the other entries of managedFields (and the
time of manikit's), labels and annotations of ``BOOKKEEPING_PREFIXES`` (a Deployment's
``deployment.kubernetes.io/revision``). Two objects with the same view are planned alike, however
many writes lie between them and whoever made them. Left out (their plans read them): Nodes (a plan
compares a Node's size, in its status) and kinds with fields the control plane allocates (a Service's
clusterIP, a Pod's nodeName, a Namespace's finalizers: what the server set there decides whether a
manifest's value holds).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

import orjson

from manikit.cluster.protocol import FIELD_MANAGER
from manikit.kinds.registry import KIND_RULES, allocated_fields
from manikit.runtime.store import codec

#: Annotation and label prefixes manikit and the controllers write on recorded objects; a plan never
#: compares them (``manikit.plan.normalize``).
BOOKKEEPING_PREFIXES = (
    "manikit.dev/applyset",
    "applyset.kubernetes.io/",
    "manikit.dev/last-applied",
    "deployment.kubernetes.io/",
)
#: metadata the view leaves out (each one also left out by ``comparable``: a test holds them together)
DROPPED_METADATA = ("resourceVersion", "generation", "managedFields")
_APPLIER = (FIELD_MANAGER, "Apply")
#: Bump when the view keeps less (what a plan compares must stay inside it).
GENERATION = 1


@cache
def _salt() -> bytes:
    import manikit

    return f"manikit {manikit.__version__} settled view {GENERATION}\n".encode()


@cache
def has_view(kind: str) -> bool:
    """Whether objects of ``kind`` have a settled view (see the module docstring)."""
    return kind != "Node" and kind in KIND_RULES and not allocated_fields(kind)


def settled_view(body: dict[str, Any]) -> list[Any] | None:
    """``body``'s settled view: manikit's Apply entry (without its time) and the object without what
    the view drops; None when it has none (a kind left out, or manikit never applied it)."""
    parts = _parts(body)
    if parts is None:
        return None
    meta, entry = parts
    kept = {k: v for k, v in meta.items() if k not in DROPPED_METADATA}
    _settle_strings(kept)
    rest_of_body = {k: v for k, v in body.items() if k not in ("status", "metadata")}
    rest_of_body["metadata"] = kept
    return [{k: v for k, v in entry.items() if k != "time"}, rest_of_body]


def _parts(body: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """``body``'s metadata and manikit's Apply entry, when it has a settled view."""
    if not has_view(str(body.get("kind", ""))):
        return None
    meta = body.get("metadata")
    if not isinstance(meta, dict):
        return None
    entry = _applier(meta.get("managedFields"))
    return None if entry is None else (meta, entry)


def _settle_strings(meta: dict[str, Any]) -> None:
    """The labels and annotations of ``meta`` (the view's own) without bookkeeping ones; a map left
    empty is left out (none and empty are one to ``comparable``)."""
    for field in ("annotations", "labels"):
        values = meta.get(field)
        if isinstance(values, dict):
            if any(str(k).startswith(BOOKKEEPING_PREFIXES) for k in values):
                values = {k: v for k, v in values.items() if not str(k).startswith(BOOKKEEPING_PREFIXES)}
                meta[field] = values
            if not values:
                del meta[field]


def settled_digest(body: dict[str, Any]) -> str | None:
    """The digest of ``settled_view`` (keys sorted, salted with manikit's version); None without one."""
    text = _view_text(body)
    return None if text is None else _digest(text)


def settled_digest_of_text(text: str) -> str | None:
    """``settled_digest`` of a body stored as JSON ``text`` (as the store writes it), read by orjson
    alone where that reads it exactly as the store does (``codec.loads``); None for a text that is
    no object (the plan reads it, and says what is wrong)."""
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        body = None
    if type(body) is dict:
        view = _dumped(_owned_view(body))  # the body is this function's: the view is made in it
        # orjson reads an integer beyond 64 bits as a float (written with an exponent): read exactly
        if view is None or b"e+" not in view:
            return None if view is None else _digest(view)
    try:
        exact = codec.loads(text)
    except ValueError:
        return None
    return settled_digest(exact) if type(exact) is dict else None


@cache
def _hasher() -> Any:
    return hashlib.blake2b(_salt(), digest_size=20)


def _digest(view: bytes) -> str:
    digest = _hasher().copy()
    digest.update(view)
    return str(digest.hexdigest())


def _owned_view(body: dict[str, Any]) -> list[Any] | None:
    """``settled_view(body)`` made of ``body`` itself, which it takes apart (what the view drops is
    removed from it, nothing is copied): for a body read only to be digested."""
    parts = _parts(body)
    if parts is None:
        return None
    meta, entry = parts
    entry.pop("time", None)
    for name in DROPPED_METADATA:
        meta.pop(name, None)
    _settle_strings(meta)
    body.pop("status", None)
    return [entry, body]


def _view_text(body: dict[str, Any]) -> bytes | None:
    return _dumped(settled_view(body))


def _dumped(view: list[Any] | None) -> bytes | None:
    """A view's text as digested (keys sorted)."""
    if view is None:
        return None
    try:
        return orjson.dumps(view, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
    except TypeError:  # what orjson does not write (an integer beyond 64 bits): json does, exactly
        exact = json.dumps(view, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=repr)
        return exact.encode()


def same_view(then: dict[str, Any], now: dict[str, Any]) -> bool:
    """Whether ``now``'s settled view is ``then``'s, told from what the two bodies share, without a
    digest: True only when each part of the view is the very same object in both (a status write
    shares what it leaves: ``Api.update_status`` copies the top level and ``metadata`` alone), but
    for labels and annotations, equal strings once bookkeeping is left out (the Deployment
    controller's revision annotation), and manikit's Apply entry, equal but for its time. False:
    not known so (compare digests). Bodies are shared read-only (``cluster.deployments``), so the
    same object holds the same values."""
    kind = then.get("kind")
    if type(kind) is not str or kind != now.get("kind") or not has_view(kind):
        return False
    for part in {*then, *now}:
        if part not in ("status", "metadata") and then.get(part, _NONE) is not now.get(part, _NONE):
            return False
    meta, meta_now = then.get("metadata"), now.get("metadata")
    if type(meta) is not dict or type(meta_now) is not dict:
        return False
    for part in {*meta, *meta_now}:
        if part in DROPPED_METADATA:
            continue
        value, value_now = meta.get(part, _NONE), meta_now.get(part, _NONE)
        if value is value_now:
            continue
        if part not in ("annotations", "labels") or not _same_strings(value, value_now):
            return False
    entry, entry_now = _applier(meta.get("managedFields")), _applier(meta_now.get("managedFields"))
    if entry is None or entry_now is None:
        return False
    return entry is entry_now or (
        entry.keys() - {"time"} == entry_now.keys() - {"time"}
        and all(k == "time" or entry_now[k] is v for k, v in entry.items())
    )


_NONE = object()


def _same_strings(values: Any, values_now: Any) -> bool:
    """Two maps of strings equal once bookkeeping keys are left out, one missing counting as empty
    (``settled_view``'s rule)."""
    values = {} if values is _NONE else values
    values_now = {} if values_now is _NONE else values_now
    if type(values) is not dict or type(values_now) is not dict:
        return False
    mine = {k: v for k, v in values.items() if not str(k).startswith(BOOKKEEPING_PREFIXES)}
    theirs = {k: v for k, v in values_now.items() if not str(k).startswith(BOOKKEEPING_PREFIXES)}
    if len(mine) != len(theirs):
        return False
    for key, value in mine.items():
        other = theirs.get(key, _NONE)
        if type(key) is not str or type(value) is not str or type(other) is not str or value != other:
            return False
    return True


def _applier(entries: Any) -> dict[str, Any] | None:
    """The first managedFields entry of manikit's server-side applies (``plan.server_side.applier``)."""
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, dict) and (entry.get("manager"), entry.get("operation")) == _APPLIER:
            return entry
    return None
