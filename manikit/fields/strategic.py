"""Strategic merge patch (apimachinery's ``strategicpatch``) over the merge keys of manikit's kinds.

Lists of objects with a merge key are merged item by item (``containers`` by ``name``, container
``ports`` by ``containerPort``, ...), primitive lists with the merge strategy are unions, and
kubectl's directives are honoured: ``$patch: delete`` and ``$patch: replace``,
``$setElementOrder/FIELD``, ``$retainKeys`` and ``$deleteFromPrimitiveList/FIELD``. Field ownership
keys list items by the same merge keys (``k:{"name":"web"}``).
"""

from __future__ import annotations

import copy
from typing import Any

#: Lists merged item by item, by field name, with their merge key (the Go types' ``patchMergeKey`` /
#: ``listMapKeys``).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "conditions": "type",
    "ownerReferences": "uid",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "readinessGates": "conditionType",
    "resourceClaims": "name",
    "addresses": "type",
    "containerStatuses": "name",
    "initContainerStatuses": "name",
}
#: Primitive lists whose strategy is merge (a union), not replace.
MERGED_PRIMITIVES = frozenset({"finalizers"})
DIRECTIVE = "$patch"
ORDER = "$setElementOrder/"
DELETE_PRIMITIVE = "$deleteFromPrimitiveList/"
RETAIN = "$retainKeys"


def list_key(field: str, items: list[Any]) -> str | None:
    """The merge key of the list ``field`` (None: the list is atomic)."""
    if field == "ports":  # container ports by containerPort, Service ports by port
        sample = next((i for i in items if isinstance(i, dict)), {})
        return "containerPort" if "containerPort" in sample else "port"
    return MERGE_KEYS.get(field)


def strategic_merge(target: Any, patch: Any, *, applied: bool = False) -> Any:
    """Apply a strategic merge patch to ``target`` (a new value; ``target`` is left alone). With
    ``applied`` (server-side apply's merge), items of a keyed list that both sides hold come in the
    patch's order, in the places they held; items only the target holds stay where they were."""
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
            result[key] = _merge_list(key, result.get(key), value, order, applied)
        else:
            result[key] = strategic_merge(result.get(key), value, applied=applied)
    if isinstance(retain, list):
        result = {k: v for k, v in result.items() if k in retain}
    return result


class NeedsMerge(Exception):
    """A patch ``applied_to_nothing`` cannot copy: a directive, a null, a repeated merge key."""


def applied_to_nothing(patch: dict[str, Any]) -> dict[str, Any] | None:
    """``strategic_merge({"metadata": {}}, patch, applied=True)`` (an apply that creates) by a plain
    copy, for a patch without directives, nulls and repeated merge keys, whose merge changes nothing
    but the copy; None for any other patch: merge it."""
    try:
        return {"metadata": {}, **_copy(patch)}
    except (NeedsMerge, TypeError):
        return None


SCALARS = (str, int, float, bool)


def copies_plainly(patch: dict[str, Any]) -> bool:
    """Whether ``applied_to_nothing(patch)`` is a copy of ``patch``: the same walk, building nothing
    (for a caller that only reads the result, which may then be ``patch`` itself)."""
    try:
        check_plain_copy(patch)
    except (NeedsMerge, TypeError):
        return False
    return True


def check_plain_copy(value: Any, field: str = "") -> None:
    """``_copy`` without the copy: raises where it raises (``NeedsMerge``, ``TypeError``)."""
    if type(value) is dict:
        for key, item in value.items():
            if item is None or type(key) is not str or key.startswith("$"):
                raise NeedsMerge
            if type(item) not in SCALARS:
                check_plain_copy(item, key)
        return
    if type(value) is list:
        if value and field not in MERGED_PRIMITIVES and all(type(i) is dict for i in value):
            key = list_key(field, value)
            if key is not None and len({i.get(key) for i in value}) != len(value):
                raise NeedsMerge  # items with the same key merge into one
        for item in value:
            if type(item) not in SCALARS:
                check_plain_copy(item)
        return
    if type(value) not in SCALARS:
        raise NeedsMerge


def _copy(value: Any, field: str = "") -> Any:
    if type(value) is dict:
        out = {}
        for key, item in value.items():
            if item is None or type(key) is not str or key.startswith("$"):
                raise NeedsMerge
            out[key] = item if type(item) in SCALARS else _copy(item, key)
        return out
    if type(value) is list:
        if value and field not in MERGED_PRIMITIVES and all(type(i) is dict for i in value):
            key = list_key(field, value)
            if key is not None and len({i.get(key) for i in value}) != len(value):
                raise NeedsMerge  # items with the same key merge into one
        return [i if type(i) in SCALARS else _copy(i) for i in value]
    if type(value) in SCALARS:
        return value
    raise NeedsMerge  # a subclass of dict or list, or another type: leave it to the merge


def _merge_list(
    field: str, live: Any, patch: list[Any], order: list[Any] | None, applied: bool = False
) -> list[Any]:
    live_items = live if isinstance(live, list) else []
    if field in MERGED_PRIMITIVES:
        return [*live_items, *(v for v in patch if v not in live_items)]
    key = list_key(field, [*patch, *live_items])
    if key is None or not all(isinstance(i, dict) for i in patch) or not _named(key, [*patch, *live_items]):
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
        merged[name] = strategic_merge(merged.get(name), item, applied=applied)
        if name not in ordered:
            ordered.append(name)
    if applied:
        ordered = _applied_order(
            [i.get(key) for i in live_items if isinstance(i, dict)], [i.get(key) for i in patch]
        )
    if order is not None:
        wanted = [(o.get(key) if isinstance(o, dict) else o) for o in order]
        ordered = [n for n in wanted if n in merged] + [n for n in ordered if n not in wanted]
    return [merged[n] for n in ordered if n in merged]


def _named(key: str, items: list[Any]) -> bool:
    """Whether every item's merge key can name it (a value that hashes: no object, no list); a list
    whose items cannot be told apart is taken whole, as an atomic list is."""
    for item in items:
        if isinstance(item, dict):
            try:
                hash(item.get(key))
            except TypeError:
                return False
    return True


def _applied_order(live: list[Any], applied: list[Any]) -> list[Any]:
    """Server-side apply's order of a keyed list: the applied items in the applied order; an item only
    the live list holds goes just before the applied item that followed it there (else at the end)."""
    wanted = set(applied)
    out: list[Any] = []
    seen: set[Any] = set()
    for name in applied:
        if name in live:
            for earlier in live[: live.index(name)]:
                if earlier not in wanted and earlier not in seen:
                    out.append(earlier)
                    seen.add(earlier)
        if name not in seen:
            out.append(name)
            seen.add(name)
    out.extend(n for n in live if n not in seen)
    return out
