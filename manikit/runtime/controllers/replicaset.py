"""The ReplicaSet controller: create and delete pods to match replicas; report status.

Scale-down deletes in Kubernetes' order (``ranking``: controller.ActivePodsWithRanks, with
pod-deletion-cost, co-located pods and logarithmic age buckets).
"""

from __future__ import annotations

from typing import Any

from manikit.kinds.registry import apply_defaults
from manikit.models.pod import Pod
from manikit.models.selector import LabelSelector
from manikit.runtime.api import limits
from manikit.runtime.api.objects import generated_name
from manikit.runtime.clock import rfc3339
from manikit.runtime.controllers import ranking
from manikit.runtime.controllers.common import (
    CONTROLLER_MANAGER,
    available_at,
    controller_uid,
    is_active,
    is_available,
    is_ready,
    owner_ref,
    status_patch,
)
from manikit.runtime.controllers.context import PassContext, settle
from manikit.runtime.store import Body

SOURCE = "replicaset-controller"


def reconcile(ctx: PassContext) -> None:
    """Pods and status follow from the ReplicaSets, their pods and the clock (minReadySeconds) in
    one step: not again from the very same objects at the same moment (its own writes included)."""
    api = ctx.api
    settle(
        ctx,
        SOURCE,
        lambda: (ctx.now(), limits.max_replicas(), api.written_at("ReplicaSet"), api.written_at("Pod")),
        lambda: _sync(ctx),
        fixpoint=True,
    )


def _sync(ctx: PassContext) -> None:
    api = ctx.api
    owned: dict[str, list[Body]] = {}
    free: list[Body] = []
    for pod in api.list("Pod"):  # group_by_controller and the active orphans, in one pass
        uid = controller_uid(pod)
        if uid is not None:
            owned.setdefault(uid, []).append(pod)
        elif is_active(pod):
            free.append(pod)
    orphans = Orphans(free)
    for rs in api.list("ReplicaSet"):
        if "deletionTimestamp" in rs["metadata"]:
            continue
        mine = owned.get(rs["metadata"]["uid"], [])
        mine = mine + _adopt(ctx, rs, orphans)
        active = [p for p in mine if is_active(p)]
        active = _scale(ctx, rs, active, owned)
        _update_status(ctx, rs, active)


class Orphans:
    """Active pods without a controller, in list order, indexed by (namespace, label, value): a
    ReplicaSet looks only at those of its namespace carrying its matchLabels."""

    def __init__(self, pods: list[Body]) -> None:
        self._left: dict[int, Body] = {id(p): p for p in pods}  # in order; adopted ones leave
        self._by_label: dict[tuple[str, str, Any], list[Body]] = {}
        self._by_namespace: dict[str, list[Body]] = {}
        for pod in pods:
            meta = pod["metadata"]
            self._by_namespace.setdefault(meta["namespace"], []).append(pod)
            for label, value in (meta.get("labels") or {}).items():
                self._by_label.setdefault((meta["namespace"], label, value), []).append(pod)

    def candidates(self, namespace: str, match_labels: dict[str, str]) -> list[Body]:
        """Those left in ``namespace`` whose labels hold every pair of ``match_labels``, in order."""
        if not self._left:
            return []
        if not match_labels:
            pool = self._by_namespace.get(namespace, [])
        else:
            lists = [self._by_label.get((namespace, k, v), []) for k, v in match_labels.items()]
            pool = min(lists, key=len)
        return [
            p
            for p in pool
            if id(p) in self._left and match_labels.items() <= (p["metadata"].get("labels") or {}).items()
        ]

    def take(self, pod: Body) -> None:
        del self._left[id(pod)]


def _adopt(ctx: PassContext, rs: Body, orphans: Orphans) -> list[Body]:
    """Orphan pods of the ReplicaSet's namespace that match its selector become its own (as
    upstream), and are no longer orphans for the ReplicaSets after it."""
    match_labels = rs["spec"]["selector"].get("matchLabels") or {}
    candidates = orphans.candidates(rs["metadata"]["namespace"], match_labels)
    if not candidates:
        return []  # none carries every matchLabels pair: the selector matches none
    selector = LabelSelector.model_validate(rs["spec"]["selector"])
    if selector.is_empty():
        return []
    adopted = []
    for pod in candidates:
        meta = pod["metadata"]
        if not selector.matches(meta.get("labels") or {}):
            continue
        refs = [*(meta.get("ownerReferences") or []), owner_ref(rs)]
        adopted.append(ctx.api.update({**pod, "metadata": {**meta, "ownerReferences": refs}}, trusted=True))
        orphans.take(pod)
    return adopted


def _scale(ctx: PassContext, rs: Body, active: list[Body], owned: dict[str, list[Body]]) -> list[Body]:
    wanted = int(rs["spec"].get("replicas", 1))
    if wanted > limits.max_replicas():  # stored before the limit, or the limit was lowered: contained
        message = f"replicas {wanted} is over the local control plane's limit of {limits.max_replicas()}"
        ctx.api.record_event(rs, "Warning", "FailedCreate", message, SOURCE)
        return active
    diff = len(active) - wanted
    if diff < 0:
        return active + _create_pods(ctx, rs, -diff, {p["metadata"]["name"] for p in active})
    if diff > 0:
        related = _related_pods(ctx, rs, owned)
        doomed = ranking.deletion_order(active, ranking.ranks(active, related), ctx.now())[:diff]
        for pod in doomed:
            name = pod["metadata"]["name"]
            ctx.api.delete("Pod", name, pod["metadata"]["namespace"])
            ctx.api.record_event(rs, "Normal", "SuccessfulDelete", f"Deleted pod: {name}", SOURCE)
        gone = {id(p) for p in doomed}
        return [p for p in active if id(p) not in gone]
    return active


def _related_pods(ctx: PassContext, rs: Body, owned: dict[str, list[Body]]) -> list[Body]:
    """Active pods of every ReplicaSet with the same owner as ``rs`` (getIndirectlyRelatedPods)."""
    owner = controller_uid(rs)
    sets = (
        [rs]
        if owner is None
        else [
            s for s in ctx.api.list("ReplicaSet", rs["metadata"]["namespace"]) if controller_uid(s) == owner
        ]
    )
    return [p for s in sets for p in owned.get(s["metadata"]["uid"], []) if is_active(p)]


def _create_pods(ctx: PassContext, rs: Body, count: int, taken: set[str]) -> list[Body]:
    meta = rs["metadata"]
    template = rs["spec"].get("template") or {}
    spec = pod_spec_from_template(template)
    tmeta = template.get("metadata") or {}
    base_meta: dict[str, Any] = {"namespace": meta["namespace"], "ownerReferences": [owner_ref(rs)]}
    for field in ("labels", "annotations"):
        if tmeta.get(field):
            base_meta[field] = tmeta[field]
    created = []
    # Seeded by the moment, not the store revision: a preview that simulates only the workloads a
    # change touches writes less than one of the whole cluster, and must name the same pods.
    moment = rfc3339(ctx.now())
    for index in range(count):
        seed = f"{meta['namespace']}/{meta['name']}/{moment}/{index}"
        name = generated_name(f"{meta['name']}-", seed, taken)
        while ctx.api.find("Pod", name, meta["namespace"]) is not None:  # taken: by a pod made at this moment
            taken.add(name)
            name = generated_name(f"{meta['name']}-", seed, taken)
        taken.add(name)
        body = {"apiVersion": "v1", "kind": "Pod", "metadata": {**base_meta, "name": name}, "spec": spec}
        created.append(ctx.api.create(body, trusted=True))
        ctx.api.record_event(rs, "Normal", "SuccessfulCreate", f"Created pod: {name}", SOURCE)
    return created


def pod_spec_from_template(template: dict[str, Any]) -> dict[str, Any]:
    """The pod spec every pod of a template gets: the template's spec with a Pod's defaulting
    (limits copied to requests), computed once per template rather than once per pod."""
    model = Pod.model_validate({"apiVersion": "v1", "kind": "Pod", "metadata": {}, "spec": template["spec"]})
    spec: dict[str, Any] = apply_defaults(model).to_k8s()["spec"]
    return spec


def _update_status(ctx: PassContext, rs: Body, active: list[Body]) -> None:
    spec = rs["spec"]
    min_ready = int(spec.get("minReadySeconds", 0) or 0)
    now = ctx.now()
    template_labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    ready = available = labeled = 0
    wanted = template_labels.items()
    for pod in active:
        if wanted <= (pod["metadata"].get("labels") or {}).items():
            labeled += 1
        if is_ready(pod):
            ready += 1
            if min_ready == 0 or is_available(pod, min_ready, now):  # ready is available at 0
                available += 1
            else:
                moment = available_at(pod, min_ready)
                if moment is not None:
                    ctx.wake_at(moment)
    status: dict[str, Any] = {
        "replicas": len(active),
        "fullyLabeledReplicas": labeled,
        "readyReplicas": ready,
        "availableReplicas": available,
        "observedGeneration": rs["metadata"].get("generation", 1),
    }
    old = rs.get("status") or {}
    if {k: old.get(k, 0) for k in status} != status:
        ctx.api.update_status(status_patch(rs, status), trusted=True, manager=CONTROLLER_MANAGER)
