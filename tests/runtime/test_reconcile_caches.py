"""What the reconcile loop keeps between passes to go fast: models, the scheduler's last inputs, the
Endpoints pod index. Each must give what recomputing from scratch would."""

from __future__ import annotations

import gc
import itertools
import weakref
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from manikit.models.node import Node
from manikit.models.pod import Pod
from manikit.runtime import reconcile as rc
from manikit.runtime.controllers import (
    CONTROLLERS,
    PassContext,
    container_state,
    endpoints,
    garbage_collector,
    node_agent,
    rollout,
    scheduling,
)
from manikit.runtime.controllers.context import ModelCache, settle
from manikit.runtime.controllers.endpoints import PodIndex, _selected
from manikit.runtime.controllers.replicaset import Orphans
from manikit.runtime.reconcile import reconcile
from manikit.runtime.scheduler import Decision
from manikit.runtime.scheduler.engine import take_snapshot
from manikit.runtime.scheduler.nodeinfo import pod_info
from manikit.runtime.scheduler.queue import is_live
from tests.runtime.control_plane import deployment, new_api, service
from tests.runtime.control_plane import pod as bare_pod


def stored_pod(uid: str, rv: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"p-{uid}", "namespace": "default", "uid": uid, "resourceVersion": rv},
        "spec": {"containers": [{"name": "main", "image": "nginx", "resources": {"requests": {"cpu": "1"}}}]},
        "status": {"phase": "Pending"},
    }
    for part, value in extra.items():
        body[part] = {**body[part], **value}
    return body


def test_a_status_write_other_than_a_terminal_phase_keeps_the_model() -> None:
    cache = ModelCache()
    first = cache.pod(stored_pod("a", "1"))
    again = cache.pod(stored_pod("a", "2", status={"podIP": "10.0.0.2", "conditions": []}))
    assert again is first
    assert first.status is not None and first.status.pod_ip is None  # only a terminal phase is kept
    assert cache.pod(stored_pod("a", "3", status={"phase": "Running"})) is first
    failed = cache.pod(stored_pod("a", "4", status={"phase": "Failed"}))
    assert failed is not first and failed.status is not None and failed.status.phase == "Failed"
    assert failed.spec is first.spec  # the spec stays validated
    assert not is_live(failed) and is_live(first)


def test_a_pod_at_the_same_resource_version_gets_the_same_model_without_a_look() -> None:
    cache = ModelCache()
    first = cache.pod(stored_pod("a", "1"))
    assert cache.pod(stored_pod("a", "1", metadata={"labels": {"ignored": "same version"}})) is first
    assert cache.pod(stored_pod("a", "2", metadata={"labels": {"app": "web"}})) is not first


def test_the_model_of_a_bound_pod_is_what_validating_the_binding_gives() -> None:
    cache = ModelCache()
    body = stored_pod("a", "1", metadata={"labels": {"app": "web"}})
    pending = cache.pod(body)
    bound_body = {**body, "metadata": {**body["metadata"], "resourceVersion": "2"}}
    bound_body["spec"] = {**body["spec"], "nodeName": "node-1"}
    cache.bound(bound_body, pending)
    model = cache.pod(bound_body)
    expected = Pod.model_validate(
        {**bound_body, "metadata": {**bound_body["metadata"], "resourceVersion": None}}
    )
    assert model.model_dump(exclude={"status"}) == expected.model_dump(exclude={"status"})
    assert pending.spec.node_name is None
    assert cache.pod(bound_body) is model
    written = {**bound_body, "metadata": {**bound_body["metadata"], "resourceVersion": "3"}}
    assert cache.pod({**written, "status": {"phase": "Running", "podIP": "10.0.0.2"}}) is model


def test_the_scheduler_cache_gives_back_the_pod_infos_of_the_last_snapshot_only() -> None:
    models = ModelCache()
    cache = models.scheduler
    one, two = models.pod(stored_pod("a", "1")), models.pod(stored_pod("b", "1"))
    first = take_snapshot([], [one, two], cache)
    again = take_snapshot([], [one], cache)
    assert again.pending[0] is first.pending[0]
    third = take_snapshot([], [one, two], cache)
    assert third.pending[1] is not first.pending[1]  # two was left out of the snapshot before
    assert third.pending[1] == first.pending[1]


def test_a_bound_pod_keeps_its_pod_info_but_for_the_model() -> None:
    models = ModelCache()
    one = models.pod(stored_pod("a", "1"))
    (pending,) = take_snapshot([], [one], models.scheduler).pending
    body = stored_pod("a", "2")
    body["spec"] = {**body["spec"], "nodeName": "node-1"}
    models.bound(body, one)
    bound = models.pod(body)  # made now, with its PodInfo from the pending one's
    assert bound.spec.node_name == "node-1" and one.spec.node_name is None
    node = Node.model_validate(
        {"metadata": {"name": "node-1"}, "status": {"allocatable": {"cpu": "4", "pods": "110"}}}
    )
    snap = take_snapshot([node], [bound], models.scheduler)
    (placed,) = snap.by_name["node-1"].pods
    assert placed.pod is bound and placed == replace(pending, pod=bound) == pod_info(bound)


def test_a_label_or_spec_change_gives_a_new_model_equal_to_a_full_validation() -> None:
    cache = ModelCache()
    first = cache.pod(stored_pod("a", "1"))
    labeled = stored_pod("a", "2", metadata={"labels": {"app": "web"}})
    assert cache.pod(labeled) is not first
    bound = stored_pod("a", "3", spec={"nodeName": "node-1"})
    model = cache.pod(bound)
    expected = Pod.model_validate({**bound, "metadata": {**bound["metadata"], "resourceVersion": None}})
    assert model.model_dump(exclude={"status"}) == expected.model_dump(exclude={"status"})
    assert model.spec.node_name == "node-1" and first.spec.node_name is None


def test_pods_of_one_template_share_its_validated_containers() -> None:
    cache = ModelCache()
    one = cache.pod(stored_pod("a", "1", spec={"nodeName": "node-1"}))
    two = cache.pod(stored_pod("b", "2", spec={"nodeName": "node-2"}))
    three = cache.pod(stored_pod("c", "3"))
    assert one.spec.containers is two.spec.containers is three.spec.containers
    assert (one.spec.node_name, two.spec.node_name, three.spec.node_name) == ("node-1", "node-2", None)


def test_the_scheduler_is_not_run_again_on_the_inputs_of_a_run_that_changed_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = new_api()
    api.create(deployment(replicas=1, cpu="6"))  # fits on no node: pending for good
    reconcile(api)
    calls: list[int] = []
    real = scheduling.schedule  # type: ignore[attr-defined]

    def counting(*args: Any) -> list[Decision]:
        calls.append(1)
        return real(*args)

    monkeypatch.setattr(scheduling, "schedule", counting)
    view = api.cached()
    models = ModelCache()
    for _ in range(3):
        before = view.revision()
        with view.transaction():
            scheduling.reconcile(PassContext(view, api.clock, models))
        assert view.revision() == before
    assert len(calls) == 1  # the second and third runs saw the very same pods and nodes
    (pending,) = api.list("Pod")
    api.update({**pending, "metadata": {**pending["metadata"], "labels": {"app": "web", "x": "y"}}})
    with view.transaction():
        scheduling.reconcile(PassContext(view, api.clock, models))
    assert len(calls) == 2


def test_a_conflict_forgets_the_last_scheduler_inputs() -> None:
    models = ModelCache()
    models.unchanged_schedule = (1, 2)
    models.clear()
    assert models.unchanged_schedule is None


def index_pods() -> list[dict[str, Any]]:
    pods = []
    for number, (ns, app, tier) in enumerate(
        itertools.product(("a", "b"), ("web", "db", None), ("front", "back", None))
    ):
        labels = {k: v for k, v in (("app", app), ("tier", tier)) if v is not None}
        meta: dict[str, Any] = {"name": f"p{number}", "namespace": ns}
        if labels:
            meta["labels"] = labels
        pods.append({"metadata": meta})
    return pods


@pytest.mark.parametrize(
    "selector",
    [
        {"app": "web"},
        {"app": "web", "tier": "back"},
        {"tier": "front"},
        {"app": "none"},
        {"app": "db", "x": "y"},
    ],
)
@pytest.mark.parametrize("namespace", ["a", "b", "c"])
def test_the_pod_index_selects_what_a_scan_of_the_namespace_selects(
    selector: dict[str, str], namespace: str
) -> None:
    pods = index_pods()
    scanned = [p for p in pods if p["metadata"]["namespace"] == namespace and _selected(selector, p)]
    assert PodIndex(pods).select(namespace, selector) == scanned


def test_specs_made_of_the_same_objects_skip_the_canonical_form_and_agree_with_it() -> None:
    cache = ModelCache()
    shared = stored_pod("a", "1", spec={"nodeName": "node-1"})
    one = cache.pod(shared)
    same_parts = {**shared, "metadata": {**shared["metadata"], "uid": "b"}}
    same_parts["spec"] = {**shared["spec"], "nodeName": "node-2"}  # the containers list is shared
    two = cache.pod(same_parts)
    assert two.spec.containers is one.spec.containers and two.spec.node_name == "node-2"
    other = stored_pod("c", "1", spec={"containers": [{"name": "other", "image": "busybox"}]})
    assert cache.pod(other).spec.containers[0].name == "other"


def test_template_hashes_are_remembered_per_template_object() -> None:
    cache = ModelCache()
    template = deployment()["spec"]["template"]
    assert cache.template_hash(template) == rollout.template_hash(template)
    changed = {**template, "metadata": {"labels": {"app": "other"}}}
    assert cache.template_hash(changed) == rollout.template_hash(changed) != cache.template_hash(template)


@pytest.mark.parametrize("match_labels", [{}, {"app": "web"}, {"app": "web", "tier": "back"}, {"app": "x"}])
def test_orphan_candidates_are_what_a_scan_of_the_namespace_finds_and_adopted_ones_leave(
    match_labels: dict[str, str],
) -> None:
    pods = index_pods()
    orphans = Orphans(pods)
    for namespace in ("a", "b", "c"):
        scanned = [
            p
            for p in pods
            if p["metadata"]["namespace"] == namespace
            and all((p["metadata"].get("labels") or {}).get(k) == v for k, v in match_labels.items())
        ]
        assert orphans.candidates(namespace, match_labels) == scanned
    for pod in orphans.candidates("a", match_labels):
        orphans.take(pod)
    assert orphans.candidates("a", match_labels) == []


def _endpoint_addresses(api: Any) -> list[str]:
    found = api.get("Endpoints", "web", "default")
    return sorted(a["ip"] for s in found.get("subsets", []) for a in s.get("addresses", []))


def test_endpoints_are_not_derived_again_from_the_inputs_of_a_run_that_changed_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = new_api()
    api.create(deployment(replicas=2))
    api.create(service(selector={"app": "web"}))
    reconcile(api)
    calls: list[int] = []
    real = endpoints._sync

    def counting(*args: Any) -> None:
        calls.append(1)
        real(*args)

    monkeypatch.setattr(endpoints, "_sync", counting)
    view, models = api.cached(), ModelCache()
    for _ in range(3):
        with view.transaction():
            endpoints.reconcile(PassContext(view, api.clock, models))
    assert len(calls) == 1  # the second and third runs saw the very same Services, Endpoints, pods
    api.update(deployment(replicas=3))
    reconcile(api)  # a pod more: the Endpoints follow
    assert len(_endpoint_addresses(api)) == 3


def test_a_reconcile_keeps_its_caches_for_the_next_and_sees_what_was_written_in_between() -> None:
    api = new_api()
    api.create(deployment(replicas=2))
    api.create(service(selector={"app": "web"}))
    reconcile(api)
    view, models = rc._caches(api.store, api.clock)
    assert len(_endpoint_addresses(api)) == 2
    api.update(deployment(replicas=4))  # written by another view of the store, between two runs
    result = reconcile(api)
    assert result.settled and rc._caches(api.store, api.clock) == (view, models)
    assert len(_endpoint_addresses(api)) == 4
    assert sorted(p["metadata"]["name"] for p in view.list("Pod")) == sorted(
        p["metadata"]["name"] for p in api.list("Pod")
    )


def test_a_pass_that_fails_forgets_the_models_that_outlive_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    api = new_api()
    api.create(deployment(replicas=1))
    reconcile(api)
    _, models = rc._caches(api.store, api.clock)
    assert models.idle_pods and models.settled_inputs

    def failing(ctx: PassContext) -> None:
        raise RuntimeError("a controller failed")

    monkeypatch.setitem(CONTROLLERS, "endpoints", failing)
    with pytest.raises(RuntimeError):
        reconcile(api)
    assert not models.idle_pods and not models.settled_inputs


@pytest.mark.parametrize("phase", ["Succeeded", "Failed"])
def test_a_terminal_phase_alone_gives_the_model_a_full_validation_gives(phase: str) -> None:
    cache = ModelCache()
    first = cache.pod(stored_pod("a", "1", spec={"nodeName": "node-1"}, metadata={"labels": {"app": "web"}}))
    body = stored_pod("a", "2", spec={"nodeName": "node-1"}, metadata={"labels": {"app": "web"}})
    body["status"] = {"phase": phase, "podIP": "10.0.0.2"}
    ended = cache.pod(body)
    assert ended is not first and first.status is not None and first.status.phase is None
    view = {**body, "metadata": {**body["metadata"], "resourceVersion": None}, "status": {"phase": phase}}
    assert ended.model_dump() == Pod.model_validate(view).model_dump()
    body["metadata"] = {**body["metadata"], "resourceVersion": "3"}
    body["status"] = {}
    assert cache.pod(body).model_dump() == Pod.model_validate({**view, "status": {}}).model_dump()


def test_a_settled_controller_is_not_run_again_on_the_same_inputs_and_asks_its_timers_again() -> None:
    api = new_api()
    view, models = api.cached(), ModelCache()
    later = api.clock.now() + timedelta(seconds=30)
    runs: list[int] = []
    inputs = ["a"]

    def run(ctx: PassContext, write: bool) -> None:
        runs.append(1)
        ctx.wake_at(later)
        if write:
            ctx.api.create(service(name=f"svc-{len(runs)}", selector={"app": "x"}))

    def one_pass(write: bool = False, fixpoint: bool = False) -> PassContext:
        ctx = PassContext(view, api.clock, models)
        with view.transaction():
            settle(ctx, "test", lambda: (inputs[0],), lambda: run(ctx, write), fixpoint=fixpoint)
        return ctx

    assert one_pass(write=True).wake == later and len(runs) == 1
    assert one_pass().wake == later and len(runs) == 2  # it wrote: run again
    assert one_pass().wake == later and len(runs) == 2  # wrote nothing on these inputs: skipped
    inputs[0] = "b"
    assert one_pass(write=True, fixpoint=True).wake == later and len(runs) == 3
    assert one_pass().wake == later and len(runs) == 3  # a fixpoint: its own writes leave it settled
    api.clock.advance_to(later)
    assert one_pass().wake is None and len(runs) == 3  # a timer in the past is not asked again


def test_a_run_that_did_what_the_revision_does_not_show_is_run_again() -> None:
    api = new_api()
    view, models = api.cached(), ModelCache()
    runs: list[int] = []

    def one_pass(acted: bool) -> None:
        ctx = PassContext(view, api.clock, models)
        with view.transaction():
            settle(ctx, "test", lambda: ("same",), lambda: runs.append(1) or acted)

    one_pass(acted=True)  # a note or an event: not settled
    one_pass(acted=False)
    one_pass(acted=False)
    assert len(runs) == 2


def test_the_kubelet_does_not_sync_again_on_the_same_pods_nodes_and_moment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = new_api()
    api.create(deployment(replicas=2))
    reconcile(api)
    calls: list[int] = []
    real = node_agent._sync_all

    def counting(ctx: PassContext, stopped: dict[str, str]) -> bool:
        calls.append(1)
        return real(ctx, stopped)

    monkeypatch.setattr(node_agent, "_sync_all", counting)
    view, models = api.cached(), ModelCache()

    def run() -> None:
        with view.transaction():
            node_agent.reconcile(PassContext(view, api.clock, models))

    run()
    run()
    assert len(calls) == 1  # the same pods, nodes and moment: nothing to do again
    api.clock.advance_to(api.clock.now() + timedelta(seconds=1))
    run()
    assert len(calls) == 2  # the clock moved
    (first, _) = api.list("Pod")
    api.update_status({**first, "status": {"phase": "Pending"}})  # someone else wrote a pod
    run()
    assert (
        len(calls) == 3
        and api.get("Pod", first["metadata"]["name"], "default")["status"]["phase"] == "Running"
    )


def test_a_replica_set_counts_availability_again_once_its_pods_are_ready_long_enough() -> None:
    api = new_api()
    api.create(deployment(replicas=2, minReadySeconds=20))
    result = reconcile(api)
    assert result.settled
    (rs,) = api.list("ReplicaSet")
    assert rs["status"]["availableReplicas"] == 2 and rs["status"]["readyReplicas"] == 2
    assert api.get("Deployment", "web")["status"]["availableReplicas"] == 2


def _crash_looping(api: Any, imagePullPolicy: str = "Always") -> None:
    body = bare_pod("crasher", nodeName="node-1")
    body["metadata"]["annotations"] = {"sim.manikit.io/crash-every": "20s"}
    body["spec"]["containers"][0]["imagePullPolicy"] = imagePullPolicy  # its own pull: in its memory
    api.create(body)


def _kubelet_view(api: Any) -> tuple[Any, ...]:
    found = api.get("Pod", "crasher")
    note = api.store.get_note(container_state.NOTE_TOPIC, found["metadata"]["uid"])
    events = [(e.reason, e.message, e.count) for e in api.events(obj=found)]
    return found["status"], note, events


def test_the_kubelets_kept_memory_gives_what_its_store_note_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash loop (its back-off is the kubelet's memory) stepped minute by minute: the same pod,
    note and events as a kubelet that reads its note on every sync."""
    kept, reread = new_api(), new_api()
    for api in (kept, reread):
        _crash_looping(api)
    views: dict[str, list[Any]] = {"kept": [], "reread": []}
    for name, api in (("kept", kept), ("reread", reread)):
        if name == "reread":
            monkeypatch.setattr(
                node_agent,
                "_memory",
                lambda ctx, pod: container_state.Memory.of(
                    ctx.api.store.get_note(container_state.NOTE_TOPIC, pod["metadata"]["uid"])
                ),
            )
        for _ in range(12):
            reconcile(api, until=api.clock.now() + timedelta(seconds=60))
            views[name].append(_kubelet_view(api))
    assert views["kept"] == views["reread"]
    status, note, _ = views["kept"][-1]
    assert status["containerStatuses"][0]["restartCount"] >= 4 and note["backoff"]


def test_the_kubelet_reads_its_note_only_for_a_pod_written_by_someone_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = new_api()
    _crash_looping(api)
    reconcile(api, until=api.clock.now() + timedelta(seconds=30))
    _, models = rc._caches(api.store, api.clock)
    uid = api.get("Pod", "crasher")["metadata"]["uid"]
    assert models.kubelet_memory[uid][0] == api.get("Pod", "crasher")["metadata"]["resourceVersion"]
    reads: list[str] = []
    real = type(api.store).get_note

    def counting(store: Any, topic: str, key: str) -> Any:
        if topic == container_state.NOTE_TOPIC:
            reads.append(key)
        return real(store, topic, key)

    monkeypatch.setattr(type(api.store), "get_note", counting)
    reconcile(api, until=api.clock.now() + timedelta(seconds=60))
    assert reads == []  # the kubelet's own writes only: its memory is what it wrote
    found = api.get("Pod", "crasher")
    api.update({**found, "metadata": {**found["metadata"], "labels": {"touched": "yes"}}})
    reconcile(api, until=api.clock.now() + timedelta(seconds=60))
    assert reads == [uid]  # written by someone else: read again, once


def test_the_garbage_collector_is_not_run_again_until_something_is_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = new_api()
    api.create(deployment(replicas=2))
    reconcile(api)
    view, models = rc._caches(api.store, api.clock)
    runs: list[int] = []
    real = garbage_collector._collect

    def counting(ctx: PassContext) -> None:
        runs.append(1)
        real(ctx)

    monkeypatch.setattr(garbage_collector, "_collect", counting)

    def one_pass() -> None:
        with view.transaction():
            garbage_collector.reconcile(PassContext(view, api.clock, models))

    one_pass()
    one_pass()
    assert runs == []  # nothing written since the reconcile's last run, which collected nothing
    api.delete("Deployment", "web", propagation="Background")  # a write: collect again
    one_pass()
    assert len(runs) == 1 and api.list("ReplicaSet") == []  # its ReplicaSet went
    one_pass()
    assert len(runs) == 2  # it wrote: run again; the pods are being deleted
    pods = api.list("Pod")
    assert len(pods) == 2 and all("deletionTimestamp" in p["metadata"] for p in pods)
    one_pass()
    one_pass()
    assert len(runs) == 3  # once more after its own writes, then settled


def test_written_at_moves_with_every_write_to_the_kind_and_only_then() -> None:
    api = new_api()
    view = api.cached()
    start = view.written_at("Pod")
    api.create(service(selector={"app": "web"}))
    assert view.written_at("Pod") == start  # another kind
    api.create(bare_pod("a"))
    created = view.written_at("Pod")
    assert created > start and [p["metadata"]["name"] for p in view.list("Pod")] == ["a"]
    view.update_status({"kind": "Pod", "metadata": {"name": "a", "namespace": "default"}, "status": {}})
    assert view.written_at("Pod") > created
    assert view.list("Pod")[0]["status"] == {}
    listed = view.list("Pod")
    listed.clear()  # a list of one's own: the cache's stays
    assert len(view.list("Pod")) == 1
    before = view.written_at("Pod")
    api.delete("Pod", "a", grace_period=0)
    assert view.written_at("Pod") > before and view.list("Pod") == []
    assert api.written_at("Pod") == api.revision()  # without the cache: the store's revision


def _status_write(view: Any, name: str, status: dict[str, Any], manager: str | None = None) -> None:
    patch = {"kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "status": status}
    view.update_status(patch, manager=manager)


@pytest.mark.parametrize("other_writer", [False, True], ids=["own-write", "history-replay"])
def test_changed_at_is_moved_by_every_write_but_one_of_the_status_alone(other_writer: bool) -> None:
    api = new_api()
    view = api.cached()
    writer = api if other_writer else view
    writer.create(bare_pod("a"))
    moments = [view.changed_at("Pod")]
    _status_write(writer, "a", {"phase": "Running"})
    _status_write(writer, "a", {"phase": "Running", "podIP": "10.0.0.9"}, manager="kubelet")
    assert view.changed_at("Pod") == moments[-1] < view.written_at("Pod")
    current = view.get("Pod", "a", "default")
    labeled = {**current, "metadata": {**current["metadata"], "labels": {"x": "y"}}}
    writer.update(labeled)
    moments.append(view.changed_at("Pod"))
    writer.bind("default", "a", "node-1")
    moments.append(view.changed_at("Pod"))
    writer.delete("Pod", "a", grace_period=0)
    moments.append(view.changed_at("Pod"))
    assert moments == sorted(set(moments)) and moments[-1] == view.written_at("Pod")


@pytest.mark.parametrize("other_writer", [False, True], ids=["own-write", "history-replay"])
def test_a_deployment_status_write_that_sets_annotations_moves_changed_at(other_writer: bool) -> None:
    """A Deployment's status write may carry its annotations (the revision, as upstream writes it):
    that is more than a status, so ``changed_at`` moves; one without them does not move it."""
    api = new_api()
    view = api.cached()
    writer = api if other_writer else view
    writer.create(deployment(replicas=0))
    name = view.list("Deployment")[0]["metadata"]["name"]
    ident = {"name": name, "namespace": "default"}
    before = view.changed_at("Deployment")
    writer.update_status({"kind": "Deployment", "metadata": ident, "status": {"replicas": 0}})
    assert view.changed_at("Deployment") == before < view.written_at("Deployment")
    annotated = {**ident, "annotations": {"deployment.kubernetes.io/revision": "1"}}
    writer.update_status({"kind": "Deployment", "metadata": annotated, "status": {"replicas": 0}})
    assert view.changed_at("Deployment") == view.written_at("Deployment") > before


def test_the_garbage_collector_does_not_look_again_after_status_writes_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    api = new_api()
    api.create(deployment(replicas=2))
    reconcile(api)
    calls: list[int] = []
    real = garbage_collector._collect

    def counting(ctx: PassContext) -> None:
        calls.append(1)
        real(ctx)

    monkeypatch.setattr(garbage_collector, "_collect", counting)
    view, models = api.cached(), ModelCache()

    def run() -> None:
        with view.transaction():
            garbage_collector.reconcile(PassContext(view, api.clock, models))

    run()
    name = api.list("Pod")[0]["metadata"]["name"]
    _status_write(api, name, {"phase": "Running", "message": "only the status"})
    run()
    assert len(calls) == 1
    api.delete("ReplicaSet", api.list("ReplicaSet")[0]["metadata"]["name"], "default")
    run()  # the owner is gone: the collector looks again and deletes its pods
    assert len(calls) == 2 and all("deletionTimestamp" in p["metadata"] for p in api.list("Pod"))


def test_the_caches_of_a_store_go_with_the_store() -> None:
    """The kept view must not hold its store (the key) strongly, or no entry ever leaves the registry
    (runtime/views.py)."""
    api = new_api()
    api.create(deployment(replicas=1))
    reconcile(api)
    view, models = rc._caches(api.store, api.clock)
    gone = weakref.ref(models)
    store = weakref.ref(api.store)
    del view, models, api
    gc.collect()
    assert store() is None and gone() is None


def test_the_controllers_view_is_found_by_its_store_once_a_reconcile_ran() -> None:
    """``runtime.views.controllers_view``: what reports read instead of the store (cluster/deployments)."""
    from manikit.runtime import views

    api = new_api()
    assert views.controllers_view(api.store) is None  # no reconcile ran for this store
    api.create(deployment(replicas=1))
    reconcile(api)
    view, _ = rc._caches(api.store, api.clock)
    assert views.controllers_view(api.store) is view
    assert views.controllers_view(new_api().store) is None
