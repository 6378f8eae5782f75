from pathlib import Path
from typing import Any

import pytest

from manikit.apply.executor import check_fresh, execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.errors import PlanError
from manikit.plan import planner
from manikit.plan.actions import Action, Plan
from manikit.plan.applyset import PART_OF_LABEL, ApplySet
from manikit.plan.desired import load_desired
from manikit.plan.live import inventory
from manikit.source.reader import expand_paths
from tests.conftest import EXAMPLES, write


@pytest.fixture
def cluster() -> LocalCluster:
    return open_cluster(default_cluster=False)


def make_plan(
    cluster: LocalCluster,
    paths: list[str],
    prune: bool = True,
    applyset: str = "default",
    replace: bool = False,
) -> Plan:
    desired = load_desired(expand_paths(paths))
    assert desired.errors == []
    return planner.make_plan(
        cluster,
        desired,
        applyset=applyset,
        prune=prune,
        allow_empty=True,
        replace=[str(d.key) for d in desired.objects] if replace else (),
    )


def test_apply_then_plan_is_empty(cluster: LocalCluster) -> None:
    first = make_plan(cluster, [str(EXAMPLES / "app")])
    assert [c.action for c in first.changes] == [Action.CREATE] * 4
    result = execute(cluster, first)
    assert len(result.created) == 4
    assert make_plan(cluster, [str(EXAMPLES / "app")]).empty
    svc = cluster.get("Service", "web", "shop")
    assert svc["metadata"]["labels"][PART_OF_LABEL] == ApplySet("default").id


def test_drift_shows_as_update_back(cluster: LocalCluster) -> None:
    execute(cluster, make_plan(cluster, [str(EXAMPLES / "app")]))
    live = cluster.get("Deployment", "web", "shop")
    live["spec"]["replicas"] = 7
    cluster.update(live)
    again = make_plan(cluster, [str(EXAMPLES / "app")])
    (change,) = again.changes
    assert change.action is Action.UPDATE
    assert [(c.path, c.before, c.after) for c in change.changes] == [("spec.replicas", 7, 3)]


def test_prune_deletes_only_this_apply_sets_objects(cluster: LocalCluster, tmp_path: Path) -> None:
    ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n"
    svc = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: %s, namespace: team}\nspec: {ports: [{port: 80}]}\n"
    )
    write(tmp_path, "a/ns.yaml", ns)
    write(tmp_path, "a/one.yaml", svc % "one")
    write(tmp_path, "a/two.yaml", svc % "two")
    execute(cluster, make_plan(cluster, [str(tmp_path / "a")]))
    cluster.create(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "other", "namespace": "team"},
            "spec": {"ports": [{"port": 80}]},
        }
    )
    (tmp_path / "a" / "two.yaml").unlink()
    pruned = make_plan(cluster, [str(tmp_path / "a")])
    assert [(c.key.name, c.action) for c in pruned.changes] == [("two", Action.DELETE)]
    assert make_plan(cluster, [str(tmp_path / "a")], prune=False).empty
    execute(cluster, pruned)
    assert cluster.find("Service", "two", "team") is None
    assert cluster.find("Service", "other", "team") is not None
    assert {k.name for k in inventory(cluster, "default")} == {"team", "one"}


def test_stale_plan_is_refused_naming_the_object(cluster: LocalCluster) -> None:
    execute(cluster, make_plan(cluster, [str(EXAMPLES / "app")]))
    live = cluster.get("Deployment", "web", "shop")
    live["spec"]["replicas"] = 9
    cluster.update(live)
    plan = make_plan(cluster, [str(EXAMPLES / "app")])
    live = cluster.get("Deployment", "web", "shop")
    live["spec"]["replicas"] = 10
    cluster.update(live)
    with pytest.raises(PlanError, match=r"stale.*Deployment/shop/web.*manikit plan"):
        check_fresh(cluster, plan)


def test_plan_for_another_state_is_refused(cluster: LocalCluster) -> None:
    plan = make_plan(cluster, [str(EXAMPLES / "app")])
    other = open_cluster(default_cluster=False)
    with pytest.raises(PlanError, match="another cluster"):
        check_fresh(other, plan)


def test_a_failing_change_leaves_nothing_behind(cluster: LocalCluster, tmp_path: Path) -> None:
    # the Service is fine, the Pod names a namespace that does not exist: nothing may land
    write(
        tmp_path,
        "m/svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}]}\n",
    )
    write(
        tmp_path,
        "m/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: nowhere}\n"
        "spec: {containers: [{name: a, image: 'x:1'}]}\n",
    )
    plan = make_plan(cluster, [str(tmp_path / "m")])
    before = cluster.revision()
    with pytest.raises(Exception, match="nowhere"):
        execute(cluster, plan)
    assert cluster.revision() == before
    assert cluster.find("Service", "s", "default") is None


def test_replace_recreates_the_object(cluster: LocalCluster, tmp_path: Path) -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  nodeSelector: {disk: %s}\n"
        "  containers: [{name: a, image: 'x:1'}]\n"
    )
    path = write(tmp_path, "p.yaml", pod % "ssd")
    execute(cluster, make_plan(cluster, [str(path)]))
    uid = cluster.get("Pod", "p", "default")["metadata"]["uid"]
    path.write_text(pod % "hdd")
    refused = make_plan(cluster, [str(path)])
    (refusal,) = refused.refusals
    assert not refused.changes and "pod updates may not change fields" in refusal.message
    assert "spec.nodeSelector.disk" in refusal.hint and "--replace Pod/default/p" in refusal.hint
    plan = make_plan(cluster, [str(path)], replace=True)
    (change,) = plan.changes
    assert change.action is Action.REPLACE
    assert change.replacement_reasons == ("spec.nodeSelector.disk",)
    result = execute(cluster, plan)
    assert result.replaced and cluster.get("Pod", "p", "default")["metadata"]["uid"] != uid


def _body(cluster: LocalCluster, kind: str, name: str, ns: str) -> dict[str, Any]:
    return cluster.get(kind, name, ns)
