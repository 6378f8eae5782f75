"""The ApplySet standard (KEP-3659) as manikit follows it: the id, the parent's body, member labels and
the parents manikit refuses to take over."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest

from manikit import __version__
from manikit.cluster import LocalCluster, open_cluster
from manikit.cluster.legacy import INVENTORY_TOPIC, LEGACY_LABEL
from manikit.errors import PlanError
from manikit.plan.actions import ObjectKey
from manikit.plan.applyset import (
    GROUP_KINDS_ANNOTATION,
    ID_LABEL,
    NAMESPACES_ANNOTATION,
    PART_OF_LABEL,
    TOOLING_ANNOTATION,
    ApplySet,
    applyset_id,
    check_parent,
    group_kind,
    member_labels,
    parent_body,
)
from manikit.plan.live import members, save_inventory


def by_hand(name: str, namespace: str, kind: str, group: str) -> str:
    """The KEP's formula spelled out step by step: sha256 of name.namespace.kind.group, standard
    base64, then the URL-safe alphabet and no padding (RFC 4648 section 5), between the fixed affixes."""
    text = f"{name}.{namespace}.{kind}.{group}".encode()
    encoded = base64.b64encode(hashlib.sha256(text).digest()).decode()
    return "applyset-" + encoded.replace("+", "-").replace("/", "_").replace("=", "") + "-v1"


@pytest.mark.parametrize(
    ("name", "namespace", "kind", "group"),
    [
        ("web", "kube-system", "ConfigMap", ""),
        ("default", "kube-system", "ConfigMap", ""),
        ("my-set", "shop", "Secret", ""),
        ("set", "", "ClusterApplySet", "example.com"),
    ],
    ids=["configmap", "default-set", "secret", "cluster-scoped-cr"],
)
def test_the_id_is_the_kep_formula(name: str, namespace: str, kind: str, group: str) -> None:
    got = applyset_id(name, namespace, kind, group)
    assert got == by_hand(name, namespace, kind, group)
    assert len(got) == len("applyset-") + 43 + len("-v1")  # 32 bytes are 43 unpadded base64 characters


def test_a_known_id() -> None:
    # computed with coreutils: printf web.kube-system.ConfigMap. | sha256sum | cut -d' ' -f1 | xxd -r -p
    #   | base64 | tr '+/' '-_' | tr -d '='
    assert ApplySet("web").id == "applyset-WDSclC6-xfnJK54-mXbQLOMHL8iPqzNmUm8j0x0fYRo-v1"
    assert ApplySet("web").id != ApplySet("db").id


def test_group_kinds_name_the_group_but_not_the_core_one() -> None:
    assert group_kind(ObjectKey("Deployment", "shop", "web", "apps/v1")) == "Deployment.apps"
    assert group_kind(ObjectKey("ConfigMap", "shop", "c", "v1")) == "ConfigMap"


def test_the_parent_body() -> None:
    keys = [
        ObjectKey("Deployment", "shop", "web", "apps/v1"),
        ObjectKey("Service", "shop", "web", "v1"),
        ObjectKey("ConfigMap", "cache", "c", "v1"),
        ObjectKey("ConfigMap", "kube-system", "other", "v1"),
        ObjectKey("Namespace", "", "shop", "v1"),
    ]
    body = parent_body(ApplySet("web"), keys, None)
    assert body["apiVersion"] == "v1" and body["kind"] == "ConfigMap"
    assert body["metadata"]["name"] == "web" and body["metadata"]["namespace"] == "kube-system"
    assert body["metadata"]["labels"] == {ID_LABEL: ApplySet("web").id}
    assert body["metadata"]["annotations"] == {
        TOOLING_ANNOTATION: f"manikit/{__version__}",
        GROUP_KINDS_ANNOTATION: "ConfigMap,Deployment.apps,Namespace,Service",
        NAMESPACES_ANNOTATION: "cache,shop",  # the parent's own namespace is not listed
    }


def test_an_update_keeps_what_others_wrote_and_an_empty_set_is_said_so() -> None:
    current = parent_body(ApplySet("web"), [ObjectKey("Service", "shop", "web", "v1")], None)
    current["metadata"]["labels"]["team"] = "a"
    current["metadata"]["annotations"]["note"] = "kept"
    current["data"] = {"k": "v"}
    body = parent_body(ApplySet("web"), [], current)
    assert body["metadata"]["labels"]["team"] == "a" and body["metadata"]["annotations"]["note"] == "kept"
    assert body["data"] == {"k": "v"}
    assert body["metadata"]["annotations"][GROUP_KINDS_ANNOTATION] == ""
    assert body["metadata"]["annotations"][NAMESPACES_ANNOTATION] == ""


def parent(tooling: str | None, set_id: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "web", "namespace": "kube-system", "labels": {}, "annotations": {}}
    if tooling is not None:
        meta["annotations"][TOOLING_ANNOTATION] = tooling
    if set_id is not None:
        meta["labels"][ID_LABEL] = set_id
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta}


@pytest.mark.parametrize(
    ("tooling", "set_id", "message"),
    [
        ("kubectl/v1.37", ApplySet("web").id, 'managed by "kubectl/v1.37", not by manikit'),
        ("helm/v3", ApplySet("web").id, 'managed by "helm/v3"'),
        ("manikit-fork/1.0", ApplySet("web").id, 'managed by "manikit-fork/1.0"'),
        (None, None, "is not an apply set parent"),
        ("manikit/0.1.0", None, f"has {ID_LABEL}=<none>, not {ApplySet('web').id}"),
        ("manikit/0.1.0", ApplySet("db").id, f"has {ID_LABEL}={ApplySet('db').id}"),
    ],
    ids=["kubectl", "helm", "similar-name", "plain-configmap", "no-id", "another-sets-id"],
)
def test_a_parent_manikit_does_not_manage_is_refused(
    tooling: str | None, set_id: str | None, message: str
) -> None:
    with pytest.raises(PlanError, match="ConfigMap kube-system/web") as caught:
        check_parent(ApplySet("web"), parent(tooling, set_id))
    assert message in str(caught.value)


def test_a_parent_of_this_set_by_any_manikit_version_is_accepted() -> None:
    check_parent(ApplySet("web"), parent("manikit/9.9.9", ApplySet("web").id))


@pytest.mark.parametrize("name", ["Web", "a_b", "", "x" * 254])
def test_a_name_that_cannot_be_a_configmap_is_refused(name: str) -> None:
    with pytest.raises(PlanError, match="cannot name an apply set"):
        ApplySet.named(name)


def test_member_labels() -> None:
    web = ApplySet("web")
    assert member_labels({"app": "a", LEGACY_LABEL: "web"}, web, "x") == {"app": "a", PART_OF_LABEL: web.id}
    assert member_labels({PART_OF_LABEL: web.id}, web, "x") == {PART_OF_LABEL: web.id}
    with pytest.raises(PlanError, match="Service/shop/web carries the label"):
        member_labels({PART_OF_LABEL: ApplySet("db").id}, web, "Service/shop/web")


def test_the_parent_itself_cannot_be_a_member() -> None:
    with pytest.raises(PlanError, match="the manifests hold ConfigMap kube-system/web"):
        parent_body(ApplySet("web"), [ApplySet("web").parent_key], None)


@pytest.fixture
def cluster() -> LocalCluster:
    return open_cluster(default_cluster=False)


def configmap(name: str, namespace: str, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
    }


def test_members_are_the_labelled_objects_of_the_listed_kinds(cluster: LocalCluster) -> None:
    web = ApplySet("web")
    cluster.create(configmap("a", "default", web.member_labels))
    cluster.create(configmap("b", "default", ApplySet("db").member_labels))
    save_inventory(cluster, "web", {ObjectKey("ConfigMap", "default", "a", "v1")})
    cluster.create(configmap("late", "default", web.member_labels))  # labelled later, by anyone
    keys, found = members(cluster, "web")
    assert keys == {ObjectKey("ConfigMap", "default", "a"), ObjectKey("ConfigMap", "default", "late")}
    assert set(found) == keys
    # a kind the parent does not list is not looked at
    cluster.create(
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x", "labels": web.member_labels}}
    )
    assert members(cluster, "web")[0] == keys


def test_members_refuse_a_foreign_parent(cluster: LocalCluster) -> None:
    cluster.create({**parent("kubectl/v1.37", ApplySet("web").id), "data": {}})
    with pytest.raises(PlanError, match=r'managed by "kubectl/v1\.37"'):
        members(cluster, "web")
    with pytest.raises(PlanError, match=r'managed by "kubectl/v1\.37"'):
        save_inventory(cluster, "web", [])


def test_an_old_set_is_read_and_moved_to_the_standard(cluster: LocalCluster) -> None:
    cluster.create(configmap("labelled", "default", {LEGACY_LABEL: "web"}))
    cluster.create(configmap("listed", "default", {}))
    cluster.store.put_note(INVENTORY_TOPIC, "web", [["ConfigMap", "default", "listed", "v1"]])
    keys, _ = members(cluster, "web")
    assert keys == {
        ObjectKey("ConfigMap", "default", "labelled"),
        ObjectKey("ConfigMap", "default", "listed"),
    }
    save_inventory(cluster, "web", keys)
    for name in ("labelled", "listed"):
        labels = cluster.get("ConfigMap", name, "default")["metadata"]["labels"]
        assert labels == {PART_OF_LABEL: ApplySet("web").id}
    assert cluster.store.get_note(INVENTORY_TOPIC, "web") is None
    assert members(cluster, "web")[0] == keys


def test_a_plan_that_prunes_nothing_lists_no_member_but_refuses_as_one_that_does(
    cluster: LocalCluster,
) -> None:
    web = ApplySet("web")
    cluster.create(configmap("a", "default", web.member_labels))
    save_inventory(cluster, "web", {ObjectKey("ConfigMap", "default", "a", "v1")})
    assert members(cluster, "web", bodies=False)[0] == {ObjectKey("ConfigMap", "default", "a")}
    assert members(cluster, "web", bodies=False, keys_needed=False) == (set(), {})
    # a parent listing a kind this cluster does not serve is refused either way
    listed = cluster.get("ConfigMap", "web", "kube-system")
    annotations = {
        **listed["metadata"]["annotations"],
        GROUP_KINDS_ANNOTATION: "ConfigMap,Widget.example.com",
    }
    cluster.update({**listed, "metadata": {**listed["metadata"], "annotations": annotations}})
    for keys_needed in (True, False):
        with pytest.raises(PlanError, match=r"members of kind Widget\.example\.com, which this cluster"):
            members(cluster, "web", bodies=False, keys_needed=keys_needed)
