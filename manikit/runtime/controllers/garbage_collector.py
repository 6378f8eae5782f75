"""The garbage collector: an object whose owners (by ownerReferences uid) are all gone is deleted.

That is the background cascade: deleting a Deployment removes its ReplicaSets in one pass and their
pods in the next. Orphaning is the API's job (``delete(..., propagation="Orphan")``).
"""

from __future__ import annotations

from manikit.runtime.api.kinds import API_KINDS
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.store import Body

DEPENDENT_KINDS = ("ReplicaSet", "Pod", "Endpoints")


def reconcile(ctx: PassContext) -> None:
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
