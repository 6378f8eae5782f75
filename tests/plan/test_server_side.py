"""Plans as server-side apply decides them, on the local control plane: what manikit owns, what it
leaves alone, conflicts with other field managers, immutable fields and --replace."""

from pathlib import Path
from typing import Any

import pytest

from manikit.apply.executor import execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.errors import PlanError
from manikit.plan.actions import Action, ObjectKey, Plan
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.plan.server_side import applied_already, member_manifest
from tests.conftest import write

WEB = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: {{app: web{extra_label}}}
spec:
{replicas}  selector:
    matchLabels: {{app: {selector}}}
  template:
    metadata:
      labels: {{app: {selector}}}
    spec:
      containers:
        - name: web
          image: nginx:{tag}
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{memory: 64Mi}}
"""
KEY = ObjectKey("Deployment", "default", "web")


def manifest(
    tmp_path: Path,
    *,
    replicas: int | None = None,
    selector: str = "web",
    tag: str = "1.27",
    extra_label: str = "",
) -> str:
    text = WEB.format(
        replicas=f"  replicas: {replicas}\n" if replicas is not None else "",
        selector=selector,
        tag=tag,
        extra_label=extra_label,
    )
    return str(write(tmp_path, "web.yaml", text))


@pytest.fixture
def cluster() -> LocalCluster:
    return open_cluster(default_cluster=False)


def plan(cluster: LocalCluster, path: str, **options: Any) -> Plan:
    desired = load_desired([path])
    assert desired.errors == []
    return make_plan(cluster, desired, applyset="default", **options)


def applied(cluster: LocalCluster, path: str, **options: Any) -> Plan:
    made = plan(cluster, path, **options)
    assert not made.refusals, made.refusals
    execute(cluster, made)
    return made


def deployment(cluster: LocalCluster) -> dict[str, Any]:
    return cluster.get("Deployment", "web", "default")


def test_apply_records_manikit_as_the_applier_of_exactly_the_manifests_fields(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    path = manifest(tmp_path)
    applied(cluster, path)
    entries = deployment(cluster)["metadata"]["managedFields"]
    mine = [e for e in entries if e["manager"] == "manikit"]
    assert [e["operation"] for e in mine] == ["Apply"]
    assert "f:replicas" not in mine[0]["fieldsV1"]["f:spec"]  # defaulted by the server, not applied
    assert plan(cluster, path).empty


def test_replicas_omitted_from_the_manifest_are_left_to_whoever_scaled(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    path = manifest(tmp_path)
    applied(cluster, path)
    cluster.patch("Deployment", "web", "default", {"spec": {"replicas": 5}}, manager="manikit-scale")
    again = plan(cluster, path)
    assert again.empty and not again.refusals
    applied(cluster, manifest(tmp_path, tag="1.28"))  # a real change elsewhere keeps the scale
    assert deployment(cluster)["spec"]["replicas"] == 5


def test_a_field_another_manager_owns_is_a_conflict_naming_it(cluster: LocalCluster, tmp_path: Path) -> None:
    path = manifest(tmp_path, replicas=3)
    applied(cluster, path)
    cluster.patch("Deployment", "web", "default", {"spec": {"replicas": 5}}, manager="manikit-scale")
    refused = plan(cluster, path)
    (refusal,) = refused.refusals
    assert refusal.key == KEY and refusal.reason == "Conflict"
    assert '"manikit-scale"' in refusal.message and ".spec.replicas" in refusal.message
    assert "--force-conflicts" in refusal.hint
    with pytest.raises(PlanError, match="refuse"):
        execute(cluster, refused)
    assert deployment(cluster)["spec"]["replicas"] == 5

    forced = applied(cluster, path, force_conflicts=True)
    (change,) = forced.changes
    assert [(c.path, c.before, c.after) for c in change.changes] == [("spec.replicas", 5, 3)]
    assert len(change.takes) == 1 and change.takes[0].startswith('.spec.replicas from "manikit-scale"')
    assert deployment(cluster)["spec"]["replicas"] == 3
    assert plan(cluster, path).empty


def test_a_field_removed_from_the_manifest_is_removed_from_the_cluster(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    applied(cluster, manifest(tmp_path, extra_label=", tier: front"))
    assert deployment(cluster)["metadata"]["labels"]["tier"] == "front"
    dropped = plan(cluster, manifest(tmp_path))
    (change,) = dropped.changes
    assert [(c.path, c.kind) for c in change.changes] == [("metadata.labels.tier", "remove")]
    execute(cluster, dropped)
    assert "tier" not in deployment(cluster)["metadata"]["labels"]


def test_a_label_someone_else_added_is_left_alone(cluster: LocalCluster, tmp_path: Path) -> None:
    path = manifest(tmp_path)
    applied(cluster, path)
    cluster.patch("Deployment", "web", "default", {"metadata": {"labels": {"owner": "ops"}}}, manager="ops")
    assert plan(cluster, path).empty
    applied(cluster, manifest(tmp_path, tag="1.28"))
    assert deployment(cluster)["metadata"]["labels"]["owner"] == "ops"


def test_an_immutable_field_is_refused_until_replace_is_asked(cluster: LocalCluster, tmp_path: Path) -> None:
    applied(cluster, manifest(tmp_path))
    uid = deployment(cluster)["metadata"]["uid"]
    path = manifest(tmp_path, selector="shop")
    refused = plan(cluster, path)
    assert not refused.changes
    (refusal,) = refused.refusals
    assert refusal.reason == "Invalid" and "field is immutable" in refusal.message
    assert "--replace Deployment/default/web" in refusal.hint
    assert deployment(cluster)["metadata"]["uid"] == uid

    replaced = applied(cluster, path, replace=["deployment/default/web"])
    (change,) = replaced.changes
    assert change.action is Action.REPLACE
    assert deployment(cluster)["metadata"]["uid"] != uid
    assert deployment(cluster)["spec"]["selector"] == {"matchLabels": {"app": "shop"}}


def test_replace_must_name_a_recorded_object_of_the_manifests(cluster: LocalCluster, tmp_path: Path) -> None:
    path = manifest(tmp_path)
    with pytest.raises(PlanError, match="not in the cluster yet"):
        plan(cluster, path, replace=["Deployment/default/web"])
    with pytest.raises(PlanError, match="no such object in the manifests"):
        plan(cluster, path, replace=["Deployment/default/api"])


def test_objects_applied_before_field_ownership_are_adopted(cluster: LocalCluster, tmp_path: Path) -> None:
    """An object with no manikit applier (made by an older manikit, or by another tool) is planned
    by a dry run; the next apply makes manikit its applier and later plans are answered at once."""
    path = manifest(tmp_path)
    desired = load_desired([path]).objects[0]
    cluster.create(desired.body)
    assert not applied_already(deployment(cluster), member_manifest(desired.manifest or {}, "default"))
    (change,) = plan(cluster, path).changes
    assert change.action is Action.UPDATE and change.adopts
    applied(cluster, path)
    assert applied_already(deployment(cluster), member_manifest(desired.manifest or {}, "default"))


NODE = """\
apiVersion: v1
kind: Node
metadata: {{name: big-1, labels: {{zone: a}}}}
status:
  capacity: {{cpu: "{cpu}", memory: 16Gi, pods: "110"}}
  allocatable: {{cpu: "{cpu}", memory: 16Gi, pods: "110"}}
"""


def test_a_node_manifest_declares_its_size_and_a_resize_is_applied(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    """Server-side apply ignores status, but a Node manifest says the simulated node's size there
    (as `nodes add` takes it): applied, planned and changed like the rest of the manifest."""
    path = str(write(tmp_path, "node.yaml", NODE.format(cpu=4)))
    applied(cluster, path)
    assert cluster.get("Node", "big-1")["status"]["allocatable"]["cpu"] == "4"
    assert plan(cluster, path).empty
    resized = plan(cluster, str(write(tmp_path, "node.yaml", NODE.format(cpu=8))))
    (change,) = resized.changes
    assert ("status.capacity.cpu", "4", "8") in [(c.path, c.before, c.after) for c in change.changes]
    execute(cluster, resized)
    assert cluster.get("Node", "big-1")["status"]["allocatable"]["cpu"] == "8"
