"""A ReplicaSet's pods are named from the ReplicaSet and the moment they are made, not the store
revision: the same workload reconciled beside more or fewer other objects gets the same pod names (the
scheduling preview simulates only what a change touches and must name the pods as the whole cluster
would), and a pod made at the same moment as one still terminating gets a name of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from manikit import library
from manikit.cluster import open_cluster
from manikit.cluster.local import LocalCluster
from manikit.runtime.api.objects import generated_name
from manikit.runtime.clock import rfc3339

START = datetime(2026, 1, 1, tzinfo=UTC)
WEB = """---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: main, image: "web:1", resources: {requests: {cpu: 100m}}}]
"""
OTHERS = "".join(
    f"---\napiVersion: v1\nkind: ConfigMap\nmetadata: {{name: extra-{i}, namespace: default}}\n"
    for i in range(7)
)


def _pod_names(manifests: str) -> list[str]:
    with open_cluster(":memory:", now=START) as cluster:
        assert isinstance(cluster, LocalCluster)
        library.apply(manifests, cluster)
        revision = cluster.revision()
        names = sorted(p["metadata"]["name"] for p in cluster.list("Pod", "default"))
    assert revision > 0
    return names


def test_pod_names_do_not_depend_on_the_store_revision() -> None:
    alone, beside = _pod_names(WEB), _pod_names(OTHERS + WEB)
    assert len(alone) == 3 and all(n.startswith("web-") for n in alone)
    assert alone == beside


def test_a_pod_whose_name_is_taken_gets_another() -> None:
    """The first seed's name is held by a pod of its own (another workload's, not selected): the
    ReplicaSet's first pod is named by the next attempt instead of failing to be created."""
    held = generated_name("web-", f"default/web/{rfc3339(START)}/0")
    loose = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": held, "namespace": "default", "labels": {"app": "other"}},
        "spec": {"containers": [{"name": "m", "image": "w"}]},
    }
    with open_cluster(":memory:", now=START) as cluster:
        assert isinstance(cluster, LocalCluster)
        cluster.create(loose)
        template = {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "m", "image": "w"}]},
        }
        spec = {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": template}
        meta = {"name": "web", "namespace": "default"}
        cluster.create({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta, "spec": spec})
        cluster.run(timedelta(0))  # the pods are made at START
        assert cluster.now() == START
        mine = [p for p in cluster.list("Pod", "default") if p["metadata"].get("ownerReferences")]
        names = {p["metadata"]["name"] for p in mine}
    assert len(names) == 3 and held not in names
    assert all(n.startswith("web-") for n in names)
