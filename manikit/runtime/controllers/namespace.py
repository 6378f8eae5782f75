"""The Namespace controller: a Terminating namespace has its contents deleted, then goes itself.

While content remains it reports why, with the conditions of pkg/controller/namespace/deletion:
NamespaceContentRemaining and NamespaceFinalizersRemaining name what is left and which finalizers hold
it; NamespaceDeletionContentFailure says the deletes themselves went through.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from manikit.runtime.api.kinds import API_KINDS
from manikit.runtime.controllers.common import CONTROLLER_MANAGER, set_condition, status_patch
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.store import Body
from manikit.runtime.store.names import resource_name


def reconcile(ctx: PassContext) -> None:
    api = ctx.api
    for ns in api.list("Namespace"):
        if (ns.get("status") or {}).get("phase") != "Terminating":
            continue
        name = ns["metadata"]["name"]
        remaining: Counter[str] = Counter()
        finalizers: Counter[str] = Counter()
        for kind, info in API_KINDS.items():
            if not info.namespaced:
                continue
            for obj in api.list(kind, name):
                if "deletionTimestamp" not in obj["metadata"]:
                    obj = api.delete(kind, obj["metadata"]["name"], name)
                if api.find(kind, obj["metadata"]["name"], name) is not None:
                    remaining[resource_name(kind)] += 1
                    finalizers.update(obj["metadata"].get("finalizers") or [])
        if not remaining:
            api.finalize_namespace(name)
        else:
            _report(ctx, ns, remaining, finalizers)


def _report(ctx: PassContext, ns: Body, remaining: Counter[str], finalizers: Counter[str]) -> None:
    now = ctx.now()
    conditions: list[dict[str, Any]] = list((ns.get("status") or {}).get("conditions") or [])
    content = ", ".join(f"{kind} has {count} resource instances" for kind, count in sorted(remaining.items()))
    held = ", ".join(f"{f} in {count} resource instances" for f, count in sorted(finalizers.items()))
    wanted = [
        (
            "NamespaceDeletionDiscoveryFailure",
            "False",
            "ResourcesDiscovered",
            "All resources successfully discovered",
        ),
        (
            "NamespaceDeletionGroupVersionParsingFailure",
            "False",
            "ParsedGroupVersions",
            "All legacy kube types successfully parsed",
        ),
        (
            "NamespaceDeletionContentFailure",
            "False",
            "ContentDeleted",
            "All content successfully deleted, may be waiting on finalization",
        ),
        (
            "NamespaceContentRemaining",
            "True",
            "SomeResourcesRemain",
            f"Some resources are remaining: {content}",
        ),
        (
            "NamespaceFinalizersRemaining",
            "True" if finalizers else "False",
            "SomeFinalizersRemain" if finalizers else "ContentHasNoFinalizers",
            f"Some content in the namespace has finalizers remaining: {held}"
            if finalizers
            else "All content-preserving finalizers finished",
        ),
    ]
    for type_, status, reason, message in wanted:
        conditions = set_condition(conditions, type_, status, reason, message, now)
    if conditions != list((ns.get("status") or {}).get("conditions") or []):
        ctx.api.update_status(
            status_patch(ns, {**ns["status"], "conditions": conditions}),
            trusted=True,
            manager=CONTROLLER_MANAGER,
        )
