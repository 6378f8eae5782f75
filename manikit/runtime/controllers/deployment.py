"""The Deployment controller: one ReplicaSet per pod template, rolled out by RollingUpdate or Recreate.

After pkg/controller/deployment: the new ReplicaSet is ``<deployment>-<pod-template-hash>``; it grows
within maxSurge while old ones shrink within maxUnavailable; revisions are annotations; finished
rollouts keep revisionHistoryLimit old ReplicaSets; status and conditions use upstream's reasons.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from manikit.models.selector import LabelSelector
from manikit.runtime.clock import parse_time
from manikit.runtime.controllers import rollout
from manikit.runtime.controllers.common import (
    CONTROLLER_MANAGER,
    controller_uid,
    group_by_controller,
    is_active,
    owner_ref,
    set_condition,
    status_patch,
)
from manikit.runtime.controllers.context import PassContext
from manikit.runtime.store import Body

SOURCE = "deployment-controller"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
SKIP_COPY = frozenset(
    {"kubectl.kubernetes.io/last-applied-configuration", "deprecated.deployment.rollback.to"}
)


@dataclass
class Rollout:
    """One deployment's ReplicaSets during a sync, kept current as they are scaled."""

    ctx: PassContext
    dep: Body
    new: Body | None
    olds: list[Body]
    pods: Pods
    created: bool = False
    scaled: list[str] = field(default_factory=list)
    #: the Deployment's annotations with its new revision, written with its status (None: unchanged)
    annotations: dict[str, str] | None = None

    @property
    def all(self) -> list[Body]:
        return [*self.olds, *([self.new] if self.new is not None else [])]

    @property
    def replicas(self) -> int:
        return int(self.dep["spec"].get("replicas", 1))


def reconcile(ctx: PassContext) -> None:
    api = ctx.api
    sets = api.list("ReplicaSet")
    owned = group_by_controller(sets)
    orphans = [rs for rs in sets if controller_uid(rs) is None]
    pods = Pods(ctx)
    deployments = api.list("Deployment")
    ctx.models.hash_templates([dep["spec"]["template"] for dep in deployments])
    for dep in deployments:
        if "deletionTimestamp" in dep["metadata"]:
            continue
        mine = owned.get(dep["metadata"]["uid"], []) + _adopt(ctx, dep, orphans)
        sync(ctx, dep, mine, pods)


def _adopt(ctx: PassContext, dep: Body, orphans: list[Body]) -> list[Body]:
    if not orphans:
        return []
    selector = LabelSelector.model_validate(dep["spec"]["selector"])
    adopted = []
    for rs in list(orphans):
        meta = rs["metadata"]
        if meta.get("namespace") != dep["metadata"]["namespace"] or selector.is_empty():
            continue
        if selector.matches(meta.get("labels") or {}):
            refs = [*(meta.get("ownerReferences") or []), owner_ref(dep)]
            adopted.append(
                ctx.api.update(
                    {**rs, "metadata": {**meta, "ownerReferences": refs}},
                    trusted=True,
                    manager=CONTROLLER_MANAGER,
                )
            )
            orphans.remove(rs)
    return adopted


class Pods:
    """The pods of each ReplicaSet, grouped once a pass and only if asked (by Recreate alone)."""

    def __init__(self, ctx: PassContext) -> None:
        self._ctx = ctx
        self._groups: dict[str, list[Body]] | None = None

    def of(self, rs: Body) -> list[Body]:
        if self._groups is None:
            self._groups = group_by_controller(self._ctx.api.list("Pod"))
        return self._groups.get(rs["metadata"]["uid"], [])


def sync(ctx: PassContext, dep: Body, sets: list[Body], pods: Pods) -> None:
    wanted = ctx.models.template_hash(dep["spec"]["template"])
    new = next((rs for rs in sets if _hash_of(rs) == wanted), None)
    run = Rollout(ctx, dep, new, sorted((rs for rs in sets if rs is not new), key=_age_key), pods)
    spec = dep["spec"]
    if spec.get("paused") or _is_scaling_event(run):
        _scale_sync(run)
    elif (spec.get("strategy") or {}).get("type") == "Recreate":
        _recreate(run, wanted)
    else:
        _rolling(run, wanted)
    if run.new is not None:
        _sync_revision(run)
    status = _status(run)
    if not spec.get("paused") and rollout.is_complete(dep, status):
        _cleanup(run)
    old = dep.get("status") or {}
    if status != old or run.annotations is not None:
        # one write, as upstream's UpdateStatus carries the revision annotation with the status
        patch = status_patch(run.dep, status)
        if run.annotations is not None:
            patch["metadata"]["annotations"] = run.annotations
        ctx.api.update_status(patch, trusted=True, manager=CONTROLLER_MANAGER)


def _hash_of(rs: Body) -> str | None:
    return (rs["metadata"].get("labels") or {}).get(rollout.HASH_LABEL)


def _age_key(rs: Body) -> tuple[str, str]:
    return (rs["metadata"].get("creationTimestamp", ""), rs["metadata"]["name"])


# Strategies ------------------------------------------------------------------------------------------
def _rolling(run: Rollout, wanted: str) -> None:
    if run.new is None:
        _create_new(run, wanted, rollout.new_rs_replicas(run.dep, run.olds, None))
    else:
        current = int(run.new["spec"].get("replicas", 0))
        if current > run.replicas:
            _scale(run, run.new, run.replicas)
        elif current < run.replicas:
            _scale(run, run.new, rollout.new_rs_replicas(run.dep, run.all, run.new))
    _scale_down_old(run)


def _scale_down_old(run: Rollout) -> None:
    """reconcileOldReplicaSets: unhealthy old replicas first, then down to minAvailable."""
    assert run.new is not None
    if rollout.spec_replicas(run.olds) == 0:
        return
    min_available = run.replicas - rollout.max_unavailable(run.dep)
    new_unavailable = int(run.new["spec"].get("replicas", 0)) - rollout.status_count(
        [run.new], "availableReplicas"
    )
    max_scaled_down = rollout.spec_replicas(run.all) - min_available - new_unavailable
    if max_scaled_down <= 0:
        return
    cleaned = 0
    for rs in list(run.olds):
        replicas = int(rs["spec"].get("replicas", 0))
        available = rollout.status_count([rs], "availableReplicas")
        if cleaned >= max_scaled_down or replicas == 0 or replicas == available:
            continue
        down = min(max_scaled_down - cleaned, replicas - available)
        _scale(run, rs, replicas - down)
        cleaned += down
    available = rollout.status_count(run.all, "availableReplicas")
    remaining = available - min_available
    for rs in list(run.olds):
        replicas = int(rs["spec"].get("replicas", 0))
        if remaining <= 0:
            break
        if replicas == 0:
            continue
        down = min(replicas, remaining)
        _scale(run, rs, replicas - down)
        remaining -= down


def _recreate(run: Rollout, wanted: str) -> None:
    """Scale every old ReplicaSet to zero, wait until their pods are gone, then bring up the new."""
    active_olds = [rs for rs in run.olds if int(rs["spec"].get("replicas", 0)) > 0]
    for rs in active_olds:
        _scale(run, rs, 0)
    if active_olds:
        return
    for rs in run.olds:
        if any(is_active(p) for p in run.pods.of(rs)):
            return
    if run.new is None:
        _create_new(run, wanted, run.replicas)
    elif int(run.new["spec"].get("replicas", 0)) != run.replicas:
        _scale(run, run.new, run.replicas)


def _active(sets: list[Body]) -> list[Body]:
    return [rs for rs in sets if int(rs["spec"].get("replicas", 0)) > 0]


def _is_scaling_event(run: Rollout) -> bool:
    """The replicas changed since the active ReplicaSets were sized (their desired-replicas)."""
    for rs in _active(run.all):
        desired = rollout.desired_replicas_of(rs)
        if desired is not None and desired != run.replicas:
            return True
    return False


def _scale_sync(run: Rollout) -> None:
    """scale(): a paused Deployment, or one whose replicas changed, resizes without rolling out.
    One active ReplicaSet (or none: the newest) takes every replica; a saturated new one leaves the
    old ones at zero; otherwise, for RollingUpdate, every active one scales in proportion."""
    active = _active(run.all)
    if len(active) <= 1:
        newest = run.new or (run.olds[-1] if run.olds else None)
        target = active[0] if active else newest
        if target is not None:
            _scale(run, target, run.replicas)
        return
    if rollout.is_saturated(run.dep, run.new):
        for rs in _active(run.olds):
            _scale(run, rs, 0)
        return
    if ((run.dep["spec"].get("strategy") or {}).get("type") or "RollingUpdate") == "RollingUpdate":
        status_replicas = int((run.dep.get("status") or {}).get("replicas", 0))
        for rs, size in rollout.proportional_sizes(run.dep, active, status_replicas):
            _scale(run, rs, size)


# Writes ----------------------------------------------------------------------------------------------
def _create_new(run: Rollout, wanted: str, replicas: int) -> None:
    dep = run.dep
    meta = dep["metadata"]
    template = dep["spec"]["template"]
    tmeta = dict(template.get("metadata") or {})
    tmeta["labels"] = {**(tmeta.get("labels") or {}), rollout.HASH_LABEL: wanted}
    selector = dict(dep["spec"]["selector"])
    selector["matchLabels"] = {**(selector.get("matchLabels") or {}), rollout.HASH_LABEL: wanted}
    revision = max((rollout.revision_of(rs) for rs in run.olds), default=0) + 1
    spec: dict[str, Any] = {
        "replicas": replicas,
        "selector": selector,
        "template": {**template, "metadata": tmeta},
    }
    if dep["spec"].get("minReadySeconds"):
        spec["minReadySeconds"] = dep["spec"]["minReadySeconds"]
    body: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{meta['name']}-{wanted}",
            "namespace": meta["namespace"],
            "labels": tmeta["labels"],
            "annotations": {**copied_annotations(run.dep), **_annotations(run, revision)},
            "ownerReferences": [owner_ref(dep)],
        },
        "spec": spec,
    }
    run.new = run.ctx.api.create(body, trusted=True, manager=CONTROLLER_MANAGER)
    run.created = True
    if replicas > 0:
        _event(run, f"Scaled up replica set {run.new['metadata']['name']} to {replicas}")


def _annotations(run: Rollout, revision: int) -> dict[str, str]:
    surge, _ = rollout.fenceposts(run.dep)
    return {
        rollout.DESIRED_REPLICAS: str(run.replicas),
        rollout.MAX_REPLICAS: str(run.replicas + surge),
        rollout.REVISION: str(revision),
    }


def _scale(run: Rollout, rs: Body, replicas: int) -> None:
    """Set a ReplicaSet's size and its desired/max-replicas annotations (either may be stale)."""
    before = int(rs["spec"].get("replicas", 0))
    meta = rs["metadata"]
    current = meta.get("annotations") or {}
    annotations = {**current, **_annotations(run, rollout.revision_of(rs))}
    if before == replicas and annotations == current:
        return
    body = {
        **rs,
        "metadata": {**meta, "annotations": annotations},
        "spec": {**rs["spec"], "replicas": replicas},
    }
    updated = run.ctx.api.update(body, trusted=True, manager=CONTROLLER_MANAGER)
    _replace(run, rs, updated)
    if before == replicas:
        return
    direction = "up" if replicas > before else "down"
    _event(run, f"Scaled {direction} replica set {meta['name']} to {replicas} from {before}")


def _replace(run: Rollout, old: Body, new: Body) -> None:
    if run.new is old:
        run.new = new
    else:
        run.olds = [new if rs is old else rs for rs in run.olds]


def _event(run: Rollout, message: str) -> None:
    run.ctx.api.record_event(run.dep, "Normal", "ScalingReplicaSet", message, SOURCE)


def copied_annotations(dep: Body) -> dict[str, str]:
    """What the new ReplicaSet takes from its Deployment (copyDeploymentAnnotationsToReplicaSet):
    every annotation but the controller's own and apply's bookkeeping, so
    ``kubernetes.io/change-cause`` shows in the rollout history."""
    return {
        k: v
        for k, v in (dep["metadata"].get("annotations") or {}).items()
        if k not in SKIP_COPY and not k.startswith(("deployment.kubernetes.io/", "manikit.dev/"))
    }


def _sync_revision(run: Rollout) -> None:
    """The new ReplicaSet carries the Deployment's annotations and the highest revision (a rollback
    renumbers an old template and records its former numbers in revision-history); the Deployment
    carries its ReplicaSet's revision, set by its status write (``sync``) as upstream sets it."""
    assert run.new is not None
    wanted = max((rollout.revision_of(rs) for rs in run.olds), default=0) + 1
    current = rollout.revision_of(run.new)
    meta = run.new["metadata"]
    before = meta.get("annotations") or {}
    annotations = {**before, **copied_annotations(run.dep)}
    if current < wanted:
        if current > 0:
            history = before.get(REVISION_HISTORY)
            annotations[REVISION_HISTORY] = f"{history},{current}" if history else str(current)
        annotations[rollout.REVISION] = str(wanted)
        current = wanted
    if annotations != before:
        run.new = run.ctx.api.update(
            {**run.new, "metadata": {**meta, "annotations": annotations}},
            trusted=True,
            manager=CONTROLLER_MANAGER,
        )
    given = run.dep["metadata"].get("annotations") or {}
    if given.get(rollout.REVISION) != str(current):
        run.annotations = {**given, rollout.REVISION: str(current)}


def _cleanup(run: Rollout) -> None:
    """Delete the oldest fully scaled-down ReplicaSets beyond revisionHistoryLimit."""
    limit = int(run.dep["spec"].get("revisionHistoryLimit", 10))
    idle = [
        rs
        for rs in run.olds
        if int(rs["spec"].get("replicas", 0)) == 0 and rollout.status_count([rs], "replicas") == 0
    ]
    idle.sort(key=lambda rs: (rollout.revision_of(rs), *_age_key(rs)))
    for rs in idle[: max(0, len(idle) - limit)]:
        run.ctx.api.delete("ReplicaSet", rs["metadata"]["name"], rs["metadata"]["namespace"])
        run.olds = [o for o in run.olds if o is not rs]


# Status ----------------------------------------------------------------------------------------------
def _status(run: Rollout) -> dict[str, Any]:
    dep = run.dep
    replicas = ready = available = wanted = 0
    for rs in run.all:  # rollout.status_count of each field and spec_replicas, in one loop
        counts = rs.get("status") or {}
        replicas += int(counts.get("replicas", 0) or 0)
        ready += int(counts.get("readyReplicas", 0) or 0)
        available += int(counts.get("availableReplicas", 0) or 0)
        wanted += int(rs["spec"].get("replicas", 0))
    status: dict[str, Any] = {
        "observedGeneration": dep["metadata"].get("generation", 1),
        "replicas": replicas,
        "updatedReplicas": rollout.status_count([run.new], "replicas") if run.new is not None else 0,
        "readyReplicas": ready,
        "availableReplicas": available,
        "unavailableReplicas": max(0, wanted - available),
    }
    old = dep.get("status") or {}
    now = run.ctx.now()
    conditions = list(old.get("conditions") or [])
    if available >= run.replicas - rollout.max_unavailable(dep):
        conditions = set_condition(
            conditions, "Available", "True", "MinimumReplicasAvailable",
            "Deployment has minimum availability.", now, update_time=True,
        )  # fmt: skip
    else:
        conditions = set_condition(
            conditions, "Available", "False", "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.", now, update_time=True,
        )  # fmt: skip
    progressing = _progressing(run, old, status)
    if progressing is not None:
        conditions = set_condition(conditions, "Progressing", *progressing, now, update_time=True)
    status["conditions"] = conditions
    if "collisionCount" in old:
        status["collisionCount"] = old["collisionCount"]
    return {k: v for k, v in status.items() if v != 0 or k == "observedGeneration"}


def _progressing(run: Rollout, old: dict[str, Any], new: dict[str, Any]) -> tuple[str, str, str] | None:
    current = next((c for c in old.get("conditions") or [] if c.get("type") == "Progressing"), None)
    name = run.new["metadata"]["name"] if run.new is not None else ""
    if run.dep["spec"].get("paused"):
        return ("Unknown", "DeploymentPaused", "Deployment is paused")
    if current is not None and current.get("reason") == "DeploymentPaused":
        return ("Unknown", "DeploymentResumed", "Deployment is resumed")
    if run.new is None:
        return None
    # upstream records NewReplicaSetCreated as it creates the ReplicaSet, then syncRolloutStatus
    # replaces it in the same sync when the rollout is already complete (a Deployment of 0 replicas)
    if rollout.is_complete(run.dep, new):
        return ("True", "NewReplicaSetAvailable", f'ReplicaSet "{name}" has successfully progressed.')
    if run.created:
        return ("True", "NewReplicaSetCreated", f'Created new replica set "{name}"')
    if rollout.is_progressing(old, new):
        return ("True", "ReplicaSetUpdated", f'ReplicaSet "{name}" is progressing.')
    if current is None:
        return ("True", "FoundNewReplicaSet", f'Found new replica set "{name}"')
    if _timed_out(run, current):
        return ("False", "ProgressDeadlineExceeded", f'ReplicaSet "{name}" has timed out progressing.')
    return None


def _timed_out(run: Rollout, current: dict[str, Any]) -> bool:
    if current.get("reason") == "NewReplicaSetAvailable" or not current.get("lastUpdateTime"):
        return False
    deadline = int(run.dep["spec"].get("progressDeadlineSeconds", 600))
    return run.ctx.now() >= parse_time(current["lastUpdateTime"]) + timedelta(seconds=deadline)
