"""Admission as the API server does it: namespace lifecycle, immutable fields, allocated values."""

from __future__ import annotations

import json
from typing import Any

from manikit.errors import ForbiddenError, NotFoundError
from manikit.runtime.api.kinds import invalid
from manikit.runtime.store import Body
from manikit.runtime.store.names import resource_name

PROTECTED_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")

POD_UPDATE_FORBIDDEN = (
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
    "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
    "previously negative)"
)


def check_namespace(kind: str, name: str, namespace_obj: Body | None, namespace: str) -> None:
    """A namespaced object needs an existing namespace that is not being terminated."""
    if namespace_obj is None:
        raise NotFoundError(f'namespaces "{namespace}" not found')
    if is_terminating(namespace_obj):
        raise ForbiddenError(
            f'{resource_name(kind)} "{name}" is forbidden: unable to create new content in namespace '
            f"{namespace} because it is being terminated"
        )


def is_terminating(namespace_obj: Body) -> bool:
    status = namespace_obj.get("status") or {}
    return status.get("phase") == "Terminating" or "deletionTimestamp" in namespace_obj["metadata"]


def check_namespace_deletable(name: str) -> None:
    if name in PROTECTED_NAMESPACES[:2]:
        raise ForbiddenError(f'namespaces "{name}" is forbidden: this namespace may not be deleted')


def check_immutable(kind: str, old: Body, new: Body) -> None:
    """Refuse changes to fields Kubernetes makes immutable."""
    name = old["metadata"]["name"]
    if kind in ("Deployment", "ReplicaSet"):
        before, after = old["spec"].get("selector"), new["spec"].get("selector")
        if before != after:
            raise invalid(
                kind, name, f"spec.selector: Invalid value: {_show_selector(after)}: field is immutable"
            )
    elif kind == "Pod":
        _check_pod_update(name, old["spec"], new["spec"])
    elif kind == "Service":
        _check_service_update(name, old["spec"], new["spec"])


def _show_selector(selector: Any) -> str:
    selector = selector or {}
    labels = ", ".join(f'"{k}":"{v}"' for k, v in sorted((selector.get("matchLabels") or {}).items()))
    expressions = json.dumps(selector.get("matchExpressions"), separators=(",", ":"))
    return (
        f"v1.LabelSelector{{MatchLabels:map[string]string{{{labels}}}, "
        f"MatchExpressions:{'[]v1.LabelSelectorRequirement(nil)' if expressions == 'null' else expressions}}}"
    )


def _check_pod_update(name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    old_tolerations = old.get("tolerations") or []
    new_tolerations = new.get("tolerations") or []
    if any(t not in new_tolerations for t in old_tolerations):
        raise invalid("Pod", name, POD_UPDATE_FORBIDDEN)
    if _pod_spec_fixed_part(old) != _pod_spec_fixed_part(new):
        raise invalid("Pod", name, POD_UPDATE_FORBIDDEN)


def _pod_spec_fixed_part(spec: dict[str, Any]) -> dict[str, Any]:
    fixed = {
        k: v
        for k, v in spec.items()
        if k not in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds")
    }
    for field in ("containers", "initContainers"):
        if field in fixed:
            fixed[field] = [{k: v for k, v in c.items() if k != "image"} for c in fixed[field]]
    return fixed


def _check_service_update(name: str, old: dict[str, Any], new: dict[str, Any]) -> None:
    before, after = old.get("clusterIP"), new.get("clusterIP")
    if before and after != before and old.get("type") != "ExternalName" and new.get("type") != "ExternalName":
        raise invalid(
            "Service", name, f'spec.clusterIPs[0]: Invalid value: []string{{"{after}"}}: field is immutable'
        )


def keep_allocated(kind: str, old: Body, new: Body) -> None:
    """Server-set fields a manifest does not carry survive an update (Kubernetes' patchAllocatedValues):
    a Service's clusterIP and nodePorts, a Pod's nodeName."""
    if kind == "Service":
        old_spec = old["spec"]
        new_spec = new["spec"] = dict(new["spec"])  # the caller's dicts may be shared: copy, then fill
        if new_spec.get("type", "ClusterIP") != "ExternalName":
            for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
                if field in old_spec and field not in new_spec:
                    new_spec[field] = old_spec[field]
        if new_spec.get("type") not in ("NodePort", "LoadBalancer"):
            return  # only a type that still needs node ports keeps them (needsNodePort, upstream)
        old_ports = {(p.get("port"), p.get("protocol")): p for p in old_spec.get("ports") or []}
        ports = [dict(p) for p in new_spec.get("ports") or []]
        for port in ports:
            previous = old_ports.get((port.get("port"), port.get("protocol")))
            if previous and previous.get("nodePort") and not port.get("nodePort"):
                port["nodePort"] = previous["nodePort"]
        if ports:
            new_spec["ports"] = ports
    elif kind == "Pod" and old["spec"].get("nodeName") and not new["spec"].get("nodeName"):
        new["spec"] = {**new["spec"], "nodeName": old["spec"]["nodeName"]}


def check_workload(kind: str, body: Body) -> None:
    """A Deployment's or ReplicaSet's pods must restart (Kubernetes' validation): a template with
    restartPolicy Never or OnFailure is refused, as is a selector that does not match its labels."""
    if kind not in ("Deployment", "ReplicaSet"):
        return
    name = body["metadata"]["name"]
    template = body["spec"].get("template") or {}
    policy = (template.get("spec") or {}).get("restartPolicy", "Always")
    if policy != "Always":
        raise invalid(
            kind,
            name,
            f'spec.template.spec.restartPolicy: Unsupported value: "{policy}": supported values: "Always"',
        )
    selector = body["spec"].get("selector") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    wanted = selector.get("matchLabels") or {}
    if template and any(labels.get(k) != v for k, v in wanted.items()):
        shown = ",".join(f"{k}={v}" for k, v in sorted(labels.items()))
        raise invalid(
            kind,
            name,
            f"spec.template.metadata.labels: Invalid value: map[string]string{{{_go_map(labels)}}}: "
            f"`selector` does not match template `labels` ({shown or 'none'})",
        )


def _go_map(values: dict[str, str]) -> str:
    return ", ".join(f'"{k}":"{v}"' for k, v in sorted(values.items()))
