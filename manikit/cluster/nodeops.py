"""What ``kubectl cordon|uncordon|drain|taint`` do to a node, over the API (the CLI prints).

Drain follows kubectl's drain filters: pods of a DaemonSet need --ignore-daemonsets, pods with an
emptyDir volume need --delete-emptydir-data, and pods that declare no controller need --force (they
would not come back); the others are evicted (deleted gracefully) so their controllers replace them
on other nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from manikit.cluster.objects import controller_uid
from manikit.cluster.protocol import Body, Cluster
from manikit.cluster.retry import retry_on_conflict
from manikit.errors import UserError

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")
#: The field managers these writes record (kubectl taint names its "kubectl-taint"; cordon none).
CORDON_MANAGER, TAINT_MANAGER = "manikit-cordon", "manikit-taint"


def set_unschedulable(cluster: Cluster, name: str, unschedulable: bool) -> bool:
    """Cordon or uncordon; False when the node already was so."""
    return retry_on_conflict(lambda: _set_unschedulable(cluster, name, unschedulable))


def _set_unschedulable(cluster: Cluster, name: str, unschedulable: bool) -> bool:
    node = cluster.get("Node", name)
    if bool(node["spec"].get("unschedulable")) == unschedulable:
        return False
    spec = {k: v for k, v in node["spec"].items() if k != "unschedulable"}
    if unschedulable:
        spec["unschedulable"] = True
    cluster.update({**node, "spec": spec}, manager=CORDON_MANAGER)
    return True


def parse_taint(text: str) -> tuple[dict[str, Any], bool]:
    """``key[=value]:Effect`` to add, ``key[:Effect]-`` to remove; (taint, remove)."""
    remove = text.endswith("-")
    body = text[:-1] if remove else text
    key_value, _, effect = body.partition(":")
    key, _, value = key_value.partition("=")
    if not key or (not remove and effect not in EFFECTS) or (remove and effect and effect not in EFFECTS):
        raise UserError(
            f"invalid taint spec: {text!r}; use KEY[=VALUE]:EFFECT to add or KEY[:EFFECT]- to remove, "
            f"EFFECT one of {', '.join(EFFECTS)}"
        )
    taint: dict[str, Any] = {"key": key, "effect": effect} if effect else {"key": key}
    if value:
        taint["value"] = value
    return taint, remove


def taint(cluster: Cluster, name: str, specs: list[str], overwrite: bool = False) -> str:
    """Apply taint specs to a node; returns "tainted" or "untainted" as kubectl says."""
    return retry_on_conflict(lambda: _taint(cluster, name, specs, overwrite))


def _taint(cluster: Cluster, name: str, specs: list[str], overwrite: bool) -> str:
    node = cluster.get("Node", name)
    taints = list(node["spec"].get("taints") or [])
    removed_any = False
    for text in specs:
        wanted, remove = parse_taint(text)
        same = [
            t
            for t in taints
            if t.get("key") == wanted["key"]
            and ((remove and "effect" not in wanted) or t.get("effect") == wanted.get("effect"))
        ]
        if remove:
            if not same:
                raise UserError(f'taint "{text[:-1]}" not found')
            taints = [t for t in taints if t not in same]
            removed_any = True
        elif same and not overwrite:
            raise UserError(
                f"node {name} already has {wanted['key']} taint(s) with same effect(s) "
                "and --overwrite is false"
            )
        else:
            taints = [t for t in taints if t not in same] + [wanted]
    spec = {**node["spec"], "taints": taints}
    if not taints:
        del spec["taints"]
    cluster.update({**node, "spec": spec}, manager=TAINT_MANAGER)
    return "untainted" if removed_any and len(specs) == 1 else "tainted"


@dataclass
class DrainPlan:
    evict: list[Body] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def drain_plan(
    cluster: Cluster, name: str, *, force: bool, ignore_daemonsets: bool, delete_emptydir: bool
) -> DrainPlan:
    cluster.get("Node", name)
    plan = DrainPlan()
    unmanaged, daemons, local = [], [], []
    for pod in cluster.list("Pod"):
        if pod["spec"].get("nodeName") != name or "deletionTimestamp" in pod["metadata"]:
            continue
        ref = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            plan.evict.append(pod)
            continue
        owner = next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
        if owner is not None and owner.get("kind") == "DaemonSet":
            daemons.append(ref)
            continue
        if controller_uid(pod) is None:
            unmanaged.append(ref)
            if not force:
                continue
        if any("emptyDir" in v for v in pod["spec"].get("volumes") or []):
            local.append(ref)
            if not delete_emptydir:
                continue
        plan.evict.append(pod)
    if unmanaged:
        text = (
            f"cannot delete Pods that declare no controller (use --force to override): {', '.join(unmanaged)}"
        )
        (plan.warnings if force else plan.errors).append(
            f"deleting Pods that declare no controller: {', '.join(unmanaged)}" if force else text
        )
    if daemons:
        text = (
            f"cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {', '.join(daemons)}"
        )
        (plan.warnings if ignore_daemonsets else plan.errors).append(
            f"ignoring DaemonSet-managed Pods: {', '.join(daemons)}" if ignore_daemonsets else text
        )
    if local and not delete_emptydir:
        plan.errors.append(
            "cannot delete Pods with local storage (use --delete-emptydir-data to override): "
            + ", ".join(local)
        )
    return plan
