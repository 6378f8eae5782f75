"""Objects a plan skips because they are still what manikit's apply of the same manifest made
(``manikit.plan.unchanged``): taken only when that is certain, and the plan is always the one the full
comparison makes (``make_plan(fast=False)``)."""

from pathlib import Path
from typing import Any

import pytest

from manikit.apply.executor import execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.cluster.recorded import APPLIED_TOPIC, applied_digests, note_applied, peek_applied_digests
from manikit.plan import unchanged
from manikit.plan.actions import Action, ObjectKey, Plan
from manikit.plan.desired import DesiredSet, load_desired
from manikit.plan.live import LiveObjects
from manikit.plan.planner import make_plan
from manikit.plan.unchanged import manifest_digest, unchanged_keys
from tests.conftest import write

WEB = """\
apiVersion: v1
kind: Namespace
metadata: {{name: shop}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {{app: web}}
spec:
{replicas}  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers:
        - name: web
          image: nginx:{tag}
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80}}]
"""
NAMESPACE = ObjectKey("Namespace", "", "shop")
WEB_KEY = ObjectKey("Deployment", "shop", "web")
SERVICE = ObjectKey("Service", "shop", "web")
ALL = {NAMESPACE, WEB_KEY, SERVICE}


@pytest.fixture
def cluster() -> LocalCluster:
    return open_cluster(default_cluster=False)


def desired(tmp_path: Path, *, tag: str = "1.27", replicas: int | None = None) -> DesiredSet:
    text = WEB.format(tag=tag, replicas=f"  replicas: {replicas}\n" if replicas is not None else "")
    loaded = load_desired([str(write(tmp_path, "web.yaml", text))])
    assert loaded.errors == []
    return loaded


def plans(cluster: LocalCluster, wanted: DesiredSet, **options: Any) -> Plan:
    """The plan, after checking that the full comparison makes exactly the same one."""
    fast = make_plan(cluster, wanted, applyset="default", **options)
    assert fast == make_plan(cluster, wanted, applyset="default", fast=False, **options)
    return fast


def skipped(cluster: LocalCluster, wanted: DesiredSet, applyset: str = "default") -> set[ObjectKey]:
    return unchanged_keys(cluster, wanted.objects, applyset)


def applied(cluster: LocalCluster, wanted: DesiredSet) -> None:
    execute(cluster, make_plan(cluster, wanted, applyset="default"))


def test_objects_as_the_last_apply_left_them_are_skipped_and_the_plan_is_the_same(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    wanted = desired(tmp_path)
    assert skipped(cluster, wanted) == set()  # nothing applied yet
    applied(cluster, wanted)
    assert skipped(cluster, wanted) == ALL
    again = plans(cluster, wanted)
    assert again.empty and again.unchanged == 3 and again.changes == ()


def test_a_changed_manifest_is_compared_in_full(cluster: LocalCluster, tmp_path: Path) -> None:
    applied(cluster, desired(tmp_path))
    changed = desired(tmp_path, tag="1.28")
    assert skipped(cluster, changed) == {NAMESPACE, SERVICE}
    (change,) = plans(cluster, changed).changes
    assert change.key == WEB_KEY and change.action is Action.UPDATE
    applied(cluster, changed)
    assert skipped(cluster, changed) == ALL  # the new apply is recorded


def test_another_managers_change_forces_the_full_comparison(cluster: LocalCluster, tmp_path: Path) -> None:
    wanted = desired(tmp_path, replicas=2)
    applied(cluster, wanted)
    cluster.patch("Service", "web", "shop", {"metadata": {"labels": {"team": "a"}}}, manager="kubectl-edit")
    assert skipped(cluster, wanted) == {NAMESPACE, WEB_KEY}
    assert plans(cluster, wanted).empty  # a label manikit never set is left alone, as before


def test_a_scale_forces_the_full_comparison_and_shows_the_conflict(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    wanted = desired(tmp_path, replicas=2)
    applied(cluster, wanted)
    cluster.patch("Deployment", "web", "shop", {"spec": {"replicas": 5}}, manager="manikit-scale")
    assert WEB_KEY not in skipped(cluster, wanted)
    (refusal,) = plans(cluster, wanted).refusals
    assert refusal.key == WEB_KEY and '"manikit-scale"' in refusal.message


def test_a_controllers_status_write_leaves_the_object_settled(cluster: LocalCluster, tmp_path: Path) -> None:
    wanted = desired(tmp_path)
    applied(cluster, wanted)
    before = cluster.get("Deployment", "web", "shop")["metadata"]["resourceVersion"]
    cluster.run()  # the deployment controller writes the Deployment's status and revision annotation
    after = cluster.get("Deployment", "web", "shop")
    assert after["metadata"]["resourceVersion"] != before
    assert "deployment.kubernetes.io/revision" in after["metadata"]["annotations"]
    assert WEB_KEY in skipped(cluster, wanted)  # nothing a plan compares moved (manikit.cluster.settled)
    assert plans(cluster, wanted).empty


def test_a_write_after_the_controllers_forces_the_full_comparison(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    wanted = desired(tmp_path)
    applied(cluster, wanted)
    cluster.run()
    labels = {"metadata": {"labels": {"team": "a"}}}
    cluster.patch("Deployment", "web", "shop", labels, manager="kubectl-edit")
    assert WEB_KEY not in skipped(cluster, wanted)
    assert plans(cluster, wanted).empty  # a label manikit never set is left alone


def test_another_manikit_version_forces_the_full_comparison(
    cluster: LocalCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wanted = desired(tmp_path)
    applied(cluster, wanted)
    monkeypatch.setattr(unchanged, "GENERATION", unchanged.GENERATION + 1)
    unchanged.version_salt.cache_clear()
    try:
        assert skipped(cluster, wanted) == set()
        assert plans(cluster, wanted).empty
    finally:
        monkeypatch.undo()
        unchanged.version_salt.cache_clear()
    assert skipped(cluster, wanted) == ALL


def test_another_apply_set_is_not_the_same_manifest(cluster: LocalCluster, tmp_path: Path) -> None:
    wanted = desired(tmp_path)
    applied(cluster, wanted)
    assert skipped(cluster, wanted, applyset="other") == set()


def test_a_deleted_and_recreated_object_is_compared_in_full(cluster: LocalCluster, tmp_path: Path) -> None:
    wanted = desired(tmp_path)
    applied(cluster, wanted)
    service = cluster.get("Service", "web", "shop")
    cluster.delete("Service", "web", "shop")
    fresh = {k: v for k, v in service.items() if k != "status"}
    fresh["metadata"] = {k: v for k, v in service["metadata"].items() if k in ("name", "namespace", "labels")}
    fresh["spec"] = {k: v for k, v in service["spec"].items() if k not in ("clusterIP", "clusterIPs")}
    cluster.create(fresh, manager="kubectl-create")
    assert SERVICE not in skipped(cluster, wanted)
    change = {c.key: c for c in plans(cluster, wanted).changes}[SERVICE]
    assert change.adopts  # made by another tool: apply makes manikit its applier


def test_replace_and_prune_still_see_skipped_objects(cluster: LocalCluster, tmp_path: Path) -> None:
    wanted = desired(tmp_path)
    applied(cluster, wanted)
    replaced = plans(cluster, wanted, replace=["Service/shop/web"])
    assert [(c.key, c.action) for c in replaced.changes] == [(SERVICE, Action.REPLACE)]
    only_web = DesiredSet([d for d in wanted.objects if d.key != SERVICE])
    pruned = plans(cluster, only_web, prune=True)
    assert [(c.key, c.action) for c in pruned.changes] == [(SERVICE, Action.DELETE)]
    execute(cluster, pruned)
    assert "Service/shop/web" not in cluster.store.notes_of(APPLIED_TOPIC)  # forgotten with the object


def test_the_record_is_part_of_the_applys_transaction(cluster: LocalCluster, tmp_path: Path) -> None:
    wanted = desired(tmp_path)
    with pytest.raises(RuntimeError), cluster.batch():
        execute(cluster, make_plan(cluster, wanted, applyset="default"))
        raise RuntimeError("the batch fails")
    assert cluster.store.notes_of(APPLIED_TOPIC) == {}
    assert applied_digests(cluster) == {}


def test_a_record_with_a_stale_revision_or_a_bad_shape_counts_for_nothing(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    wanted = desired(tmp_path)
    applied(cluster, wanted)
    (service,) = [d for d in wanted.objects if d.key == SERVICE]
    assert service.manifest is not None
    note_applied(cluster, ("Service", "shop", "web"), "0" * 40, "1")
    cluster.store.put_note(APPLIED_TOPIC, "Deployment/shop/web", "not a record")
    cluster.store.put_note(APPLIED_TOPIC, "no-slashes", ["x", 1])
    assert skipped(cluster, wanted) == {NAMESPACE}
    assert plans(cluster, wanted).empty


def test_the_digest_ignores_key_order_and_sees_every_value() -> None:
    one = {"kind": "Service", "metadata": {"name": "a", "labels": {"x": "1", "y": "2"}}}
    other = {"metadata": {"labels": {"y": "2", "x": "1"}, "name": "a"}, "kind": "Service"}
    assert manifest_digest(one) == manifest_digest(other)
    assert manifest_digest(one) != manifest_digest({**one, "metadata": {"name": "a", "labels": {"x": "1"}}})
    assert manifest_digest({"n": 1}) != manifest_digest({"n": "1"})
    assert len(manifest_digest({"big": 10**30})) == 40  # beyond what orjson writes


class CountingCluster:
    """A cluster's ``find`` that counts reads (LiveObjects needs nothing else)."""

    def __init__(self, objects: dict[ObjectKey, dict[str, Any]]) -> None:
        self.objects, self.reads = objects, 0

    def find(self, kind: str, name: str, namespace: str | None = None) -> dict[str, Any] | None:
        self.reads += 1
        return self.objects.get(ObjectKey(kind, namespace or "", name))


def test_live_objects_are_read_when_asked_for_and_dropped_once_released() -> None:
    body = {"kind": "Service", "metadata": {"name": "web", "namespace": "shop"}}
    fake = CountingCluster({SERVICE: body})
    live = LiveObjects(fake)  # type: ignore[arg-type]
    assert fake.reads == 0
    assert live[SERVICE] is body and SERVICE in live and fake.reads == 1
    assert live.get(WEB_KEY) is None and WEB_KEY not in live and fake.reads == 2  # absence is kept
    live.release(SERVICE)
    assert SERVICE in live and fake.reads == 2  # still known to exist
    assert live[SERVICE] is body and fake.reads == 3  # read again when asked for again
    assert list(live) == [SERVICE] and len(live) == 1
    known = LiveObjects(fake, {NAMESPACE: {"kind": "Namespace"}})  # type: ignore[arg-type]
    assert NAMESPACE in known and fake.reads == 3


def test_a_peek_at_the_state_file_reads_the_record_and_writes_nothing(tmp_path: Path) -> None:
    """What ``manikit plan`` reads ahead of loading a big input, before it opens the state."""
    state = tmp_path / "state.db"
    with open_cluster(state, default_cluster=False) as cluster:
        wanted = desired(tmp_path)
        applied(cluster, wanted)
        recorded = applied_digests(cluster)
    assert recorded is not None and set(recorded) == {(k.kind, k.namespace, k.name) for k in ALL}
    files = sorted(tmp_path.glob("state.db*"))
    before = [(f.name, f.read_bytes()) for f in files]
    assert peek_applied_digests(state) == recorded
    assert [(f.name, f.read_bytes()) for f in sorted(tmp_path.glob("state.db*"))] == before
    assert peek_applied_digests(tmp_path / "missing.db") is None
    assert not (tmp_path / "missing.db").exists()
    assert peek_applied_digests(write(tmp_path, "web.yaml", "not: a state\n")) is None
