"""The API server: system fields, generation, status, admission, allocation, deletion, dry runs."""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import uuid

import pytest

from manikit.errors import AlreadyExistsError, ConflictError, ForbiddenError, InvalidError, NotFoundError
from manikit.models.workloads import Deployment
from manikit.runtime.api import Api
from manikit.runtime.api.objects import deterministic_uid
from manikit.runtime.reconcile import reconcile
from tests.runtime.control_plane import deployment, namespace, new_api, pod, service


@pytest.fixture
def api() -> Api:
    return new_api(nodes=False)


def test_system_namespaces_exist_from_the_start(api: Api) -> None:
    names = [n["metadata"]["name"] for n in api.list("Namespace")]
    assert names == ["default", "kube-node-lease", "kube-public", "kube-system"]
    assert api.get("Namespace", "default")["status"] == {"phase": "Active"}
    assert api.get("Namespace", "kube-public")["metadata"]["labels"] == {
        "kubernetes.io/metadata.name": "kube-public"
    }
    kubernetes = api.get("Service", "kubernetes")
    assert kubernetes["spec"]["clusterIP"] == "10.96.0.1" and kubernetes["spec"]["ports"][0]["port"] == 443


def test_create_sets_system_fields_and_defaults(api: Api) -> None:
    body = api.create(deployment())
    meta = body["metadata"]
    assert meta["namespace"] == "default"
    assert len(meta["uid"]) == 36
    assert meta["creationTimestamp"] == "2025-01-01T00:00:00Z"
    assert meta["generation"] == 1
    assert meta["resourceVersion"] == str(api.revision())
    assert body["spec"]["strategy"]["rollingUpdate"] == {"maxUnavailable": "25%", "maxSurge": "25%"}
    assert body["spec"]["revisionHistoryLimit"] == 10
    assert "status" not in body


def test_uids_are_rfc4122_version_4_and_derived_from_the_history() -> None:
    seen = set()
    for revision in range(2000):
        uid = deterministic_uid("Pod", "default", f"web-{revision % 7}", revision)
        parsed = uuid.UUID(uid)
        assert str(parsed) == uid and parsed.version == 4 and parsed.variant == uuid.RFC_4122
        digest = hashlib.sha256(f"Pod/default/web-{revision % 7}/{revision}".encode()).digest()[:16]
        assert uid == str(uuid.UUID(bytes=digest, version=4))  # the same uids as before
        seen.add(uid)
    assert len(seen) == 2000
    assert deterministic_uid("Pod", "default", "web", 5) == deterministic_uid("Pod", "default", "web", 5)


def test_create_accepts_a_model(api: Api) -> None:
    model = Deployment.model_validate(deployment("from-model"))
    assert api.create(model)["metadata"]["name"] == "from-model"


def test_duplicate_name_is_refused(api: Api) -> None:
    api.create(deployment())
    with pytest.raises(AlreadyExistsError) as caught:
        api.create(deployment())
    assert (
        caught.value.kubectl_message()
        == 'Error from server (AlreadyExists): deployments.apps "web" already exists'
    )


def test_same_name_in_another_namespace_is_fine(api: Api) -> None:
    api.create(namespace("other"))
    api.create(deployment())
    other = deployment()
    other["metadata"]["namespace"] = "other"
    api.create(other)
    assert len(api.list("Deployment")) == 2
    assert len(api.list("Deployment", "other")) == 1


def test_not_found_message(api: Api) -> None:
    with pytest.raises(NotFoundError) as caught:
        api.get("Deployment", "web")
    assert caught.value.kubectl_message() == 'Error from server (NotFound): deployments.apps "web" not found'


def test_invalid_object_is_refused(api: Api) -> None:
    bad = deployment()
    bad["spec"]["replicas"] = "three"
    with pytest.raises(InvalidError, match=r'Deployment.apps "web" is invalid: spec.replicas'):
        api.create(bad)


def test_generation_moves_only_with_the_spec(api: Api) -> None:
    api.create(deployment())
    labelled = deployment()
    labelled["metadata"]["labels"] = {"team": "a"}
    assert api.update(labelled)["metadata"]["generation"] == 1
    assert api.update(deployment(replicas=5))["metadata"]["generation"] == 2


def test_update_keeps_status_and_update_status_keeps_spec(api: Api) -> None:
    api.create(deployment())
    status = {"replicas": 3, "observedGeneration": 1}
    current = api.get("Deployment", "web")
    api.update_status({**current, "status": status})
    updated = api.update(deployment(replicas=4))
    assert updated["status"] == status
    after = api.update_status({**updated, "spec": {"replicas": 99}, "status": {"replicas": 4}})
    assert after["spec"]["replicas"] == 4 and after["status"] == {"replicas": 4}


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"team": "a", "deployment.kubernetes.io/revision": "2"},
            {"team": "a", "deployment.kubernetes.io/revision": "2"},
        ),
        ({}, None),
        (None, None),
    ],
    ids=["set", "cleared-by-empty", "cleared-by-null"],
)
def test_a_deployment_status_write_sets_the_annotations_it_carries_and_no_other_metadata(
    api: Api, given: dict[str, str] | None, expected: dict[str, str] | None
) -> None:
    """As kube's Deployment status strategy: spec and labels are reset, annotations go through (the
    deployment controller writes its revision annotation so); generation does not move."""
    made = deployment()
    made["metadata"]["annotations"] = {"team": "a"}
    current = api.create(made)
    sent = copy.deepcopy(current)
    sent["metadata"].update(annotations=given, labels={"sneaky": "x"})
    sent["spec"]["replicas"] = 42
    after = api.update_status({**sent, "status": {"observedGeneration": 1}})
    assert after["metadata"].get("annotations") == expected
    assert after["metadata"].get("labels") == current["metadata"].get("labels")
    assert (after["spec"], after["metadata"]["generation"]) == (current["spec"], 1)
    assert api.get("Deployment", "web")["metadata"].get("annotations") == expected


def test_a_status_write_without_annotations_keeps_them_and_other_kinds_never_change_them(api: Api) -> None:
    made = deployment()
    made["metadata"]["annotations"] = {"team": "a"}
    api.create(made)
    ident = {"name": "web", "namespace": "default"}
    kept = api.update_status({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": ident, "status": {}})
    assert kept["metadata"]["annotations"] == {"team": "a"}
    svc = api.create(service("web"))
    sent = {**svc, "metadata": {**svc["metadata"], "annotations": {"x": "y"}}}
    assert "annotations" not in api.update_status(sent)["metadata"]


def test_stale_resource_version_is_a_conflict(api: Api) -> None:
    first = api.create(deployment())
    api.update(deployment(replicas=4))
    stale = copy.deepcopy(first)
    stale["spec"]["replicas"] = 7
    with pytest.raises(ConflictError, match="the object has been modified"):
        api.update(stale)
    assert api.get("Deployment", "web")["spec"]["replicas"] == 4


def test_selector_is_immutable(api: Api) -> None:
    api.create(deployment())
    moved = deployment()
    moved["spec"]["selector"] = {"matchLabels": {"app": "other"}}
    moved["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(InvalidError) as caught:
        api.update(moved)
    assert (
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"other"}'
        in str(caught.value)
    )
    assert str(caught.value).endswith("field is immutable")


def test_pod_spec_is_mostly_immutable(api: Api) -> None:
    api.create(pod("p"))
    api.update(pod("p", activeDeadlineSeconds=30))
    new_image = pod("p", activeDeadlineSeconds=30)
    new_image["spec"]["containers"][0]["image"] = "busybox:1.37"
    api.update(new_image)
    with pytest.raises(InvalidError, match="pod updates may not change fields other than"):
        api.update(pod("p", hostname="other"))


def test_namespace_must_exist(api: Api) -> None:
    with pytest.raises(NotFoundError, match='namespaces "nope" not found'):
        api.create(pod("p", namespace="nope"))


def test_terminating_namespace_refuses_new_content(api: Api) -> None:
    api.create(namespace("old"))
    api.create(pod("keep", namespace="old"))
    api.delete("Namespace", "old")
    assert api.get("Namespace", "old")["status"]["phase"] == "Terminating"
    with pytest.raises(ForbiddenError) as caught:
        api.create(pod("p", namespace="old"))
    assert caught.value.kubectl_message() == (
        'Error from server (Forbidden): pods "p" is forbidden: unable to create new content in namespace old '
        "because it is being terminated"
    )


def test_creates_in_one_transaction_see_their_namespace_terminated_in_between(api: Api) -> None:
    """Creates read each namespace once while only creates write; a namespace's termination (an
    update, not a create) in the same transaction is seen by the next create."""
    api.create(namespace("old"))
    with pytest.raises(ForbiddenError, match="being terminated"), api.transaction():
        api.create(pod("a", namespace="old"))
        api.create(pod("b", namespace="old"))
        api.delete("Namespace", "old")
        api.create(pod("c", namespace="old"))
    assert [p["metadata"]["name"] for p in api.list("Pod", "old")] == []  # nothing half-written


@pytest.mark.parametrize("write", ["terminate", "delete"])
def test_creates_see_a_namespace_another_api_changed_in_between(api: Api, write: str) -> None:
    """Another writer of the same store (another Api) moves the revision: the namespace is read again."""
    api.create(namespace("old"))
    api.create(pod("a", namespace="old"))
    other = Api(api.store, api.clock)
    if write == "terminate":
        other.delete("Namespace", "old")
        expected: type[Exception] = ForbiddenError
    else:
        other.store.delete("Namespace", "", "old")  # as a store writer outside any Api
        expected = NotFoundError
    with pytest.raises(expected):
        api.create(pod("b", namespace="old"))


@pytest.mark.parametrize("name", ["default", "kube-system"])
def test_system_namespaces_cannot_be_deleted(api: Api, name: str) -> None:
    with pytest.raises(ForbiddenError, match="this namespace may not be deleted"):
        api.delete("Namespace", name)


def test_cluster_ips_are_allocated_without_collisions(api: Api) -> None:
    first = api.create(service("a"))["spec"]["clusterIP"]
    second = api.create(service("b"))["spec"]["clusterIP"]
    assert first != second
    # drawn at random above the static band 10.96.0.0-10.96.0.255, as the API server does
    for ip in (first, second):
        assert ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12")
        assert not ip.startswith("10.96.0.")
    with pytest.raises(InvalidError, match="provided IP is already allocated"):
        api.create(service("c", clusterIP=first))
    with pytest.raises(InvalidError, match="not in the valid range"):
        api.create(service("d", clusterIP="192.168.0.1"))
    assert api.create(service("e", clusterIP="None"))["spec"]["clusterIP"] == "None"


def test_node_ports_are_allocated_in_range_without_collisions(api: Api) -> None:
    a = api.create(service("a", type="NodePort"))["spec"]["ports"][0]["nodePort"]
    b = api.create(service("b", type="NodePort"))["spec"]["ports"][0]["nodePort"]
    assert 30000 <= a <= 32767 and 30000 <= b <= 32767 and a != b
    taken = service("c", type="NodePort")
    taken["spec"]["ports"][0]["nodePort"] = a
    with pytest.raises(InvalidError, match="provided port is already allocated"):
        api.create(taken)
    low = service("d", type="NodePort")
    low["spec"]["ports"][0]["nodePort"] = 80
    with pytest.raises(InvalidError, match="The range of valid ports is 30000-32767"):
        api.create(low)


def test_service_update_keeps_allocated_values_and_refuses_a_new_cluster_ip(api: Api) -> None:
    created = api.create(service("a", type="NodePort"))
    updated = api.update(service("a", type="NodePort"))
    assert updated["spec"]["clusterIP"] == created["spec"]["clusterIP"]
    assert updated["spec"]["ports"][0]["nodePort"] == created["spec"]["ports"][0]["nodePort"]
    with pytest.raises(InvalidError, match="field is immutable"):
        api.update(service("a", type="NodePort", clusterIP="10.96.5.5"))


@pytest.mark.parametrize(
    ("resources", "qos"),
    [
        ({}, "BestEffort"),
        ({"requests": {"cpu": "100m"}}, "Burstable"),
        ({"limits": {"cpu": "1", "memory": "1Gi"}}, "Guaranteed"),
        (
            {"requests": {"cpu": "500m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
            "Burstable",
        ),
        ({"limits": {"cpu": "1"}}, "Burstable"),
    ],
    ids=["none", "request-only", "limits-only", "request-below-limit", "cpu-limit-only"],
)
def test_pod_qos_class(api: Api, resources: dict[str, dict[str, str]], qos: str) -> None:
    body = pod("p")
    body["spec"]["containers"][0]["resources"] = resources
    created = api.create(body)
    assert created["status"] == {"phase": "Pending", "qosClass": qos}


def test_generate_name(api: Api) -> None:
    body = pod("")
    body["metadata"] = {"generateName": "job-"}
    name = api.create(body)["metadata"]["name"]
    assert name.startswith("job-") and len(name) == len("job-") + 5


def test_list_by_selector(api: Api) -> None:
    api.create(deployment("a"))
    api.create(deployment("b"))
    assert [d["metadata"]["name"] for d in api.list("Deployment", selector="app=a")] == []
    api.create(pod("x", nodeName="n") | {"metadata": {"name": "x", "labels": {"app": "a", "tier": "f"}}})
    api.create(pod("y") | {"metadata": {"name": "y", "labels": {"app": "b"}}})
    assert [p["metadata"]["name"] for p in api.list("Pod", selector="app in (a,b),tier")] == ["x"]
    assert [p["metadata"]["name"] for p in api.list("Pod", selector={"app": "b"})] == ["y"]
    assert [p["metadata"]["name"] for p in api.list("Pod", selector="app!=a")] == ["y"]


def test_watch_since_revision(api: Api) -> None:
    since = api.revision()
    api.create(pod("a"))
    api.create(pod("b"))
    api.delete("Pod", "a")
    assert [(e.op, e.name) for e in api.watch(since)] == [("ADDED", "a"), ("ADDED", "b"), ("DELETED", "a")]
    assert [e.name for e in api.watch(since, ["Deployment"])] == []


def test_transaction_is_all_or_nothing(api: Api) -> None:
    before = api.revision()
    with pytest.raises(AlreadyExistsError), api.transaction():
        api.create(pod("a"))
        api.create(pod("a"))
    assert api.find("Pod", "a") is None and api.revision() == before


def test_dry_run_leaves_the_state_alone(api: Api) -> None:
    api.create(pod("a"))
    copy_api = api.dry_run()
    assert copy_api.identity == api.identity and copy_api.revision() == api.revision()
    copy_api.create(pod("b"))
    copy_api.delete("Pod", "a")
    assert api.find("Pod", "b") is None and api.find("Pod", "a") is not None


def test_orphan_deletion_strips_owner_references(api: Api) -> None:
    owner = api.create(deployment())
    ref = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": owner["metadata"]["uid"]}
    child = pod("child")
    child["metadata"]["ownerReferences"] = [ref]
    api.create(child)
    api.delete("Deployment", "web", propagation="Orphan")
    assert "ownerReferences" not in api.get("Pod", "child")["metadata"]


def test_foreground_deletion_holds_the_owner_until_its_dependents_are_gone(api: Api) -> None:
    owner = api.create(deployment())
    child = pod("child")
    child["metadata"]["ownerReferences"] = [
        {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": owner["metadata"]["uid"]}
    ]
    api.create(child)
    api.delete("Deployment", "web", propagation="Foreground")
    held = api.get("Deployment", "web")["metadata"]
    assert held["finalizers"] == ["foregroundDeletion"] and "deletionTimestamp" in held
    reconcile(api)
    assert api.find("Pod", "child") is None
    assert api.find("Deployment", "web") is None


def test_finalizers_hold_an_object_until_removed(api: Api) -> None:
    body = pod("held")
    body["metadata"]["finalizers"] = ["example.com/block"]
    api.create(body)
    api.delete("Pod", "held")
    marked = api.get("Pod", "held")
    assert "deletionTimestamp" in marked["metadata"]
    with pytest.raises(InvalidError, match="no new finalizers can be added"):
        api.update({**marked, "metadata": {**marked["metadata"], "finalizers": ["a", "example.com/block"]}})
    api.update({**marked, "metadata": {**marked["metadata"], "finalizers": []}})
    assert api.find("Pod", "held") is None


def test_bind_sets_node_once(api: Api) -> None:
    api.create(pod("p"))
    bound = api.bind("default", "p", "node-1")
    assert bound["spec"]["nodeName"] == "node-1"
    with pytest.raises(ConflictError, match='already assigned to node "node-1"'):
        api.bind("default", "p", "node-2")
    # a manifest without nodeName does not unbind the pod
    assert api.update(pod("p"))["spec"]["nodeName"] == "node-1"


def test_events_are_recorded_per_object(api: Api) -> None:
    body = api.create(pod("p"))
    api.record_event(body, "Warning", "FailedScheduling", "no room", "default-scheduler")
    api.record_event(body, "Warning", "FailedScheduling", "no room", "default-scheduler")
    (event,) = api.events(obj=body)
    assert (event.reason, event.count, event.kind, event.name) == ("FailedScheduling", 2, "Pod", "p")


def test_cached_view_sees_writes_of_another_view(api: Api) -> None:
    cached = api.cached()
    assert cached.list("Pod") == []
    api.create(pod("a"))
    assert [p["metadata"]["name"] for p in cached.list("Pod")] == ["a"]
    cached.create(pod("b"))
    api.delete("Pod", "a")
    assert [p["metadata"]["name"] for p in cached.list("Pod")] == ["b"]


def test_workload_pods_must_restart(api: Api) -> None:
    bad = deployment()
    bad["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    with pytest.raises(
        InvalidError, match='restartPolicy: Unsupported value: "Never": supported values: "Always"'
    ):
        api.create(bad)


def test_selector_must_match_template_labels(api: Api) -> None:
    bad = deployment()
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    with pytest.raises(InvalidError, match="`selector` does not match template `labels`"):
        api.create(bad)


def test_service_type_change_drops_node_ports(api: Api) -> None:
    api.create(service("a", type="NodePort"))
    updated = api.update(service("a"))
    assert updated["spec"]["type"] == "ClusterIP"
    assert "nodePort" not in updated["spec"]["ports"][0]
    again = api.update(service("a", type="NodePort"))
    assert 30000 <= again["spec"]["ports"][0]["nodePort"] <= 32767


def test_refusals_carry_their_status_details(api: Api) -> None:
    """What the API raises carries group, kind (the resource) and name, as Kubernetes' Status details."""
    with pytest.raises(NotFoundError) as missing:
        api.get("Deployment", "web")
    assert missing.value.to_status()["details"] == {"name": "web", "group": "apps", "kind": "deployments"}
    created = api.create(deployment())
    with pytest.raises(AlreadyExistsError) as twice:
        api.create(deployment())
    assert (twice.value.code, twice.value.details) == (
        409,
        {"name": "web", "group": "apps", "kind": "deployments"},
    )
    stale = copy.deepcopy(created)
    api.update(copy.deepcopy(created))
    with pytest.raises(ConflictError) as conflict:
        api.update(stale)
    assert conflict.value.details == {"name": "web", "group": "apps", "kind": "deployments"}
    assert str(conflict.value).endswith(
        "the object has been modified; please apply your changes to the latest version and try again"
    )
    with pytest.raises(NotFoundError) as no_pod:
        api.delete("Pod", "nope")
    assert no_pod.value.to_status()["details"] == {"name": "nope", "kind": "pods"}
    assert no_pod.value.kubectl_message() == 'Error from server (NotFound): pods "nope" not found'
