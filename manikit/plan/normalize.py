"""The comparable form of an object: defaulted, without what the server owns, quantities canonical.

Desired objects (from manifests) and recorded objects (from the control plane) go through the same
function, so that a default written out, ``100m`` against ``0.1``, or a server-set uid never show up
as a difference.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from manikit.cluster.objects import NAME_LABEL, is_default_toleration
from manikit.cluster.settled import BOOKKEEPING_PREFIXES  # one list: the settled view drops the same
from manikit.kinds.registry import allocated_fields, apply_defaults
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
)


def desired_body(obj: TypeMeta, namespace: str = "default", *, owned: bool = False) -> Body:
    """A manifest's object, defaulted as the API server would, as a plain dict. With ``owned`` the
    object itself is defaulted (faster) instead of a copy."""
    return apply_defaults(obj, namespace, in_place=owned).to_k8s()


def comparable(body: Body) -> Body:
    """The part of an object a plan compares: no status, no server metadata, canonical quantities.

    Only the paths that change are copied; the rest is shared with ``body`` (treat it as read-only).
    """
    out = {k: v for k, v in body.items() if k != "status"}
    meta = dict(out.get("metadata") or {})
    for key in SERVER_METADATA:
        meta.pop(key, None)
    for field in ("annotations", "labels"):
        values = meta.get(field) or {}
        kept = {k: v for k, v in values.items() if not k.startswith(BOOKKEEPING_PREFIXES)}
        if kept:
            meta[field] = kept if len(kept) != len(values) else values
        else:
            meta.pop(field, None)
    kind = body.get("kind")
    if kind == "Namespace" and (meta.get("labels") or {}).get(NAME_LABEL) == meta.get("name"):
        rest = {k: v for k, v in meta["labels"].items() if k != NAME_LABEL}  # the API server's own
        if rest:
            meta["labels"] = rest
        else:
            del meta["labels"]
    out["metadata"] = meta
    spec = out.get("spec")
    if kind == "Pod" and isinstance(spec, dict):
        out["spec"] = _canonical_pod_spec(spec)
    elif kind in ("Deployment", "ReplicaSet") and isinstance(spec, dict):
        template = spec.get("template")
        if isinstance(template, dict) and isinstance(template.get("spec"), dict):
            pod = _canonical_pod_spec(template["spec"])
            if pod is not template["spec"]:  # else nothing of it changes: shared, as the rest
                out["spec"] = {**spec, "template": {**template, "spec": pod}}
    elif kind == "Node":
        status = body.get("status") or {}
        kept_status = {k: _canonical_map(status[k]) for k in ("capacity", "allocatable") if status.get(k)}
        if kept_status:
            out["status"] = kept_status  # a Node's manifest says its size in status
    return out


def drop_allocated(recorded: Body, desired: Body) -> Body:
    """Leave out what the control plane allocated where the manifest says nothing (clusterIP, nodePort)."""
    kind = recorded.get("kind", "")
    paths = allocated_fields(kind)
    if not paths:
        return recorded
    out = dict(recorded)
    spec = dict(out.get("spec") or {})
    desired_spec = desired.get("spec") or {}
    for path in paths:
        if path[0] == "spec" and desired_spec.get(path[1]) is None:
            spec.pop(path[1], None)
    if kind == "Pod" and spec.get("tolerations"):
        wanted_tolerations = desired_spec.get("tolerations") or []
        kept = [t for t in spec["tolerations"] if t in wanted_tolerations or not is_default_toleration(t)]
        spec["tolerations"] = kept
        if not kept and not wanted_tolerations:
            del spec["tolerations"]
    if kind == "Service":
        wanted = {(p.get("port"), p.get("protocol")): p for p in desired_spec.get("ports") or []}
        ports = []
        for port in spec.get("ports") or []:
            mine = wanted.get((port.get("port"), port.get("protocol")))
            if mine is not None and "nodePort" not in mine and "nodePort" in port:
                port = {k: v for k, v in port.items() if k != "nodePort"}
            ports.append(port)
        if "ports" in spec:
            spec["ports"] = ports
    if spec or "spec" in desired:
        out["spec"] = spec
    else:
        out.pop("spec", None)
    return out


_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


def _canonical_pod_spec(spec: Body) -> Body:
    """``spec`` with canonical quantities: ``spec`` itself when every quantity in it is canonical
    already (a plan of many objects copies none of them), else a copy of what changes."""
    out = spec
    for field in _CONTAINER_LISTS:
        containers = spec.get(field)
        if containers:
            fixed = [_canonical_container(c) for c in containers]
            if out is spec:
                if all(f is c for f, c in zip(fixed, containers, strict=True)):
                    continue
                out = dict(spec)
            out[field] = fixed
    if spec.get("overhead"):
        overhead = _canonical_values(spec["overhead"])
        if overhead is not spec["overhead"]:
            out = dict(spec) if out is spec else out
            out["overhead"] = overhead
    volumes = spec.get("volumes")
    if volumes and any(
        "emptyDir" in v and (v["emptyDir"] or {}).get("sizeLimit") is not None for v in volumes
    ):
        out = dict(spec) if out is spec else out
        out["volumes"] = [
            {**v, "emptyDir": {**v["emptyDir"], "sizeLimit": _canonical(v["emptyDir"]["sizeLimit"])}}
            if (v.get("emptyDir") or {}).get("sizeLimit") is not None
            else v
            for v in volumes
        ]
    return out


def _canonical_container(container: Body) -> Body:
    """``container`` with canonical resources (``container`` itself where they are already)."""
    resources = container.get("resources")
    if not resources:
        # ``resources: {}`` is how Kubernetes writes none (a struct Go's omitempty keeps)
        return (
            {k: v for k, v in container.items() if k != "resources"}
            if "resources" in container
            else container
        )
    fixed = {k: _canonical_values(v) if k in ("requests", "limits") else v for k, v in resources.items()}
    if all(fixed[k] is v for k, v in resources.items()):
        return container
    return {**container, "resources": fixed}


def _canonical_values(values: Any) -> Any:
    """``_canonical_map(values)``, or ``values`` itself where that would be equal to it, value for
    value of the same type (every quantity a canonical ``str`` already)."""
    if type(values) is not dict:
        return _canonical_map(values)
    fixed = _canonical_map(values)
    for key, value in values.items():
        new = fixed[key]
        if new is not value and (type(value) is not str or type(new) is not str or new != value):
            return fixed
    return values


def _canonical_map(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _canonical(v) for k, v in values.items()}


@lru_cache(maxsize=4096)
def _canonical_text(value: str) -> str:
    try:
        return parse_quantity(value).canonical()
    except QuantityError:
        return value


def _canonical(value: Any) -> Any:
    if isinstance(value, str):
        return _canonical_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _canonical_text(parse_quantity(value).text) if value == value else value
    return value
