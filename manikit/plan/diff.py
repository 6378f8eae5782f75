"""Field-by-field differences between two comparable objects, with lists keyed as Kubernetes merges
them (containers and env by name, container ports by (containerPort, protocol), ...).

Paths use keys, not indexes: ``spec.template.spec.containers[name=web].env[name=LOG].value``.
An order-only change of a keyed list is one ``reorder`` change, not N edits.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

ChangeKind = Literal["add", "remove", "change", "reorder"]

#: list field name -> the item fields that identify an item (strategic merge keys)
LIST_KEYS: dict[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "imagePullSecrets": ("name",),
    "hostAliases": ("ip",),
    "tolerations": ("key", "operator", "value", "effect"),
    "taints": ("key", "effect"),
    "readinessGates": ("conditionType",),
    "topologySpreadConstraints": ("topologyKey", "whenUnsatisfiable"),
    "resourceClaims": ("name",),
    "schedulingGates": ("name",),
}


@dataclass(frozen=True)
class FieldChange:
    path: str
    kind: ChangeKind
    before: Any = None
    after: Any = None
    forces_replacement: bool = False

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "path": self.path,
            "kind": self.kind,
            "before": self.before,
            "after": self.after,
        }
        if self.forces_replacement:
            out["forces_replacement"] = True
        return out


def diff(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Every leaf-level difference from ``before`` to ``after``."""
    return list(_diff(before, after, path, ""))


def count_leaves(node: Any) -> int:
    if isinstance(node, dict):
        return sum(count_leaves(v) for v in node.values()) or 1
    if isinstance(node, list):
        return sum(count_leaves(v) for v in node) or 1
    return 1


def _diff(before: Any, after: Any, path: str, field: str) -> Iterator[FieldChange]:
    if before == after:
        return
    if isinstance(before, dict) and isinstance(after, dict):
        for key in [*before, *(k for k in after if k not in before)]:
            sub = f"{path}.{key}" if path else key
            if key not in after:
                yield FieldChange(sub, "remove", before[key], None)
            elif key not in before:
                yield FieldChange(sub, "add", None, after[key])
            else:
                yield from _diff(before[key], after[key], sub, key)
        return
    if isinstance(before, list) and isinstance(after, list):
        keys = _list_keys(field, before, after)
        if keys is not None:
            yield from _diff_keyed(before, after, path, keys)
            return
    yield FieldChange(path, "change", before, after)


def _list_keys(field: str, before: list[Any], after: list[Any]) -> tuple[str, ...] | None:
    items = [*before, *after]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    keys = LIST_KEYS.get(field)
    if keys is None and field == "ports":
        keys = ("containerPort", "protocol") if "containerPort" in items[0] else ("port", "protocol")
    if keys is None:
        return None
    idents = [_ident(i, keys) for i in before], [_ident(i, keys) for i in after]
    if any(len(set(ids)) != len(ids) for ids in idents):
        return None  # duplicate keys: compare by position (validation reports the duplicate)
    return keys


def _ident(item: dict[str, Any], keys: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(item.get(k) for k in keys)


def _label(item: dict[str, Any], keys: tuple[str, ...]) -> str:
    parts = [f"{k}={item[k]}" for k in keys if item.get(k) not in (None, "")]
    return "[" + ",".join(parts) + "]"


def _diff_keyed(
    before: list[Any], after: list[Any], path: str, keys: tuple[str, ...]
) -> Iterator[FieldChange]:
    old = {_ident(i, keys): i for i in before}
    new = {_ident(i, keys): i for i in after}
    for ident, item in old.items():
        label = f"{path}{_label(item, keys)}"
        if ident not in new:
            yield FieldChange(label, "remove", item, None)
        else:
            yield from _diff(item, new[ident], label, "")
    for ident, item in new.items():
        if ident not in old:
            yield FieldChange(f"{path}{_label(item, keys)}", "add", None, item)
    common_old = [i for i in old if i in new]
    common_new = [i for i in new if i in old]
    if common_old != common_new:
        first = keys[0]
        yield FieldChange(
            path, "reorder", [old[i].get(first) for i in common_old], [new[i].get(first) for i in common_new]
        )
