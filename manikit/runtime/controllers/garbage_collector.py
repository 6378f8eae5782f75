"""The garbage collector: an object whose owners (by ownerReferences uid) are all gone is deleted.

That is the background cascade: deleting a Deployment removes its ReplicaSets in one pass and their
pods in the next. Orphaning is the API's job (``delete(..., propagation="Orphan")``). An owner held by
the ``foregroundDeletion`` finalizer has its dependents deleted (in the foreground too) and loses the
finalizer once none is left. Like upstream's pod GC, a pod bound to a node that no longer exists is
deleted at once (its ReplicaSet replaces it).
"""

from __future__ import annotations

from manikit.runtime.api.deletion import FOREGROUND
from manikit.runtime.api.kinds import API_KINDS
from manikit.runtime.controllers.context import PassContext, settle
from manikit.runtime.store import Body

NAME = "garbage-collector"
DEPENDENT_KINDS = ("ReplicaSet", "Pod", "Endpoints")
OWNER_KINDS = ("Deployment", "ReplicaSet")


def reconcile(ctx: PassContext) -> None:
    """Derived from the objects' metadata and specs alone (no status, no clock, no timers): not run
    again while only statuses were written since a run that found nothing to collect (a pass that
    only moved the clock, or where only kubelets wrote)."""
    settle(ctx, NAME, lambda: tuple(ctx.api.changed_at(kind) for kind in API_KINDS), lambda: _collect(ctx))


def _collect(ctx: PassContext) -> None:
    _collect_dependents(ctx)
    _finish_foreground(ctx)
    _collect_pods_of_missing_nodes(ctx)


def _collect_pods_of_missing_nodes(ctx: PassContext) -> None:
    api = ctx.api
    nodes = {n["metadata"]["name"] for n in api.list("Node")}
    for pod in api.list("Pod"):
        node = pod["spec"].get("nodeName")
        if node and node not in nodes and not pod["metadata"].get("finalizers"):
            api.delete("Pod", pod["metadata"]["name"], pod["metadata"]["namespace"], grace_period=0)


def _finish_foreground(ctx: PassContext) -> None:
    api = ctx.api
    for kind in OWNER_KINDS:
        for owner in api.list(kind):
            meta = owner["metadata"]
            if FOREGROUND not in (meta.get("finalizers") or []) or "deletionTimestamp" not in meta:
                continue
            dependents = _dependents_of(ctx, meta.get("namespace"), meta["uid"])
            for dependent in dependents:
                dmeta = dependent["metadata"]
                if "deletionTimestamp" not in dmeta:
                    api.delete(
                        dependent["kind"], dmeta["name"], dmeta.get("namespace"), propagation="Foreground"
                    )
            if not dependents:
                left = [f for f in meta["finalizers"] if f != FOREGROUND]
                new_meta = (
                    {**meta, "finalizers": left}
                    if left
                    else {k: v for k, v in meta.items() if k != "finalizers"}
                )
                api.update({**owner, "metadata": new_meta}, trusted=True)


def _dependents_of(ctx: PassContext, namespace: str | None, uid: str) -> list[Body]:
    found = []
    for kind in DEPENDENT_KINDS:
        for body in ctx.api.list(kind, namespace):
            if any(ref.get("uid") == uid for ref in body["metadata"].get("ownerReferences") or ()):
                found.append(body)
    return found


def _collect_dependents(ctx: PassContext) -> None:
    api = ctx.api
    dependents: list[Body] = []
    for kind in DEPENDENT_KINDS:
        dependents.extend(b for b in api.list(kind) if b["metadata"].get("ownerReferences"))
    if not dependents:
        return
    alive = {b["metadata"].get("uid") for kind in API_KINDS for b in api.list(kind)}
    for body in dependents:
        meta = body["metadata"]
        refs = meta["ownerReferences"]
        if len(refs) == 1 and refs[0].get("uid") in alive:
            continue  # the common case: one owner, alive
        living = [r for r in refs if r.get("uid") in alive]
        if not living:
            if "deletionTimestamp" not in meta:
                api.delete(body["kind"], meta["name"], meta.get("namespace"))
        elif len(living) != len(refs):
            api.update({**body, "metadata": {**meta, "ownerReferences": living}}, trusted=True)
