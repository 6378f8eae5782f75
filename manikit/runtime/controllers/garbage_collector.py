"""The garbage collector: an object whose owners (by ownerReferences uid) are all gone is deleted.

That is the background cascade: deleting a Deployment removes its ReplicaSets in one pass and their
pods in the next. Orphaning is the API's job (``delete(..., propagation="Orphan")``). Like upstream's
pod GC, a pod bound to a node that no longer exists is deleted too (its ReplicaSet replaces it).
"""

from __future__ import annotations

from manikit.runtime.api.kinds import API_KINDS
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.store import Body

DEPENDENT_KINDS = ("ReplicaSet", "Pod", "Endpoints")


def reconcile(ctx: PassContext) -> None:
    _collect_dependents(ctx)
    _collect_pods_of_missing_nodes(ctx)


def _collect_pods_of_missing_nodes(ctx: PassContext) -> None:
    api = ctx.api
    nodes = {n["metadata"]["name"] for n in api.list("Node")}
    for pod in api.list("Pod"):
        node = pod["spec"].get("nodeName")
        if node and node not in nodes:
            api.delete("Pod", pod["metadata"]["name"], pod["metadata"]["namespace"])


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
        living = [r for r in refs if r.get("uid") in alive]
        if not living:
            api.delete(body["kind"], meta["name"], meta.get("namespace"))
        elif len(living) != len(refs):
            api.update({**body, "metadata": {**meta, "ownerReferences": living}}, trusted=True)
