"""Server-side apply and field ownership, as every ``Cluster`` does them: ``apply`` as a field manager
(create, update, removal of what it stopped setting, fields it never set left alone, conflicts with
other managers and ``force``, dry runs, immutable fields), and the Update entries of ``create``,
``update`` and ``patch`` when they name a manager."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.cluster import FIELD_MANAGER, Cluster
from manikit.errors import BadRequestError, ConflictError, InvalidError
from manikit.fields import from_fields_v1
from tests.runtime.control_plane import service

REPLICAS = ("f:spec", "f:replicas")
IMAGE = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"main"}', "f:image")


def manifest(
    replicas: int | None = None, image: str = "nginx:1.25", labels: dict[str, str] | None = None
) -> dict[str, Any]:
    """A Deployment as a user writes it: only the fields they mean to own."""
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "main", "image": image}]},
        },
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": labels or {"app": "web"}},
        "spec": spec,
    }


def owners(body: dict[str, Any]) -> dict[tuple[str, str], set[tuple[str, ...]]]:
    return {
        (m["manager"], m["operation"]): from_fields_v1(m["fieldsV1"])
        for m in body["metadata"].get("managedFields") or []
    }


def scale(cluster: Cluster, replicas: int, manager: str = "manikit-scale") -> dict[str, Any]:
    live = cluster.get("Deployment", "web", "default")
    return cluster.update({**live, "spec": {**live["spec"], "replicas": replicas}}, manager=manager)


def test_apply_creates_what_is_missing_and_owns_only_what_it_set(cluster: Cluster) -> None:
    made = cluster.apply(manifest(replicas=2))
    assert made["metadata"]["uid"] and made["spec"]["replicas"] == 2
    assert made["spec"]["strategy"]["type"] == "RollingUpdate"  # defaulted, owned by nobody
    found = owners(cluster.get("Deployment", "web", "default"))
    assert set(found) == {(FIELD_MANAGER, "Apply")}
    mine = found[(FIELD_MANAGER, "Apply")]
    assert {REPLICAS, IMAGE} <= mine
    assert not any(p[:2] == ("f:spec", "f:strategy") for p in mine)


def test_apply_updates_and_removes_what_it_no_longer_sets(cluster: Cluster) -> None:
    cluster.apply(manifest(replicas=2, labels={"app": "web", "tier": "front"}))
    revision = cluster.revision()
    updated = cluster.apply(manifest(replicas=2, image="nginx:1.27"))
    assert cluster.revision() > revision
    assert updated["metadata"]["labels"] == {"app": "web"}  # tier was applied before, not now
    assert updated["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert updated["metadata"]["generation"] == 2


def test_a_field_never_applied_is_left_alone(cluster: Cluster) -> None:
    cluster.apply(manifest())  # no replicas: the default, 1, is nobody's
    scaled = scale(cluster, 5)
    assert owners(scaled)[("manikit-scale", "Update")] == {REPLICAS}
    again = cluster.apply(manifest(image="nginx:1.27"))
    assert again["spec"]["replicas"] == 5
    assert again["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"


def test_a_field_another_manager_owns_is_a_conflict_unless_forced(cluster: Cluster) -> None:
    cluster.apply(manifest(replicas=2))
    scale(cluster, 5)
    with pytest.raises(ConflictError) as caught:
        cluster.apply(manifest(replicas=3))
    error = caught.value
    assert error.code == 409
    assert error.message.startswith(
        'Apply failed with 1 conflict: conflict with "manikit-scale" using apps/v1'
    )
    assert error.message.endswith(": .spec.replicas")
    [cause] = error.causes
    assert (cause.reason, cause.field) == ("FieldManagerConflict", ".spec.replicas")
    assert cause.message.startswith('conflict with "manikit-scale"')
    assert cluster.get("Deployment", "web", "default")["spec"]["replicas"] == 5
    assert cluster.apply(manifest(replicas=5))["spec"]["replicas"] == 5  # the same value: shared
    forced = cluster.apply(manifest(replicas=3), force=True)
    assert forced["spec"]["replicas"] == 3
    assert ("manikit-scale", "Update") not in owners(forced)


def test_dry_run_apply_stores_nothing_and_spends_no_revision(cluster: Cluster) -> None:
    revision = cluster.revision()
    answer = cluster.apply(manifest(replicas=2), dry_run=True)
    assert answer["spec"]["replicas"] == 2 and answer["spec"]["strategy"]["type"] == "RollingUpdate"
    assert cluster.find("Deployment", "web", "default") is None
    assert cluster.revision() == revision
    live = cluster.apply(manifest(replicas=2))
    revision = cluster.revision()
    assert cluster.apply(manifest(replicas=4), dry_run=True)["spec"]["replicas"] == 4
    assert cluster.get("Deployment", "web", "default")["metadata"] == live["metadata"]
    assert cluster.revision() == revision


def test_an_immutable_field_is_refused_as_kube_refuses_it(cluster: Cluster) -> None:
    cluster.apply(manifest())
    changed = manifest()
    changed["spec"]["selector"] = {"matchLabels": {"app": "web", "v": "2"}}
    changed["spec"]["template"]["metadata"]["labels"] = {"app": "web", "v": "2"}
    with pytest.raises(InvalidError) as caught:
        cluster.apply(changed)
    assert caught.value.message.startswith('Deployment.apps "web" is invalid: spec.selector: Invalid value')
    assert caught.value.message.endswith("field is immutable")
    assert caught.value.causes[0].field == "spec.selector"


def test_apply_needs_a_manager(cluster: Cluster) -> None:
    with pytest.raises(BadRequestError, match="fieldManager is required"):
        cluster.apply(manifest(), manager="")


def test_writes_that_name_a_manager_are_its_updates(cluster: Cluster) -> None:
    made = cluster.create(service("web"), manager="maker")
    assert ("f:spec", "f:selector", "f:app") in owners(made)[("maker", "Update")]
    assert ("f:spec", "f:clusterIP") not in owners(made)[("maker", "Update")]  # allocated: the server's
    patched = cluster.patch(
        "Service", "web", "default", {"metadata": {"labels": {"tier": "x"}}}, manager="labeller"
    )
    assert owners(patched)[("labeller", "Update")] == {("f:metadata", "f:labels", "f:tier")}
    assert ("maker", "Update") in owners(patched)
    unrecorded = cluster.update({**patched, "metadata": {**patched["metadata"], "managedFields": None}})
    assert set(owners(unrecorded)) == {("maker", "Update"), ("labeller", "Update")}  # kept as they were


def test_the_controllers_own_what_they_write_and_a_later_apply_meets_no_conflict(cluster: Cluster) -> None:
    cluster.apply(manifest(replicas=2))
    cluster.run()
    live = cluster.get("Deployment", "web", "default")
    entries = {(m["manager"], m.get("subresource", "")): m for m in live["metadata"]["managedFields"]}
    # as kube shows it: the revision annotation is written with the status (the deployment
    # controller's UpdateStatus), so the status subresource's entry owns it
    assert set(entries) == {(FIELD_MANAGER, ""), ("kube-controller-manager", "status")}
    status = from_fields_v1(entries[("kube-controller-manager", "status")]["fieldsV1"])
    assert ("f:status", "f:readyReplicas") in status
    assert ("f:metadata", "f:annotations", "f:deployment.kubernetes.io/revision") in status
    assert {path[0] for path in status} == {"f:metadata", "f:status"}
    [replica_set] = cluster.list("ReplicaSet", "default")
    assert {m["manager"] for m in replica_set["metadata"]["managedFields"]} == {"kube-controller-manager"}
    assert cluster.apply(manifest(replicas=3))["spec"]["replicas"] == 3


def test_apply_of_a_cluster_scoped_object_and_of_a_service_keeps_what_the_server_allocated(
    cluster: Cluster,
) -> None:
    namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop", "labels": {"t": "a"}}}
    made = cluster.apply(namespace)
    assert "namespace" not in made["metadata"] and made["metadata"]["labels"]["t"] == "a"
    assert cluster.apply({**namespace, "metadata": {"name": "shop"}})["metadata"]["labels"] == {
        "kubernetes.io/metadata.name": "shop"
    }
    web = service("web")
    first = cluster.apply(web)
    again = cluster.apply({**web, "spec": {**web["spec"], "ports": [{"port": 8080}]}})
    assert again["spec"]["clusterIP"] == first["spec"]["clusterIP"] != ""
    assert [p["port"] for p in again["spec"]["ports"]] == [8080]


def test_a_resource_version_in_the_applied_configuration_is_a_precondition(cluster: Cluster) -> None:
    seen = cluster.apply(manifest(replicas=2))["metadata"]["resourceVersion"]
    pinned = manifest(replicas=3)
    pinned["metadata"]["resourceVersion"] = seen
    assert cluster.apply(pinned)["spec"]["replicas"] == 3
    with pytest.raises(ConflictError, match="the object has been modified"):
        cluster.apply(pinned)  # the version it names is no longer current
