"""Execute a Plan against a cluster: in apply order, by server-side apply, refusing a stale plan.

Upserts run in APPLY_ORDER (Namespaces first, as kubectl does), deletes in reverse after every
upsert. Each object is applied as its manifest, under field manager ``manikit`` (``--force-conflicts``
takes what the plan said it would). On the local control plane the whole plan is one transaction:
it lands entirely or not at all, and a process killed mid-apply leaves the previous state intact. A
Kubernetes API server has no such transaction: apply stops at the first refusal (or interruption),
and the result says exactly what was applied and what was not; applying the same manifests again
converges, and so does the same saved plan: the CLI keeps what it applied beside the plan file, and
the next apply of that plan skips those objects if nothing touched them since.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from manikit.cluster import FIELD_MANAGER, Cluster
from manikit.cluster.recorded import note_applied, note_text
from manikit.errors import PlanError, StatusError
from manikit.plan.actions import Action, Body, ObjectKey, Plan, ResourceChange
from manikit.plan.live import inventory_before_apply, save_inventory
from manikit.plan.server_side import is_member_manifest, member_manifest
from manikit.plan.unchanged import manifest_digest
from manikit.validate import admitted


@dataclass
class ApplyResult:
    created: list[ObjectKey] = field(default_factory=list)
    updated: list[ObjectKey] = field(default_factory=list)
    replaced: list[ObjectKey] = field(default_factory=list)
    deleted: list[ObjectKey] = field(default_factory=list)
    revision: int = 0
    #: changes of a saved plan found already applied (an earlier, interrupted apply of it)
    already: list[ObjectKey] = field(default_factory=list)
    #: where a non-atomic apply stopped: the object and why (None: it did not stop)
    stopped_at: ObjectKey | None = None
    stopped_because: str = ""
    #: the changes not applied because apply stopped
    not_applied: list[ObjectKey] = field(default_factory=list)
    #: each applied change's object as it then was (its resourceVersion; None: deleted), so that a
    #: saved plan applied again after a stop knows what it did itself
    versions: dict[ObjectKey, str | None] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.replaced) + len(self.deleted)

    @property
    def applied(self) -> list[ObjectKey]:
        return [*self.created, *self.updated, *self.replaced, *self.deleted]


class ApplyStopped(PlanError):
    """A non-atomic apply stopped at a refusal or an interruption; ``result`` says what landed."""

    def __init__(self, message: str, result: ApplyResult) -> None:
        super().__init__(message)
        self.result = result


def check_fresh(
    cluster: Cluster, plan: Plan, applied: Mapping[ObjectKey, str | None] | None = None
) -> set[ObjectKey]:
    """Refuse a plan made against another cluster, or whose objects changed since it was made. An
    earlier apply of the same plan that stopped says in ``applied`` what it did (each object's
    resourceVersion after it; None: deleted): those still as it left them are returned, to be skipped."""
    if plan.refusals:
        raise PlanError(_refused(plan))
    if plan.store_id != cluster.identity:
        raise PlanError(
            f"the plan was made against another cluster (identity {plan.store_id}; {cluster.location} is "
            f"{cluster.identity}); run manikit plan against this one"
        )
    moved: list[str] = []
    done: set[ObjectKey] = set()
    applied = applied or {}
    for change in plan.changes:
        current = cluster.find(change.key.kind, change.key.name, change.key.namespace or None)
        now = (current or {}).get("metadata", {}).get("resourceVersion") if current else None
        if change.key in applied:
            gone = current is None or bool((current.get("metadata") or {}).get("deletionTimestamp"))
            if (None if gone else str(now)) == applied[change.key]:
                done.add(change.key)
            else:
                moved.append(f"{change.key} (changed after this plan applied it)")
        elif change.action is Action.CREATE and current is not None:
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
    return done


def execute(
    cluster: Cluster,
    plan: Plan,
    progress: Callable[[int], None] | None = None,
    *,
    skip: set[ObjectKey] | None = None,
    before_commit: Callable[[], None] | None = None,
) -> ApplyResult:
    """Apply every change of ``plan`` in one batch (atomic where the cluster's batches are) and record
    the apply set's inventory. ``skip``: changes already applied (``check_fresh``).

    ``progress`` is told how many changes are done after each one (for a progress bar).
    ``before_commit`` is called last inside the batch: what it raises rolls an atomic batch back.
    """
    if plan.refusals:
        raise PlanError(_refused(plan))
    result = ApplyResult()
    skip = skip or set()
    order = [c for c in plan.changes if c.action is not Action.DELETE] + [
        c for c in reversed(plan.changes) if c.action is Action.DELETE
    ]
    with cluster.batch():
        members, legacy = inventory_before_apply(cluster, plan.applyset)
        if not cluster.atomic_batches:
            # as kubectl: the parent lists every kind the set will hold before any member is written,
            # so an apply that stops half way leaves no member the set does not know of
            upserted = {c.key for c in order if c.action is not Action.DELETE}
            save_inventory(cluster, plan.applyset, members | upserted, legacy)
            legacy = None  # the set has its parent now: nothing more to move
        for done, change in enumerate(order, 1):
            if skip and change.key in skip:
                result.already.append(change.key)
            else:
                try:
                    _carry_out(cluster, change, plan, result)
                except (StatusError, KeyboardInterrupt) as exc:
                    if cluster.atomic_batches:
                        raise
                    _stop(cluster, plan, members, result, order[done - 1 :], exc)
            if change.action is Action.DELETE:
                members.discard(change.key)
            else:
                members.add(change.key)
            if progress is not None:
                progress(done)
        save_inventory(cluster, plan.applyset, members, legacy)
        _note_unchanged(cluster, plan)
        if before_commit is not None:
            before_commit()
    admitted.forget()  # what loading admitted for this apply (validate/admitted.py) is of no more use
    result.revision = cluster.revision()
    return result


def _stop(
    cluster: Cluster,
    plan: Plan,
    members: set[ObjectKey],
    result: ApplyResult,
    rest: list[ResourceChange],
    exc: BaseException,
) -> None:
    """A non-atomic apply stops: keep the inventory of what landed, say what did not."""
    save_inventory(cluster, plan.applyset, members)
    result.stopped_at = rest[0].key
    result.stopped_because = (
        exc.kubectl_message() if isinstance(exc, StatusError) else "interrupted (Ctrl-C or SIGINT)"
    )
    result.not_applied = [c.key for c in rest]
    result.revision = cluster.revision()
    applied = ", ".join(str(k) for k in result.applied) or "nothing"
    raise ApplyStopped(
        f"apply stopped at {rest[0].key}: {result.stopped_because}\n"
        f"  applied: {applied}\n"
        f"  not applied: {', '.join(str(c.key) for c in rest)}\n"
        "  The cluster holds what was applied. Fix the cause and run the same command again (or the "
        "same saved plan): what is applied already is not applied twice.",
        result,
    ) from exc


def note_unchanged(cluster: Cluster, plan: Plan) -> None:
    """What an apply of ``plan`` notes of the documents of the objects it leaves unchanged, for a plan
    with nothing to apply (``execute`` notes them with the rest)."""
    if plan.text_notes:
        with cluster.batch():
            _note_unchanged(cluster, plan)


def _note_unchanged(cluster: Cluster, plan: Plan) -> None:
    for key, text in plan.text_notes:
        note_text(cluster, (key.kind, key.namespace, key.name), text.to_note())


def _carry_out(cluster: Cluster, change: ResourceChange, plan: Plan, result: ApplyResult) -> None:
    key = change.key
    if change.action is Action.DELETE:
        cluster.delete(key.kind, key.name, key.namespace or None)  # background, as kubectl
        note_applied(cluster, (key.kind, key.namespace, key.name), None, None)
        result.deleted.append(key)
        result.versions[key] = None
        return
    body = _member(change, plan.applyset)
    if change.action is Action.REPLACE:
        # as `kubectl replace --force`: the old object goes now (its dependents in the background)
        cluster.delete(key.kind, key.name, key.namespace or None, grace_period=0)
    answer = cluster.apply(body, manager=FIELD_MANAGER, force=plan.force_conflicts)
    version = (answer.get("metadata") or {}).get("resourceVersion")
    result.versions[key] = None if version is None else str(version)
    # what this apply left, so that the next plan need not read the object (manikit.plan.unchanged)
    digest = _digest(change, plan.applyset, body)
    text = change.text.to_note() if change.text is not None and change.text.sent == digest else ()
    note_applied(cluster, (key.kind, key.namespace, key.name), digest, result.versions[key], text, answer)
    # by identity: an Action hashes in Python (enum), four times for a dict made per change
    if change.action is Action.CREATE:
        result.created.append(key)
    elif change.action is Action.UPDATE:
        result.updated.append(key)
    elif change.action is Action.REPLACE:
        result.replaced.append(key)
    else:
        raise KeyError(change.action)


def _member(change: ResourceChange, applyset: str) -> Body:
    sent = change.manifest if change.manifest is not None else change.after
    if sent is None:
        raise PlanError("a plan change without a desired object cannot be applied; make a new plan")
    if is_member_manifest(sent, applyset):
        return sent  # as the plan made it: ``member_manifest`` would make an equal copy
    return member_manifest(sent, applyset)


def _digest(change: ResourceChange, applyset: str, body: Body) -> str:
    """``manifest_digest(body)``, ``body`` what apply sent for ``change``: the digest loading computed
    of that manifest in this apply set where the change carries it (``ResourceChange.sent``)."""
    sent = change.sent
    if sent is not None and sent[0] == applyset and change.manifest is not None:
        return sent[1]
    return manifest_digest(body)


def _refused(plan: Plan) -> str:
    names = ", ".join(str(r.key) for r in plan.refusals)
    return (
        f"the cluster would refuse {len(plan.refusals)} object(s) of this plan ({names}): nothing applied; "
        "resolve what the plan says for each and plan again"
    )
