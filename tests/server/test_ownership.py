"""Field ownership of writes that are not server-side apply: managers named as kube-apiserver names
them, Update entries with the fields each write added or changed, and the conflicts a later
server-side apply then meets; without a server, through httpx and through the real kubectl."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from manikit.errors import InvalidError
from manikit.fields import from_fields_v1
from manikit.server.ownership import manager_name
from tests.fields.test_ownership import IMAGE, REPLICAS, deploy, owners
from tests.server.conftest import Served
from tests.server.test_kubectl import deployment, namespace, ok


def test_the_manager_is_field_manager_else_the_user_agent_prefix() -> None:
    assert manager_name({"fieldManager": "kubectl-edit"}, "kubectl/v1.37.1 (linux/amd64)") == "kubectl-edit"
    assert manager_name({}, "kubectl/v1.37.1 (linux/amd64) kubernetes/f78e722") == "kubectl"
    assert manager_name({}, "python-httpx/0.28") == "python-httpx"
    assert manager_name({}, "x" * 200) == "x" * 128
    with pytest.raises(InvalidError) as caught:
        manager_name({"fieldManager": "m" * 129}, "")
    assert caught.value.reason == "Invalid" and "at most 128 characters" in caught.value.message


# Through the server ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def api(server: Served) -> Iterator[httpx.Client]:
    with server.client() as client:
        namespace(server, "own")
        yield client


DEPLOYS = "/apis/apps/v1/namespaces/own/deployments"


def _managers(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    entries = body["metadata"]["managedFields"]
    return [(m["manager"], m["operation"], m.get("subresource", "")) for m in entries]


def test_writes_through_the_api_record_their_managers(api: httpx.Client) -> None:
    body = deploy()
    body["metadata"] = {"name": "h", "labels": {"app": "h"}}
    body["spec"]["selector"] = {"matchLabels": {"app": "h"}}
    body["spec"]["template"]["metadata"] = {"labels": {"app": "h"}}
    created = api.post(DEPLOYS, json=body, params={"fieldManager": "maker"})
    assert created.status_code == 201, created.text
    fields = from_fields_v1(created.json()["metadata"]["managedFields"][0]["fieldsV1"])
    assert ("f:spec", "f:progressDeadlineSeconds") in fields  # the defaults belong to the creator too
    patched = api.patch(
        f"{DEPLOYS}/h",
        content=json.dumps({"metadata": {"labels": {"x": "1"}}}),
        headers={"Content-Type": "application/merge-patch+json", "User-Agent": "my-tool/1.0 (linux)"},
    )
    mine = [m for m in _managers(patched.json()) if m[0] != "kube-controller-manager"]  # its status
    assert mine == [("maker", "Update", ""), ("my-tool", "Update", "")]
    scaled = api.patch(
        f"{DEPLOYS}/h/scale",
        content=json.dumps({"spec": {"replicas": 4}}),
        headers={"Content-Type": "application/merge-patch+json"},
        params={"fieldManager": "autoscaler"},
    )
    assert scaled.status_code == 200
    after = api.get(f"{DEPLOYS}/h").json()
    assert ("autoscaler", "Update", "scale") in _managers(after)
    del after["metadata"]["resourceVersion"]  # the controllers write its status meanwhile
    dry = api.put(
        f"{DEPLOYS}/h",
        json={**after, "spec": {**after["spec"], "replicas": 1}},
        params={
            "dryRun": "All",
            "fieldManager": "dreamer",
        },
    )
    assert dry.status_code == 200, dry.text
    assert ("dreamer", "Update", "") in _managers(dry.json())
    assert ("dreamer", "Update", "") not in _managers(api.get(f"{DEPLOYS}/h").json())
    bad = api.patch(
        f"{DEPLOYS}/h",
        content=b"{}",
        headers={"Content-Type": "application/merge-patch+json"},
        params={"fieldManager": "m" * 129},
    )
    assert bad.status_code == 422 and bad.json()["reason"] == "Invalid"


def test_a_status_write_is_recorded_with_its_subresource(api: httpx.Client) -> None:
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "own-status", "labels": {"t": "a"}}}
    assert api.post("/api/v1/namespaces", json=body, params={"fieldManager": "maker"}).status_code == 201
    live = api.get("/api/v1/namespaces/own-status").json()
    status = {**live, "status": {"phase": "Active", "conditions": [{"type": "Probe", "status": "True"}]}}
    written = api.put("/api/v1/namespaces/own-status/status", json=status, params={"fieldManager": "prober"})
    assert written.status_code == 200, written.text
    after = api.get("/api/v1/namespaces/own-status").json()
    entries = {(m["manager"], m.get("subresource", "")): m for m in after["metadata"]["managedFields"]}
    assert set(entries) == {("maker", ""), ("prober", "status")}
    owned = from_fields_v1(entries[("prober", "status")]["fieldsV1"])
    assert owned == {
        ("f:status", "f:conditions", 'k:{"type":"Probe"}', "."),
        ("f:status", "f:conditions", 'k:{"type":"Probe"}', "f:type"),
        ("f:status", "f:conditions", 'k:{"type":"Probe"}', "f:status"),
    }  # the phase it wrote as it was is not a change: not taken
    assert not any(p[0] == "f:status" for p in from_fields_v1(entries[("maker", "")]["fieldsV1"]))


def test_kubectl_scale_then_server_side_apply_conflicts_with_the_scaler(server: Served) -> None:
    ns = namespace(server, "own-ssa")
    ok(server.kubectl("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("s", 2)))
    ok(server.kubectl("scale", "deploy/s", "--replicas=5", "-n", ns))
    ok(server.kubectl("label", "deploy/s", "tier=web", "-n", ns))
    again = server.kubectl("apply", "--server-side", "-n", ns, "-f", "-", input=deployment("s", 2))
    assert again.returncode == 1
    assert 'conflict with "kubectl" with subresource "scale" using apps/v1 at ' in again.stderr
    assert again.stderr.split("\n")[0].endswith(": .spec.replicas")
    forced = ["apply", "--server-side", "--force-conflicts", "-n", ns, "-f", "-"]
    ok(server.kubectl(*forced, input=deployment("s", 2)))
    body = json.loads(ok(server.kubectl("get", "deploy/s", "-n", ns, "-o", "json", "--show-managed-fields")))
    assert body["spec"]["replicas"] == 2
    found = owners(body)
    assert REPLICAS in found[("kubectl", "Apply", "")] and ("kubectl", "Update", "scale") not in found
    assert found[("kubectl-label", "Update", "")] == {("f:metadata", "f:labels", "f:tier")}


def test_kubectl_edit_and_client_side_apply_are_their_own_managers(server: Served) -> None:
    ns = namespace(server, "own-edit")
    ok(server.kubectl("apply", "-n", ns, "-f", "-", input=deployment("e", 1)))
    editor = {"KUBE_EDITOR": "sed -i s/nginx:1.25/nginx:1.27/"}
    edited = server.kubectl("edit", "deploy/e", "-n", ns, env=editor)
    assert edited.returncode == 0, edited.stderr
    body = json.loads(ok(server.kubectl("get", "deploy/e", "-n", ns, "-o", "json", "--show-managed-fields")))
    image = (*IMAGE[:4], 'k:{"name":"main"}', "f:image")
    found = owners(body)
    assert image in found[("kubectl-edit", "Update", "")]
    assert (*image[:-1], ".") not in found[("kubectl-edit", "Update", "")]  # the item was there before
    assert image not in found[("kubectl-client-side-apply", "Update", "")]
