"""What every ``Cluster`` must do, whatever is behind it (as tests/runtime/store does for stores):
reads, writes with dry-run, batches, watch, the apply set, the lock, the plan key, simulation,
running, waiting, and the scheduler's verdicts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from manikit.cluster import Cluster
from manikit.cluster.deployments import replica_sets, rollout_status
from manikit.errors import ConflictError, InvalidError, LockError, NotFoundError
from manikit.plan.actions import ObjectKey
from manikit.plan.applyset import ApplySet
from manikit.plan.live import members, save_inventory
from tests.cluster.conftest import Opener
from tests.runtime.control_plane import deployment, pod, service


def test_identity_and_revision(opener: Opener) -> None:
    one, two = opener(), opener()
    assert one.identity == two.identity != ""
    before = one.revision()
    one.create(service("web"))
    assert two.revision() > before
    assert one.location


def test_create_get_find_list(cluster: Cluster) -> None:
    made = cluster.create(service("web"))
    assert made["metadata"]["namespace"] == "default" and made["metadata"]["uid"]
    assert cluster.get("Service", "web", "default")["spec"]["clusterIP"] == made["spec"]["clusterIP"]
    assert cluster.find("Service", "nope", "default") is None
    with pytest.raises(NotFoundError, match='services "nope" not found'):
        cluster.get("Service", "nope", "default")
    cluster.create(service("db", selector={"app": "db"}) | {"metadata": {"name": "db", "labels": {"t": "x"}}})
    names = [b["metadata"]["name"] for b in cluster.list("Service", "default")]
    assert names == sorted(names) and {"web", "db"} <= set(names)
    assert [b["metadata"]["name"] for b in cluster.list("Service", "default", "t=x")] == ["db"]
    assert [b["metadata"]["name"] for b in cluster.list("Service", "default", {"t": "x"})] == ["db"]


def test_update_refuses_a_stale_version(cluster: Cluster) -> None:
    made = cluster.create(service("web"))
    fresh = cluster.update({**made, "metadata": {**made["metadata"], "labels": {"v": "1"}}})
    assert fresh["metadata"]["labels"] == {"v": "1"}
    with pytest.raises(ConflictError, match="has been modified"):
        cluster.update({**made, "metadata": {**made["metadata"], "labels": {"v": "2"}}})


def test_patch_merges_and_null_removes(cluster: Cluster) -> None:
    cluster.create({**service("web"), "metadata": {"name": "web", "labels": {"a": "1", "b": "2"}}})
    patched = cluster.patch("Service", "web", "default", {"metadata": {"labels": {"a": None, "c": "3"}}})
    assert patched["metadata"]["labels"] == {"b": "2", "c": "3"}
    assert cluster.get("Service", "web", "default")["metadata"]["labels"] == {"b": "2", "c": "3"}


def test_delete(cluster: Cluster) -> None:
    cluster.create(service("web"))
    cluster.delete("Service", "web", "default")
    assert cluster.find("Service", "web", "default") is None
    with pytest.raises(NotFoundError):
        cluster.delete("Service", "web", "default")


@pytest.mark.parametrize("write", ["create", "update", "patch", "delete"])
def test_dry_run_validates_but_stores_nothing(cluster: Cluster, write: str) -> None:
    live = cluster.create(service("web"))
    revision = cluster.revision()
    labelled = {**live, "metadata": {**live["metadata"], "labels": {"v": "1"}}}
    answer: dict[str, Any] = {
        "create": lambda: cluster.create(service("db"), dry_run=True),
        "update": lambda: cluster.update(labelled, dry_run=True),
        "patch": lambda: cluster.patch(
            "Service", "web", "default", {"metadata": {"labels": {"v": "1"}}}, dry_run=True
        ),
        "delete": lambda: cluster.delete("Service", "web", "default", dry_run=True),
    }[write]()
    assert answer["kind"] == "Service"
    assert cluster.revision() == revision
    assert cluster.find("Service", "db", "default") is None
    assert cluster.get("Service", "web", "default")["metadata"] == live["metadata"]


def test_dry_run_still_refuses_what_is_invalid(cluster: Cluster) -> None:
    with pytest.raises(InvalidError):
        cluster.create({"apiVersion": "v1", "kind": "Service", "metadata": {}}, dry_run=True)


def test_a_batch_is_all_or_nothing_where_atomic(cluster: Cluster) -> None:
    assert cluster.atomic_batches
    revision = cluster.revision()
    with pytest.raises(NotFoundError), cluster.batch():
        cluster.create(service("web"))
        cluster.delete("Service", "missing", "default")
    assert cluster.find("Service", "web", "default") is None
    assert cluster.revision() == revision


def test_watch_sees_each_write_in_order(cluster: Cluster) -> None:
    since = cluster.revision()
    made = cluster.create(service("web"))
    cluster.update({**made, "metadata": {**made["metadata"], "labels": {"v": "1"}}})
    cluster.delete("Service", "web", "default")
    seen = [(w.op, w.kind, w.name) for w in cluster.watch(since, ["Service"])]
    assert seen == [
        ("ADDED", "Service", "web"),
        ("MODIFIED", "Service", "web"),
        ("DELETED", "Service", "web"),
    ]
    revisions = [w.revision for w in cluster.watch(since)]
    assert revisions == sorted(revisions) and revisions[0] > since


def test_apply_sets_are_kept_apart(opener: Opener) -> None:
    """An apply set lives in the cluster (its parent and its members' labels), seen by every handle."""
    one, two = opener(), opener()
    assert members(one, "web") == (set(), {})
    web = ApplySet.named("web")
    svc = service("web")
    svc["metadata"]["labels"] = web.member_labels
    made = one.create(svc)
    save_inventory(one, "web", {ObjectKey.of(made)})
    keys, found = members(two, "web")
    assert keys == {ObjectKey.of(made)} and found[ObjectKey.of(made)]["metadata"]["name"] == "web"
    assert members(two, "db") == (set(), {})
    parent = two.get("ConfigMap", "web", "kube-system")
    assert parent["metadata"]["labels"] == {"applyset.kubernetes.io/id": web.id}


def test_the_apply_lock_is_exclusive(opener: Opener) -> None:
    one, two = opener(), opener()
    with one.apply_lock("manikit apply a.yaml"):
        with pytest.raises(LockError, match=r"manikit apply a\.yaml"), two.apply_lock("manikit apply", 0.2):
            pass
    with two.apply_lock("manikit apply b.yaml"):
        pass


def test_the_plan_key_is_made_once(opener: Opener) -> None:
    one = opener()
    assert one.signing_key() == ""
    key = one.signing_key(create=True)
    assert len(key) >= 32
    assert opener().signing_key() == key == one.signing_key(create=True)


def test_a_simulation_never_reaches_the_cluster(cluster: Cluster) -> None:
    simulation = cluster.simulation()
    assert (simulation.identity, simulation.revision()) == (cluster.identity, cluster.revision())
    simulation.create(deployment("web", replicas=2))
    simulation.run()
    assert len(simulation.list("Pod", "default")) == 2
    assert cluster.find("Deployment", "web", "default") is None
    assert cluster.list("Pod", "default") == []


def test_run_rolls_a_deployment_out(cluster: Cluster) -> None:
    cluster.create(deployment("web", replicas=2))
    start = cluster.now()
    assert cluster.run().settled
    assert cluster.now() >= start
    dep = cluster.get("Deployment", "web", "default")
    assert rollout_status(dep) == ('deployment "web" successfully rolled out', True)
    sets = replica_sets(cluster, dep)
    assert len(sets.new) == 1 and sets.old == [] and sets.owned == sets.new
    pods = cluster.list("Pod", "default")
    assert len(pods) == 2 and all(p["spec"].get("nodeName") for p in pods)


def test_run_for_a_while_stops_there(cluster: Cluster) -> None:
    start = cluster.now()
    cluster.run(timedelta(minutes=5))
    assert cluster.now() == start + timedelta(minutes=5)


def test_wait_until_rolled_out_or_the_time_is_up(cluster: Cluster) -> None:
    cluster.create(deployment("web", replicas=1))

    def web_done() -> bool:
        return rollout_status(cluster.get("Deployment", "web", "default")).done

    assert cluster.wait(web_done, timedelta(minutes=5), timedelta(seconds=10))
    cluster.create(deployment("huge", replicas=1, cpu="64"))  # no node has 64 CPUs
    start = cluster.now()

    def huge_done() -> bool:
        return rollout_status(cluster.get("Deployment", "huge", "default")).done

    assert not cluster.wait(huge_done, timedelta(seconds=30), timedelta(seconds=10))
    assert cluster.now() == start + timedelta(seconds=30)


def test_the_schedulers_verdicts_for_a_pending_pod(cluster: Cluster) -> None:
    cluster.create(
        pod(
            "big",
            containers=[{"name": "main", "image": "busybox:1.36", "resources": {"requests": {"cpu": "64"}}}],
        )
    )
    cluster.create(pod("small"))
    cluster.run()
    big = cluster.get("Pod", "big", "default")
    verdicts = cluster.scheduling_verdicts(big)
    assert verdicts is not None and "0/3 nodes are available" in verdicts.message
    assert sorted(v.node for v in verdicts.nodes) == ["node-1", "node-2", "node-3"]
    assert all(not v.feasible and "Insufficient cpu" in v.reasons for v in verdicts.nodes)
    assert cluster.scheduling_verdicts(cluster.get("Pod", "small", "default")) is None
    assert any(e.reason == "FailedScheduling" for e in cluster.events("default", big))
