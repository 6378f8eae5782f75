"""Runs the scheduler over unbound pods and carries out its decisions through the API.

A placement is a binding plus a Scheduled event; a pod that fits nowhere gets PodScheduled=False
with kube-scheduler's message and a FailedScheduling event (once per distinct message). Each
decision's node verdicts are kept as a store note (topic ``scheduling``, key: the pod's uid) so that
``describe pod`` can say why, per node: all verdicts for a pending pod, the chosen node's for a
placed one (10,000 pods x 1,000 nodes of verdicts would dwarf the state itself).
"""

from __future__ import annotations

from typing import Any

from manikit.models.pod import Pod
from manikit.runtime.controllers.common import condition, is_active, set_condition, status_patch
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.scheduler import Decision, NodeVerdict, schedule
from manikit.runtime.store import Body

SOURCE = "default-scheduler"
NOTE_TOPIC = "scheduling"


def reconcile(ctx: PassContext) -> None:
    api = ctx.api
    every = api.list("Pod")
    unbound = {
        (p["metadata"]["namespace"], p["metadata"]["name"]): p
        for p in every
        if not p["spec"].get("nodeName") and is_active(p) and p["spec"].get("schedulerName", SOURCE) == SOURCE
    }
    if not unbound:
        return
    # Scheduling is deterministic: the very pods and nodes (no write to either since) of a run that
    # changed nothing would change nothing again (pods the cluster has no room for, pass after pass).
    inputs = (api.written_at("Node"), api.written_at("Pod"))
    if ctx.models.unchanged_schedule == inputs:
        return
    pods = [p for p in every if is_active(p) or p["spec"].get("nodeName")]
    nodes = [ctx.models.node(n) for n in api.list("Node")]
    models = [ctx.models.pod(p) for p in pods]
    pending = {(m.namespace or "default", m.name): m for m in models if not m.spec.node_name}
    wrote = False
    for decision in schedule(nodes, models, ctx.models.scheduler):
        key = (decision.namespace, decision.name)
        pod = unbound.get(key)
        if pod is not None:
            wrote = _carry_out(ctx, pod, pending[key], decision) or wrote
    ctx.models.unchanged_schedule = None if wrote else inputs


def _carry_out(ctx: PassContext, pod: Body, model: Pod, decision: Decision) -> bool:
    """Bind the pod or report why it cannot be; False when that was already reported."""
    api = ctx.api
    meta = pod["metadata"]
    if decision.node is not None:
        ctx.models.bound(api.bind(meta["namespace"], meta["name"], decision.node), model)
        chosen = [v for v in decision.verdicts if v.node == decision.node]
        api.store.put_note(NOTE_TOPIC, meta["uid"], note(decision, chosen))
        message = f"Successfully assigned {meta['namespace']}/{meta['name']} to {decision.node}"
        api.record_event(pod, "Normal", "Scheduled", message, SOURCE)
        return True
    reason = decision.reason or "Unschedulable"
    current = condition(pod, "PodScheduled")
    if current is not None and (current.get("reason"), current.get("message")) == (reason, decision.message):
        return False
    status = dict(pod.get("status") or {})
    status["conditions"] = set_condition(
        list(status.get("conditions") or []), "PodScheduled", "False", reason, decision.message, ctx.now()
    )
    api.update_status(status_patch(pod, status), trusted=True)
    api.store.put_note(NOTE_TOPIC, meta["uid"], note(decision, list(decision.verdicts)))
    if reason == "Unschedulable":
        api.record_event(pod, "Warning", "FailedScheduling", decision.message, SOURCE)
    return True


def note(decision: Decision, verdicts: list[NodeVerdict]) -> dict[str, Any]:
    return {
        "node": decision.node,
        "message": decision.message,
        "reason": decision.reason,
        "verdicts": [
            {
                "node": v.node,
                "feasible": v.feasible,
                "plugin": v.plugin,
                "reasons": list(v.reasons),
                "scores": v.scores,
                "total": v.total,
            }
            for v in verdicts
        ],
    }
