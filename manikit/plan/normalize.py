"""The comparable form of an object: defaulted, without what the server owns, quantities canonical.

Desired objects (from manifests) and recorded objects (from the control plane) go through the same
function, so that a default written out, ``100m`` against ``0.1``, or a server-set uid never show up
as a difference.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from manikit.models.defaults import apply_defaults
from manikit.models.meta import TypeMeta
from manikit.models.quantity import QuantityError, parse_quantity

Body = dict[str, Any]

#: Metadata the server (or manikit's bookkeeping) owns; never part of a comparison.
SERVER_METADATA = (
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "managedFields",
    "selfLink",
    "ownerReferences",
    "finalizers",
)
#: Annotation and label prefixes manikit and the controllers write on recorded objects.
BOOKKEEPING_PREFIXES = ("manikit.dev/applyset", "manikit.dev/last-applied", "deployment.kubernetes.io/")
#: Fields the control plane allocates when the manifest leaves them out.
ALLOCATED_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Service": (
        ("spec", "clusterIP"),
        ("spec", "clusterIPs"),
        ("spec", "ipFamilies"),
        ("spec", "ipFamilyPolicy"),
    ),
    "Namespace": (("spec", "finalizers"),),
    "Pod": (("spec", "nodeName"),),
}
_QUANTITY_MAPS = ("requests", "limits", "overhead", "capacity", "allocatable")


def desired_body(obj: TypeMeta, namespace: str = "default", *, owned: bool = False) -> Body:
    """A manifest's object, defaulted as the API server would, as a plain dict. With ``owned`` the
    object itself is defaulted (faster) instead of a copy."""
    return apply_defaults(obj, namespace, in_place=owned).to_k8s()


def comparable(body: Body) -> Body:
    """The part of an object a plan compares: no status, no server metadata, canonical quantities."""
    out = {k: v for k, v in body.items() if k != "status"}
    meta = dict(out.get("metadata") or {})
    for key in SERVER_METADATA:
        meta.pop(key, None)
    for field in ("annotations", "labels"):
        kept = {k: v for k, v in (meta.get(field) or {}).items() if not k.startswith(BOOKKEEPING_PREFIXES)}
        if kept:
            meta[field] = kept
        else:
            meta.pop(field, None)
    out["metadata"] = meta
    result: Body = _canonical_quantities(out)
    return result


def drop_allocated(recorded: Body, desired: Body) -> Body:
    """Leave out what the control plane allocated where the manifest says nothing (clusterIP, nodePort)."""
    kind = recorded.get("kind", "")
    out: Body = json.loads(json.dumps(recorded))
    for path in ALLOCATED_FIELDS.get(kind, ()):
        if _get(desired, path) is None:
            _pop(out, path)
    if kind == "Service":
        wanted = {(p.get("port"), p.get("protocol")): p for p in _get(desired, ("spec", "ports")) or []}
        for port in _get(out, ("spec", "ports")) or []:
            mine = wanted.get((port.get("port"), port.get("protocol")))
            if mine is not None and "nodePort" not in mine:
                port.pop("nodePort", None)
    return out


def fingerprint(body: Body) -> str:
    """A canonical hash: equal for objects that compare equal (key order never matters)."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _canonical_quantities(node: Any, parent: str = "") -> Any:
    if isinstance(node, dict):
        if parent in _QUANTITY_MAPS:
            return {k: _canonical(v) for k, v in node.items()}
        return {k: _canonical_quantities(v, k) for k, v in node.items()}
    if isinstance(node, list):
        return [_canonical_quantities(v, parent) for v in node]
    if parent == "sizeLimit" or parent == "divisor":
        return _canonical(node)
    return node


def _canonical(value: Any) -> Any:
    try:
        return parse_quantity(value).canonical()
    except (QuantityError, TypeError):
        return value


def _get(body: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        if not isinstance(body, dict):
            return None
        body = body.get(step)
    return body


def _pop(body: Any, path: tuple[str, ...]) -> None:
    for step in path[:-1]:
        if not isinstance(body, dict):
            return
        body = body.get(step)
    if isinstance(body, dict):
        body.pop(path[-1], None)
