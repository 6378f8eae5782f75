"""Field ownership of writes that are not server-side apply: Update entries with the fields each write
added or changed (the scale and status subresources' own), and the conflicts a later server-side
apply then meets."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from manikit.errors import ConflictError, InvalidError
from manikit.fields import check_manager, describe, field_set, from_fields_v1, merge_applied, record_update

T0, T1 = "2025-01-01T00:00:00Z", "2025-01-01T00:01:00Z"
REPLICAS = ("f:spec", "f:replicas")
IMAGE = ("f:spec", "f:template", "f:spec", "f:containers", 'k:{"name":"c"}', "f:image")


def deploy(replicas: int = 2, image: str = "nginx", **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d", "namespace": "default", "labels": {"app": "d", **labels}},
        "spec": {
            "replicas": replicas,
            "template": {"spec": {"containers": [{"name": "c", "image": image}]}},
        },
        "status": {"replicas": 0},
    }


def owners(body: dict[str, Any]) -> dict[tuple[str, str, str], set[tuple[str, ...]]]:
    return {
        (m["manager"], m["operation"], m.get("subresource", "")): from_fields_v1(m["fieldsV1"])
        for m in body["metadata"]["managedFields"]
    }


def test_a_manager_name_is_printable_and_at_most_128_characters() -> None:
    assert check_manager("kubectl-edit") == "kubectl-edit"
    for bad in ("m" * 129, "tab\there"):
        with pytest.raises(InvalidError) as caught:
            check_manager(bad)
        assert caught.value.reason == "Invalid" and "at most 128 characters" in caught.value.message


def test_a_create_owns_every_field_it_set_but_status() -> None:
    body = deploy()
    record_update(None, body, "creator", T0)
    [(who, fields)] = owners(body).items()
    assert who == ("creator", "Update", "")
    assert {REPLICAS, IMAGE, ("f:metadata", "f:labels", "f:app")} <= fields
    assert not any(p[0] == "f:status" for p in fields) and ("f:metadata", "f:name") not in fields
    assert body["metadata"]["managedFields"][0]["time"] == T0


def test_a_create_records_what_an_update_of_an_empty_object_would_byte_for_byte() -> None:
    from manikit.runtime.store.codec import dumps

    created, updated = deploy(), deploy()
    record_update(None, created, "creator", T0)
    # the general path: an update of an object with no field of its own, by the same manager
    record_update({"metadata": {"name": "d", "namespace": "default"}}, updated, "creator", T0)
    assert dumps(created) == dumps(updated)
    nothing = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "managedFields": []}}
    record_update(None, nothing, "creator", T0)
    assert "managedFields" not in nothing["metadata"]  # no field set: no entry


def test_an_update_takes_the_fields_it_changes_from_every_other_manager() -> None:
    live = deploy()
    record_update(None, live, "creator", T0)
    new = copy.deepcopy(live)
    new["spec"]["replicas"] = 5
    new["metadata"]["labels"]["tier"] = "web"
    record_update(live, new, "scaler", T1)
    found = owners(new)
    assert found[("scaler", "Update", "")] == {REPLICAS, ("f:metadata", "f:labels", "f:tier")}
    assert REPLICAS not in found[("creator", "Update", "")] and IMAGE in found[("creator", "Update", "")]


def test_removed_fields_leave_their_owners_and_an_unchanged_owner_keeps_its_time() -> None:
    live = deploy(tier="web")
    record_update(None, live, "creator", T0)
    new = copy.deepcopy(live)
    del new["metadata"]["labels"]["tier"]
    record_update(live, new, "editor", T1)
    found = owners(new)
    assert ("f:metadata", "f:labels", "f:tier") not in found[("creator", "Update", "")]
    assert ("editor", "Update", "") not in found  # it only removed: it owns nothing
    again = copy.deepcopy(new)
    record_update(new, again, "creator", T1)  # a write that changes nothing
    assert [m["time"] for m in again["metadata"]["managedFields"]] == [T0]


def test_a_scale_is_recorded_with_its_subresource_and_an_apply_then_conflicts() -> None:
    applied = deploy()
    live = merge_applied({"metadata": {}}, applied, field_set(applied), "kubectl", False, T0)
    scaled = copy.deepcopy(live)
    scaled["spec"]["replicas"] = 3
    record_update(live, scaled, "kubectl", T1, "scale")
    found = owners(scaled)
    assert found[("kubectl", "Update", "scale")] == {REPLICAS}
    assert REPLICAS not in found[("kubectl", "Apply", "")]  # the same name, another manager
    with pytest.raises(ConflictError) as caught:
        merge_applied(scaled, applied, field_set(applied), "kubectl", False, T1)
    assert caught.value.message == (
        'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" '
        f"using apps/v1 at {T1}: .spec.replicas"
    )
    forced = merge_applied(scaled, applied, field_set(applied), "kubectl", True, T1)
    assert ("kubectl", "Update", "scale") not in owners(forced)


def test_several_conflicts_are_grouped_by_manager_as_kube_prints_them() -> None:
    live = deploy()
    record_update(None, live, "creator", T0)
    wanted = deploy(replicas=4, image="nginx:2")
    with pytest.raises(ConflictError) as caught:
        merge_applied(live, wanted, field_set(wanted), "me", False, T1)
    assert caught.value.message == (
        f'Apply failed with 2 conflicts: conflicts with "creator" using apps/v1 at {T0}:\n'
        '- .spec.replicas\n- .spec.template.spec.containers[name="c"].image'
    )
    assert describe({"manager": "a", "operation": "Apply"}) == '"a"'


def test_a_body_may_reset_its_managed_fields() -> None:
    live = deploy()
    record_update(None, live, "creator", T0)
    new = copy.deepcopy(live)
    new["metadata"]["managedFields"] = [{}]  # kube's way to clear them
    new["spec"]["replicas"] = 7
    record_update(live, new, "resetter", T1)
    assert set(owners(new)) == {("resetter", "Update", "")}


def test_a_status_write_owns_the_status_fields_it_changed_and_leaves_the_rest() -> None:
    live = deploy()
    record_update(None, live, "creator", T0)
    new = copy.deepcopy(live)
    new["status"] = {"replicas": 2, "readyReplicas": 2}
    new["spec"]["replicas"] = 9  # not the status subresource's to change: never owned by it
    record_update(live, new, "kube-controller-manager", T1, "status")
    found = owners(new)
    assert found[("kube-controller-manager", "Update", "status")] == {
        ("f:status", "f:replicas"),
        ("f:status", "f:readyReplicas"),
    }
    assert REPLICAS in found[("creator", "Update", "")]
    cleared = copy.deepcopy(new)
    del cleared["status"]
    record_update(new, cleared, "kube-controller-manager", T1, "status")
    assert ("kube-controller-manager", "Update", "status") not in owners(cleared)


def test_a_status_write_that_sets_an_annotation_owns_it_and_takes_it_from_its_owner() -> None:
    """kube's field manager tracks every field a status write changes that its strategy does not
    reset: a Deployment's revision annotation, written with its status, is the status entry's."""
    live = deploy()
    live["metadata"]["annotations"] = {"deployment.kubernetes.io/revision": "1", "team": "a"}
    record_update(None, live, "creator", T0)
    new = copy.deepcopy(live)
    new["metadata"]["annotations"]["deployment.kubernetes.io/revision"] = "2"
    new["status"] = {"observedGeneration": 1}
    record_update(live, new, "kube-controller-manager", T1, "status")
    found = owners(new)
    revision = ("f:metadata", "f:annotations", "f:deployment.kubernetes.io/revision")
    assert found[("kube-controller-manager", "Update", "status")] == {
        revision,
        ("f:status", "f:observedGeneration"),
    }
    assert revision not in found[("creator", "Update", "")]
    assert ("f:metadata", "f:annotations", "f:team") in found[("creator", "Update", "")]
    dropped = copy.deepcopy(new)
    del dropped["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
    record_update(new, dropped, "kube-controller-manager", T1, "status")
    assert owners(dropped)[("kube-controller-manager", "Update", "status")] == {
        ("f:status", "f:observedGeneration")
    }
