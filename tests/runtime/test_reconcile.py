"""Controllers and the scheduler reconciling the cluster, pass by pass, in simulated time."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from manikit.runtime.api import Api
from manikit.runtime.clock import SimulatedClock, parse_time
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.controllers import rollout
from manikit.runtime.controllers.ranking import deletion_order, ranks
from manikit.runtime.reconcile import reconcile
from manikit.runtime.store import open_store
from tests.runtime.control_plane import deployment, namespace, new_api, pod, service, with_image


@pytest.fixture
def api() -> Api:
    return new_api()


def names(api: Api, kind: str, **kw: Any) -> list[str]:
    return [b["metadata"]["name"] for b in api.list(kind, **kw)]


def owned(api: Api, kind: str, owner: dict[str, Any]) -> list[dict[str, Any]]:
    uid = owner["metadata"]["uid"]
    return [
        b for b in api.list(kind) if any(r["uid"] == uid for r in b["metadata"].get("ownerReferences", []))
    ]


def test_deployment_runs_to_ready_pods(api: Api) -> None:
    api.create(deployment(replicas=3))
    result = reconcile(api)
    assert result.settled
    (rs,) = api.list("ReplicaSet")
    template_hash = rollout.template_hash(api.get("Deployment", "web")["spec"]["template"])
    assert rs["metadata"]["name"] == f"web-{template_hash}"
    assert rs["metadata"]["labels"]["pod-template-hash"] == template_hash
    assert rs["metadata"]["annotations"][rollout.REVISION] == "1"
    pods = api.list("Pod")
    assert len(pods) == 3
    assert {p["status"]["phase"] for p in pods} == {"Running"}
    assert sorted(p["spec"]["nodeName"] for p in pods) == ["node-1", "node-2", "node-3"]  # spread
    assert all(p["status"]["podIP"].startswith("10.244.") for p in pods)
    status = api.get("Deployment", "web")["status"]
    assert (status["readyReplicas"], status["availableReplicas"], status["observedGeneration"]) == (3, 3, 1)
    reasons = {c["type"]: c["reason"] for c in status["conditions"]}
    assert reasons == {"Available": "MinimumReplicasAvailable", "Progressing": "NewReplicaSetAvailable"}


def test_a_deployment_of_zero_replicas_is_complete_in_its_first_sync(api: Api) -> None:
    """As upstream's first sync: the ReplicaSet is created, the Deployment's status goes straight to
    NewReplicaSetAvailable (syncRolloutStatus replaces NewReplicaSetCreated when already complete),
    the ReplicaSet reports its observedGeneration; nothing is scaled, so no event."""
    api.create(deployment(replicas=0))
    since = api.revision()
    result = reconcile(api)
    assert (result.settled, result.passes) == (True, 2)
    writes = [(e.kind, e.op) for e in api.watch(since)]
    assert sorted(writes) == [
        ("Deployment", "MODIFIED"),  # the status with the revision annotation, in one write
        ("ReplicaSet", "ADDED"),
        ("ReplicaSet", "MODIFIED"),  # its status
    ]
    dep = api.get("Deployment", "web")
    assert (dep["metadata"]["annotations"], dep["metadata"]["generation"]) == ({rollout.REVISION: "1"}, 1)
    status = dep["status"]
    reasons = {c["type"]: c["reason"] for c in status["conditions"]}
    assert reasons == {"Available": "MinimumReplicasAvailable", "Progressing": "NewReplicaSetAvailable"}
    assert status == {"observedGeneration": 1, "conditions": status["conditions"]}
    (rs,) = api.list("ReplicaSet")
    assert (rs["status"]["observedGeneration"], rs["status"]["replicas"], rs["spec"]["replicas"]) == (1, 0, 0)
    assert api.events() == []


def test_a_revision_annotation_taken_away_comes_back_in_one_status_write(api: Api) -> None:
    """The controller restores its annotation with its status write even when the status is as it
    was (one Deployment write), and the status subresource's entry owns it again."""
    api.create(deployment(replicas=0))
    reconcile(api)
    dep = api.get("Deployment", "web")
    meta = {k: v for k, v in dep["metadata"].items() if k != "annotations"}
    api.update({**dep, "metadata": meta}, manager="someone")
    since = api.revision()
    assert reconcile(api).settled
    assert [(e.kind, e.op) for e in api.watch(since)] == [("Deployment", "MODIFIED")]
    after = api.get("Deployment", "web")
    assert after["metadata"]["annotations"] == {rollout.REVISION: "1"}
    assert (after["status"], after["metadata"]["generation"]) == (
        dep["status"],
        dep["metadata"]["generation"],
    )
    entry = next(m for m in after["metadata"]["managedFields"] if m.get("subresource") == "status")
    assert entry["fieldsV1"]["f:metadata"] == {"f:annotations": {f"f:{rollout.REVISION}": {}}}


def test_reconcile_is_idempotent_and_deterministic() -> None:
    placements = []
    for _ in range(2):
        api = new_api()
        api.create(deployment(replicas=7))
        reconcile(api)
        placements.append([(p["metadata"]["name"], p["spec"]["nodeName"]) for p in api.list("Pod")])
        assert reconcile(api).writes == 0
    assert placements[0] == placements[1]


def _invariants(api: Api, replicas: int, surge: int, unavailable: int) -> None:
    pods = [p for p in api.list("Pod") if p["status"].get("phase") != "Succeeded"]
    ready = [
        p
        for p in pods
        if any(c["type"] == "Ready" and c["status"] == "True" for c in p["status"].get("conditions", []))
    ]
    assert len(pods) <= replicas + surge
    assert len(ready) >= replicas - unavailable


@pytest.mark.parametrize(
    ("replicas", "surge", "unavailable"),
    [(4, 1, 0), (4, 0, 1), (10, "30%", "20%")],
    ids=["surge-only", "unavailable-only", "percentages"],  # both 0: refused by admission (test_admission)
)
def test_rolling_update_stays_within_surge_and_unavailable(
    replicas: int, surge: Any, unavailable: Any
) -> None:
    api = new_api()
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}
    dep = deployment(replicas=replicas, strategy=strategy)
    # a readiness delay makes the rollout take several steps of simulated time
    dep["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "httpGet": {"port": 8080},
        "initialDelaySeconds": 5,
    }
    api.create(dep)
    reconcile(api)
    max_surge, max_unavailable = rollout.fenceposts(api.get("Deployment", "web"))
    api.update(with_image(dep, "nginx:1.26"))
    for _ in range(200):
        result = reconcile(api, max_passes=1)
        _invariants(api, replicas, max_surge, max_unavailable)
        if result.settled:
            break
    else:
        pytest.fail("the rollout did not finish")
    sets = sorted(api.list("ReplicaSet"), key=rollout.revision_of)
    assert [rs["spec"]["replicas"] for rs in sets] == [0, replicas]
    assert {p["spec"]["containers"][0]["image"] for p in api.list("Pod")} == {"nginx:1.26"}
    assert api.get("Deployment", "web")["metadata"]["annotations"][rollout.REVISION] == "2"
    messages = [e.message for e in api.events(obj=api.get("Deployment", "web"))]
    assert any(m.startswith("Scaled down replica set") for m in messages)


def test_recreate_removes_old_pods_before_new_ones(api: Api) -> None:
    dep = deployment(replicas=3, strategy={"type": "Recreate"})
    api.create(dep)
    reconcile(api)
    api.update(with_image(dep, "nginx:1.26"))
    seen_mixed = False
    for _ in range(50):
        result = reconcile(api, max_passes=1)
        images = {p["spec"]["containers"][0]["image"] for p in api.list("Pod")}
        seen_mixed |= len(images) > 1
        if result.settled:
            break
    assert not seen_mixed
    assert {p["spec"]["containers"][0]["image"] for p in api.list("Pod")} == {"nginx:1.26"}
    assert len(api.list("Pod")) == 3


def test_revision_history_limit_cleans_old_replicasets(api: Api) -> None:
    dep = deployment(replicas=1, revisionHistoryLimit=1)
    api.create(dep)
    reconcile(api)
    for tag in ("1.26", "1.27", "1.28"):
        api.update(with_image(dep, f"nginx:{tag}"))
        reconcile(api)
    revisions = sorted(rollout.revision_of(rs) for rs in api.list("ReplicaSet"))
    assert revisions == [3, 4]


def test_rollback_to_an_old_template_renumbers_its_replicaset(api: Api) -> None:
    dep = deployment(replicas=2)
    api.create(dep)
    reconcile(api)
    api.update(with_image(dep, "nginx:1.26"))
    reconcile(api)
    api.update(dep)  # back to the first template
    reconcile(api)
    sets = {rs["spec"]["template"]["spec"]["containers"][0]["image"]: rs for rs in api.list("ReplicaSet")}
    assert rollout.revision_of(sets["nginx:1.25"]) == 3
    assert sets["nginx:1.25"]["spec"]["replicas"] == 2 and sets["nginx:1.26"]["spec"]["replicas"] == 0


def test_paused_deployment_scales_but_does_not_roll_out(api: Api) -> None:
    dep = deployment(replicas=2)
    api.create(dep)
    reconcile(api)
    paused = with_image(dep, "nginx:1.26")
    paused["spec"]["paused"] = True
    paused["spec"]["replicas"] = 3
    api.update(paused)
    reconcile(api)
    assert len(api.list("ReplicaSet")) == 1
    assert {p["spec"]["containers"][0]["image"] for p in api.list("Pod")} == {"nginx:1.25"}
    assert len(api.list("Pod")) == 3
    cond = {c["type"]: c for c in api.get("Deployment", "web")["status"]["conditions"]}
    assert (cond["Progressing"]["status"], cond["Progressing"]["reason"]) == ("Unknown", "DeploymentPaused")
    resumed = copy.deepcopy(paused)
    resumed["spec"]["paused"] = False
    api.update(resumed)
    reconcile(api)
    assert {p["spec"]["containers"][0]["image"] for p in api.list("Pod")} == {"nginx:1.26"}


def test_scale_down_deletes_in_kubernetes_order() -> None:
    def p(name: str, node: str | None, phase: str, ready: bool, created: str) -> dict[str, Any]:
        conditions = [
            {"type": "Ready", "status": "True" if ready else "False", "lastTransitionTime": created}
        ]
        return {
            "metadata": {"name": name, "creationTimestamp": created},
            "spec": {"nodeName": node} if node else {},
            "status": {"phase": phase, "conditions": conditions},
        }

    pods = [
        p("running-old", "n", "Running", True, "2025-01-01T00:00:00Z"),
        p("running-new", "n", "Running", True, "2025-01-01T00:05:00Z"),
        p("not-ready", "n", "Running", False, "2025-01-01T00:00:00Z"),
        p("pending-bound", "n", "Pending", False, "2025-01-01T00:00:00Z"),
        p("unscheduled", None, "Pending", False, "2025-01-01T00:00:00Z"),
    ]
    now = parse_time("2025-01-01T00:06:00Z")  # ready 6 min and 1 min ago: different log2 buckets
    order = [x["metadata"]["name"] for x in deletion_order(pods, ranks(pods, pods), now)]
    assert order == ["unscheduled", "pending-bound", "not-ready", "running-new", "running-old"]


def _ranked_pod(name: str, node: str, ready_at: str, **extra: Any) -> dict[str, Any]:
    return {
        "metadata": {
            "name": name,
            "uid": extra.get("uid", name),
            "creationTimestamp": "2025-01-01T00:00:00Z",
            "annotations": extra.get("annotations", {}),
        },
        "spec": {"nodeName": node},
        "status": {
            "phase": "Running",
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": ready_at}],
            "containerStatuses": [{"restartCount": extra.get("restarts", 0)}],
        },
    }


def test_scale_down_ranks_cost_colocation_and_log_buckets() -> None:
    now = parse_time("2025-01-01T10:00:00Z")
    # deletion cost first: the cheap pod goes even though it is the oldest and alone on its node
    cheap = _ranked_pod(
        "cheap", "a", "2025-01-01T00:00:00Z", annotations={"controller.kubernetes.io/pod-deletion-cost": "-5"}
    )
    crowded1 = _ranked_pod("crowded1", "b", "2025-01-01T09:00:00Z")
    crowded2 = _ranked_pod("crowded2", "b", "2025-01-01T09:00:00Z")
    alone = _ranked_pod("alone", "c", "2025-01-01T09:59:00Z")
    pods = [alone, crowded2, crowded1, cheap]
    order = [p["metadata"]["name"] for p in deletion_order(pods, ranks(pods, pods), now)]
    # two on node b outrank the newer pod alone on c; equal ready times fall to restarts, then
    # creation time (equal), so the listed order stays
    assert order == ["cheap", "crowded2", "crowded1", "alone"]
    # ready 61 and 62 minutes ago fall in the same log2 bucket: the lower uid goes first
    x = _ranked_pod("x", "d", "2025-01-01T08:59:00Z", uid="b")
    y = _ranked_pod("y", "e", "2025-01-01T08:58:00Z", uid="a")
    assert [p["metadata"]["name"] for p in deletion_order([x, y], ranks([x, y], [x, y]), now)] == ["y", "x"]


def test_replicaset_replaces_deleted_pods(api: Api) -> None:
    api.create(deployment(replicas=2))
    reconcile(api)
    victim = names(api, "Pod")[0]
    api.delete("Pod", victim)
    reconcile(api)
    assert len(api.list("Pod")) == 2 and victim not in names(api, "Pod")


def test_unschedulable_pod_stays_pending_and_is_retried_when_capacity_appears(api: Api) -> None:
    api.create(deployment(replicas=1, cpu="6"))
    reconcile(api)
    (pending,) = api.list("Pod")
    assert pending["status"]["phase"] == "Pending"
    cond = {c["type"]: c for c in pending["status"]["conditions"]}["PodScheduled"]
    assert (cond["status"], cond["reason"]) == ("False", "Unschedulable")
    assert cond["message"] == "0/3 nodes are available: 3 Insufficient cpu."
    (event,) = [e for e in api.events(obj=pending) if e.reason == "FailedScheduling"]
    assert event.type == "Warning" and event.message == cond["message"]
    note = api.store.get_note("scheduling", pending["metadata"]["uid"])
    assert [v["reasons"] for v in note["verdicts"]] == [["Insufficient cpu"]] * 3
    big = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "big", "labels": {"topology.kubernetes.io/zone": "zone-d"}},
        "spec": {"podCIDR": "10.244.9.0/24"},
        "status": {"capacity": {"cpu": "16", "memory": "64Gi", "pods": "110"}},
    }
    api.create(big)
    reconcile(api)
    (placed,) = api.list("Pod")
    assert placed["spec"]["nodeName"] == "big" and placed["status"]["phase"] == "Running"
    assert placed["status"]["podIP"] == "10.244.9.2"


def test_readiness_delay_is_simulated_time(api: Api) -> None:
    body = pod("slow", nodeName="node-1")
    body["spec"]["containers"][0]["readinessProbe"] = {
        "exec": {"command": ["true"]},
        "initialDelaySeconds": 30,
    }
    api.create(body)
    start = api.clock.now()
    reconcile(api, max_passes=1)
    ready = {c["type"]: c["status"] for c in api.get("Pod", "slow")["status"]["conditions"]}["Ready"]
    assert ready == "False"
    reconcile(api)
    after = api.get("Pod", "slow")["status"]
    assert {c["type"]: c["status"] for c in after["conditions"]}["Ready"] == "True"
    assert (api.clock.now() - start).total_seconds() == 5 + 30  # the image pull, then the delay


@pytest.mark.parametrize(
    ("policy", "code", "phase"),
    [
        ("Never", "0", "Succeeded"),
        ("OnFailure", "0", "Succeeded"),
        ("Never", "3", "Failed"),
        ("Always", "0", "Running"),
    ],
)
def test_exit_code_marker_completes_pods(api: Api, policy: str, code: str, phase: str) -> None:
    body = pod("job", restartPolicy=policy)
    body["metadata"]["annotations"] = {"sim.manikit.io/exit-code": code}
    api.create(body)
    reconcile(api)
    assert api.get("Pod", "job")["status"]["phase"] == phase


def test_endpoints_follow_ready_pods_with_resolved_ports(api: Api) -> None:
    dep = deployment(replicas=2)
    dep["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "tcpSocket": {"port": 8080},
        "initialDelaySeconds": 10,
    }
    api.create(dep)
    api.create(service())
    reconcile(api, max_passes=2)
    subsets = api.get("Endpoints", "web")["subsets"]
    assert len(subsets[0]["notReadyAddresses"]) == 2 and "addresses" not in subsets[0]
    assert subsets[0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
    reconcile(api)
    subsets = api.get("Endpoints", "web")["subsets"]
    assert len(subsets[0]["addresses"]) == 2 and "notReadyAddresses" not in subsets[0]
    api.delete("Service", "web")
    reconcile(api)
    assert api.find("Endpoints", "web") is None


def test_deleting_a_deployment_cascades_in_the_background(api: Api) -> None:
    api.create(deployment(replicas=2))
    reconcile(api)
    api.delete("Deployment", "web")
    reconcile(api)
    assert api.list("ReplicaSet") == [] and api.list("Pod") == []


def test_orphaned_replicaset_and_pods_survive(api: Api) -> None:
    api.create(deployment(replicas=2))
    reconcile(api)
    api.delete("Deployment", "web", propagation="Orphan")
    reconcile(api)
    (rs,) = api.list("ReplicaSet")
    assert "ownerReferences" not in rs["metadata"]
    assert len(api.list("Pod")) == 2


def test_namespace_deletion_empties_then_removes_it(api: Api) -> None:
    api.create(namespace("team"))
    dep = deployment(replicas=2)
    dep["metadata"]["namespace"] = "team"
    api.create(dep)
    reconcile(api)
    api.delete("Namespace", "team")
    result = reconcile(api)
    assert result.settled
    assert api.find("Namespace", "team") is None
    assert api.list("Pod", "team") == [] and api.list("Deployment", "team") == []


def test_a_loop_that_does_not_settle_is_reported(api: Api) -> None:
    api.create(deployment(replicas=2))
    result = reconcile(api, max_passes=1)
    assert not result.settled
    assert "did not settle after 1 passes" in result.summary()
    assert any(ref.startswith("Pod/default/web-") for ref in result.churn)


def test_default_cluster_is_created_once() -> None:
    api = Api(open_store(":memory:"), SimulatedClock())
    message = ensure_default_cluster(api)
    assert message is not None and "3 nodes" in message
    nodes = api.list("Node")
    zones = {n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in nodes}
    assert len(nodes) == 3 and len(zones) == 3
    assert {n["status"]["capacity"]["cpu"] for n in nodes} == {"4"}
    assert ensure_default_cluster(api) is None
    for node in nodes:
        api.delete("Node", node["metadata"]["name"])
    assert ensure_default_cluster(api) is None and api.list("Node") == []


def test_every_controller_write_is_a_valid_object(api: Api) -> None:
    from manikit.runtime.api.kinds import model_for

    api.create(deployment(replicas=3))
    api.create(service())
    reconcile(api)
    for entry in api.watch(0):
        if entry.op != "DELETED":
            model_for(entry.kind).model_validate(entry.body)


def test_progress_deadline_exceeded_in_simulated_time(api: Api) -> None:
    api.create(deployment(replicas=4, cpu="3", progressDeadlineSeconds=60))  # room for three
    reconcile(api)
    before = {c["type"]: c for c in api.get("Deployment", "web")["status"]["conditions"]}["Progressing"]
    assert before["status"] == "True"
    assert isinstance(api.clock, SimulatedClock)
    api.clock.advance(61)
    reconcile(api)
    stuck = {c["type"]: c for c in api.get("Deployment", "web")["status"]["conditions"]}["Progressing"]
    assert (stuck["status"], stuck["reason"]) == ("False", "ProgressDeadlineExceeded")
    assert stuck["message"].endswith("has timed out progressing.")


def test_pods_of_a_deleted_node_are_replaced_elsewhere(api: Api) -> None:
    api.create(deployment(replicas=3))
    reconcile(api)
    api.delete("Node", "node-1")
    reconcile(api)
    pods = api.list("Pod")
    assert len(pods) == 3
    assert {p["spec"]["nodeName"] for p in pods} == {"node-2", "node-3"}
    assert all(p["status"]["phase"] == "Running" for p in pods)


def test_replicaset_adopts_every_matching_orphan(api: Api) -> None:
    for index in range(3):
        body = pod(f"loose-{index}")
        body["metadata"]["labels"] = {"app": "web"}
        api.create(body)
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web"},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "main", "image": "busybox:1.36"}]},
            },
        },
    }
    api.create(rs)
    reconcile(api)
    assert names(api, "Pod") == ["loose-0", "loose-1", "loose-2"]
    assert all(p["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet" for p in api.list("Pod"))


def test_pending_pod_is_placed_when_another_one_goes(api: Api) -> None:
    api.create(deployment("first", replicas=3, cpu="3"))
    reconcile(api)
    api.create(deployment("second", replicas=1, cpu="3"))
    reconcile(api)
    (waiting,) = api.list("Pod", selector="app=second")
    assert waiting["status"]["phase"] == "Pending"
    api.delete("Deployment", "first")
    reconcile(api)
    (placed,) = api.list("Pod", selector="app=second")
    assert placed["status"]["phase"] == "Running"
    assert api.store.get_note("scheduling", placed["metadata"]["uid"])["node"] == placed["spec"]["nodeName"]


def test_min_ready_seconds_delays_availability_in_simulated_time(api: Api) -> None:
    api.create(deployment(replicas=2, minReadySeconds=10))
    start = api.clock.now()
    reconcile(api, max_passes=3)
    status = api.get("Deployment", "web")["status"]
    assert status.get("readyReplicas") == 2 and status.get("availableReplicas", 0) == 0
    assert reconcile(api).settled
    status = api.get("Deployment", "web")["status"]
    assert status["availableReplicas"] == 2
    assert (api.clock.now() - start).total_seconds() >= 10


def test_scaling_a_stuck_rollout_is_proportional(api: Api) -> None:
    strategy = {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 3, "maxUnavailable": 2}}
    dep = deployment(replicas=10, strategy=strategy)
    api.create(dep)
    reconcile(api)
    stuck = deployment(replicas=10, strategy=strategy, cpu="6")  # new pods fit nowhere
    api.update(stuck)
    reconcile(api)
    sizes = sorted((rollout.revision_of(rs), rs["spec"]["replicas"]) for rs in api.list("ReplicaSet"))
    assert sizes == [(1, 8), (2, 5)]
    api.update(deployment(replicas=15, strategy=strategy, cpu="6"))
    reconcile(api)
    sizes = sorted((rollout.revision_of(rs), rs["spec"]["replicas"]) for rs in api.list("ReplicaSet"))
    assert sizes == [(1, 11), (2, 7)]
    events = [e.message for e in api.events(obj=api.get("Deployment", "web"))]
    assert any(m.endswith("to 11 from 8") for m in events) and any(m.endswith("to 7 from 5") for m in events)


def test_a_pass_that_hits_a_conflict_is_run_again(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from manikit.errors import ConflictError
    from manikit.runtime import controllers

    calls = {"n": 0}
    original = controllers.CONTROLLERS["endpoints"]

    def flaky(ctx: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConflictError("stale read")
        original(ctx)

    monkeypatch.setitem(controllers.CONTROLLERS, "endpoints", flaky)
    api.create(deployment(replicas=1))
    assert reconcile(api).settled
    assert api.list("Pod")[0]["status"]["phase"] == "Running"
    assert calls["n"] > 1
