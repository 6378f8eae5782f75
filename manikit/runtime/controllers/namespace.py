"""The Namespace controller: a Terminating namespace has its contents deleted, then goes itself."""

from __future__ import annotations

from manikit.runtime.api.kinds import API_KINDS
from manikit.runtime.controllers.context import PassContext


def reconcile(ctx: PassContext) -> None:
    api = ctx.api
    for ns in api.list("Namespace"):
        if (ns.get("status") or {}).get("phase") != "Terminating":
            continue
        name = ns["metadata"]["name"]
        remaining = 0
        for kind, info in API_KINDS.items():
            if not info.namespaced:
                continue
            for obj in api.list(kind, name):
                api.delete(kind, obj["metadata"]["name"], name)
                remaining += 1
        if remaining == 0:
            api.finalize_namespace(name)
