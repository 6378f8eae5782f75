"""Execute a Plan against the control plane: in apply order, in one transaction, refusing a stale plan.

Upserts run in APPLY_ORDER (Namespaces, Nodes, Services, Deployments/ReplicaSets, Pods), deletes in
reverse after every upsert. Either the whole plan lands or none of it does: a process killed mid-apply
leaves the previous state intact (SQLite rolls the open transaction back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from manikit.cluster import Cluster
from manikit.errors import PlanError
from manikit.plan.actions import Action, Body, ObjectKey, Plan, ResourceChange
from manikit.plan.applyset import ApplySet, member_labels
from manikit.plan.live import inventory, save_inventory


@dataclass
class ApplyResult:
    created: list[ObjectKey] = field(default_factory=list)
    updated: list[ObjectKey] = field(default_factory=list)
    replaced: list[ObjectKey] = field(default_factory=list)
    deleted: list[ObjectKey] = field(default_factory=list)
    revision: int = 0

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.replaced) + len(self.deleted)


def check_fresh(cluster: Cluster, plan: Plan) -> None:
    """Refuse a plan made against another state, or whose objects changed since it was made."""
    if plan.store_id != cluster.identity:
        raise PlanError(
            f"the plan was made against another state (store {plan.store_id}, this one is "
            f"{cluster.identity}); run manikit plan against this state"
        )
    moved: list[str] = []
    for change in plan.changes:
        current = cluster.find(change.key.kind, change.key.name, change.key.namespace or None)
        now = (current or {}).get("metadata", {}).get("resourceVersion") if current else None
        if change.action is Action.CREATE and current is not None:
            moved.append(f"{change.key} (created since)")
        elif change.action is not Action.CREATE and current is None:
            moved.append(f"{change.key} (deleted since)")
        elif change.action is not Action.CREATE and str(now) != str(change.resource_version):
            moved.append(f"{change.key} (resourceVersion {change.resource_version} -> {now})")
    if moved:
        raise PlanError(
            "the saved plan is stale: these objects changed since it was made: "
            + ", ".join(moved)
            + "; run `manikit plan --out PLANFILE` again, or `manikit apply PATH` to plan and apply at once"
        )


def execute(cluster: Cluster, plan: Plan, progress: Callable[[int], None] | None = None) -> ApplyResult:
    """Apply every change of ``plan`` in one batch (atomic where the cluster's batches are) and record
    the apply set's inventory.

    ``progress`` is told how many changes are done after each one (for a progress bar).
    """
    result = ApplyResult()
    done = 0
    with cluster.batch():
        members = inventory(cluster, plan.applyset)
        for change in plan.changes:
            if change.action is Action.DELETE:
                continue
            _upsert(cluster, change, plan.applyset, result)
            members.add(change.key)
            done += 1
            if progress is not None:
                progress(done)
        for change in reversed(plan.changes):
            if change.action is Action.DELETE:
                _delete(cluster, change)
                result.deleted.append(change.key)
                members.discard(change.key)
                done += 1
                if progress is not None:
                    progress(done)
        save_inventory(cluster, plan.applyset, members)
    result.revision = cluster.revision()
    return result


def _upsert(cluster: Cluster, change: ResourceChange, applyset: str, result: ApplyResult) -> None:
    body = _member(change.after, applyset)
    if change.action is Action.CREATE:
        cluster.create(body)
        result.created.append(change.key)
    elif change.action is Action.UPDATE:
        body["metadata"]["resourceVersion"] = change.resource_version
        cluster.update(body)
        result.updated.append(change.key)
    elif change.action is Action.REPLACE:
        # as `kubectl replace --force`: the old object goes now (its dependents in the background)
        key = change.key
        cluster.delete(key.kind, key.name, key.namespace or None, grace_period=0)
        cluster.create(body)
        result.replaced.append(change.key)


def _delete(cluster: Cluster, change: ResourceChange) -> None:
    cluster.delete(change.key.kind, change.key.name, change.key.namespace or None)  # background, as kubectl


def _member(after: Body | None, applyset: str) -> Body:
    if after is None:
        raise PlanError("a plan change without a desired object cannot be applied; make a new plan")
    # the API validates into a fresh object, so a shallow copy down to the labels is enough
    meta = dict(after.get("metadata") or {})
    meta["labels"] = member_labels(
        meta.get("labels") or {}, ApplySet.named(applyset), str(ObjectKey.of(after))
    )
    return {**after, "metadata": meta}
