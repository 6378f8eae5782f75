"""The REST API through a client library (httpx): status codes, discovery media types, dry runs,
pages, watches, subresources, patches and field validation, as kube-apiserver answers them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.server.conftest import Served

AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"


@pytest.fixture(scope="module")
def api(server: Served) -> Iterator[httpx.Client]:
    with server.client() as client:
        client.post(
            "/api/v1/namespaces", json={"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "t"}}
        )
        yield client


def pod(name: str, **labels: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "labels": labels},
        "spec": {"containers": [{"name": "c", "image": "nginx"}]},
    }


def deployment(name: str, replicas: int = 1) -> dict[str, Any]:
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]},
            },
        },
    }


PODS = "/api/v1/namespaces/t/pods"
DEPLOYS = "/apis/apps/v1/namespaces/t/deployments"


def test_without_the_token_is_401(server: Served) -> None:
    with server.client() as client:
        client.headers.pop("Authorization")
        answer = client.get("/api/v1/pods")
    assert answer.status_code == 401 and answer.json()["reason"] == "Unauthorized"


def test_kubeconfig_is_private(server: Served) -> None:
    assert server.kubeconfig.stat().st_mode & 0o777 == 0o600
    assert server.url.startswith("https://127.0.0.1:")


def test_aggregated_discovery_has_the_exact_media_type(api: httpx.Client) -> None:
    answer = api.get("/apis", headers={"Accept": AGGREGATED + ",application/json"})
    assert answer.headers["content-type"] == AGGREGATED
    groups = {item["metadata"]["name"]: item for item in answer.json()["items"]}
    deploys = next(r for r in groups["apps"]["versions"][0]["resources"] if r["resource"] == "deployments")
    assert deploys["shortNames"] == ["deploy"] and deploys["categories"] == ["all"]
    scale = next(s for s in deploys["subresources"] if s["subresource"] == "scale")
    assert scale["responseKind"] == {"group": "autoscaling", "version": "v1", "kind": "Scale"}
    legacy = api.get("/apis", headers={"Accept": "application/json"})
    assert legacy.headers["content-type"] == "application/json" and legacy.json()["kind"] == "APIGroupList"
    core = api.get("/api/v1").json()
    assert {"pods", "pods/status", "pods/binding", "namespaces"} <= {r["name"] for r in core["resources"]}


@pytest.mark.parametrize(
    ("method", "path", "body", "code", "reason"),
    [
        ("GET", f"{PODS}/nope", None, 404, "NotFound"),
        ("GET", "/api/v1/widgets", None, 404, "NotFound"),
        (
            "POST",
            PODS,
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bad"}, "spec": {}},
            422,
            "Invalid",
        ),
        ("DELETE", f"{PODS}/nope", None, 404, "NotFound"),
        ("PATCH", f"{PODS}/nope", {}, 404, "NotFound"),
    ],
    ids=["get-missing", "unknown-resource", "invalid", "delete-missing", "patch-missing"],
)
def test_errors_are_status_objects(
    api: httpx.Client, method: str, path: str, body: Any, code: int, reason: str
) -> None:
    headers = {"Content-Type": "application/merge-patch+json"} if method == "PATCH" else {}
    answer = api.request(
        method, path, content=json.dumps(body) if body is not None else None, headers=headers
    )
    assert answer.status_code == code, answer.text
    status = answer.json()
    assert (status["kind"], status["status"], status["reason"], status["code"]) == (
        "Status",
        "Failure",
        reason,
        code,
    )


def test_create_twice_is_409_and_versions_grow(api: httpx.Client) -> None:
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "twice"},
        "spec": {"ports": [{"port": 80}]},
    }
    services = "/api/v1/namespaces/t/services"
    first = api.post(services, json=service)
    assert first.status_code == 201
    again = api.post(services, json=service)
    assert again.status_code == 409 and again.json()["reason"] == "AlreadyExists"
    changed = {**first.json(), "metadata": {**first.json()["metadata"], "labels": {"x": "1"}}}
    updated = api.put(f"{services}/twice", json=changed)
    assert updated.status_code == 200
    conflict = api.put(f"{services}/twice", json=changed)  # its resourceVersion is now stale
    assert conflict.status_code == 409 and conflict.json()["reason"] == "Conflict"
    versions = [first.json()["metadata"]["resourceVersion"], updated.json()["metadata"]["resourceVersion"]]
    assert all(isinstance(v, str) for v in versions) and int(versions[1]) > int(versions[0])


def test_protobuf_bodies_are_415(api: httpx.Client) -> None:
    answer = api.post(
        PODS, content=b"k8s\x00", headers={"Content-Type": "application/vnd.kubernetes.protobuf"}
    )
    assert answer.status_code == 415 and "kubectl apply -f" in answer.json()["message"]


def test_dry_run_stores_nothing_and_spends_no_revision(api: httpx.Client) -> None:
    before = api.get(PODS).json()["metadata"]["resourceVersion"]
    answer = api.post(PODS, params={"dryRun": "All"}, json=pod("dry"))
    assert answer.status_code == 201
    assert answer.json()["spec"]["containers"][0]["imagePullPolicy"] == "Always"  # defaulted
    assert api.get(f"{PODS}/dry").status_code == 404
    assert api.get(PODS).json()["metadata"]["resourceVersion"] == before


def test_list_pages_and_selectors(api: httpx.Client) -> None:
    for index in range(5):
        api.post(PODS, json=pod(f"page-{index}", tier="page"))
    seen, token = [], None
    while True:
        params = {"labelSelector": "tier=page", "limit": "2", **({"continue": token} if token else {})}
        body = api.get(PODS, params=params).json()
        seen += [p["metadata"]["name"] for p in body["items"]]
        token = body["metadata"].get("continue")
        if not token:
            break
    assert seen == [f"page-{i}" for i in range(5)]
    named = api.get(PODS, params={"fieldSelector": "metadata.name=page-3"}).json()["items"]
    assert [p["metadata"]["name"] for p in named] == ["page-3"]
    refused = api.get(PODS, params={"fieldSelector": "spec.bogus=1"})
    assert refused.status_code == 400


def _events(
    client: httpx.Client, path: str, params: dict[str, str], count: int, until: str | None = None
) -> list[dict[str, Any]]:
    """The first ``count`` events of a watch, or those up to the ADDED event of pod ``until``."""
    found: list[dict[str, Any]] = []
    with client.stream("GET", path, params={"watch": "true", "timeoutSeconds": "5", **params}) as stream:
        for line in stream.iter_lines():
            if line:
                found.append(json.loads(line))
            if len(found) == count or (
                found and (found[-1]["type"], found[-1]["object"]["metadata"]["name"]) == ("ADDED", until)
            ):
                break
    return found


def test_watch_from_zero_replays_then_follows(api: httpx.Client) -> None:
    api.post(PODS, json=pod("w-a", tier="watch"))
    listed = api.get(PODS, params={"labelSelector": "tier=watch"}).json()
    replay = _events(api, PODS, {"labelSelector": "tier=watch", "resourceVersion": "0"}, 1)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in replay] == [("ADDED", "w-a")]
    api.post(PODS, json=pod("w-b", tier="watch"))
    since = {"labelSelector": "tier=watch", "resourceVersion": listed["metadata"]["resourceVersion"]}
    seen = [(e["type"], e["object"]["metadata"]["name"]) for e in _events(api, PODS, since, 20, until="w-b")]
    assert seen[-1] == ("ADDED", "w-b")
    assert ("ADDED", "w-a") not in seen  # no replay from a list's version; w-a may be MODIFIED (scheduled)


def test_watch_list_ends_initial_events_with_a_bookmark(api: httpx.Client) -> None:
    api.post(PODS, json=pod("wl", tier="wl"))
    params = {
        "labelSelector": "tier=wl",
        "sendInitialEvents": "true",
        "resourceVersionMatch": "NotOlderThan",
        "allowWatchBookmarks": "true",
    }
    found = _events(api, PODS, params, 2)
    assert found[0]["type"] == "ADDED"
    assert found[1]["type"] == "BOOKMARK"
    assert found[1]["object"]["metadata"]["annotations"] == {"k8s.io/initial-events-end": "true"}


def test_scale_subresource_and_table(api: httpx.Client) -> None:
    api.post(DEPLOYS, json=deployment("sc", 1))
    scale = api.get(f"{DEPLOYS}/sc/scale").json()
    assert (scale["kind"], scale["spec"]["replicas"], scale["status"]["selector"]) == ("Scale", 1, "app=sc")
    patched = api.patch(
        f"{DEPLOYS}/sc/scale",
        content=b'{"spec":{"replicas":3}}',
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.json()["spec"]["replicas"] == 3
    assert api.get(f"{DEPLOYS}/sc").json()["spec"]["replicas"] == 3
    table = api.get(DEPLOYS, headers={"Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"}).json()
    assert table["kind"] == "Table"
    assert [(c["name"], c["priority"]) for c in table["columnDefinitions"]][:2] == [("NAME", 0), ("READY", 0)]
    assert table["columnDefinitions"][-1] == {
        **table["columnDefinitions"][-1],
        "name": "SELECTOR",
        "priority": 1,
    }
    row = next(r for r in table["rows"] if r["cells"][0] == "sc")
    assert row["object"]["kind"] == "PartialObjectMetadata"


@pytest.mark.parametrize(
    ("media", "patch", "env"),
    [
        (
            "application/merge-patch+json",
            {
                "spec": {
                    "template": {
                        "spec": {
                            "containers": [{"name": "c", "image": "x", "env": [{"name": "B", "value": "2"}]}]
                        }
                    }
                }
            },
            ["B"],
        ),
        (
            "application/strategic-merge-patch+json",
            {
                "spec": {
                    "template": {
                        "spec": {"containers": [{"name": "c", "env": [{"name": "B", "value": "2"}]}]}
                    }
                }
            },
            ["A", "B"],
        ),
        (
            "application/strategic-merge-patch+json",
            {
                "spec": {
                    "template": {
                        "spec": {"containers": [{"name": "c", "env": [{"name": "A", "$patch": "delete"}]}]}
                    }
                }
            },
            [],
        ),
        (
            "application/json-patch+json",
            [
                {
                    "op": "add",
                    "path": "/spec/template/spec/containers/0/env/-",
                    "value": {"name": "C", "value": "3"},
                }
            ],
            ["A", "C"],
        ),
    ],
    ids=["merge-replaces-lists", "strategic-merges-by-key", "strategic-delete-directive", "json-patch"],
)
def test_patch_kinds(api: httpx.Client, media: str, patch: Any, env: list[str]) -> None:
    name = f"p-{abs(hash(media + json.dumps(patch))) % 10**8}"
    body = deployment(name)
    body["spec"]["template"]["spec"]["containers"][0]["env"] = [{"name": "A", "value": "1"}]
    assert api.post(DEPLOYS, json=body).status_code == 201
    answer = api.patch(
        f"{DEPLOYS}/{name}", content=json.dumps(patch).encode(), headers={"Content-Type": media}
    )
    assert answer.status_code == 200, answer.text
    containers = answer.json()["spec"]["template"]["spec"]["containers"]
    assert [e["name"] for e in containers[0].get("env") or []] == env


@pytest.mark.parametrize(
    ("mode", "code", "warned"), [("Strict", 400, False), ("Warn", 201, True), ("Ignore", 201, False)]
)
def test_field_validation(api: httpx.Client, mode: str, code: int, warned: bool) -> None:
    body = pod(f"fv-{mode.lower()}")
    body["spec"]["bogus"] = 1
    answer = api.post(PODS, params={"fieldValidation": mode}, json=body)
    assert answer.status_code == code, answer.text
    assert ('unknown field \\"spec.bogus\\"' in answer.headers.get("warning", "")) == warned
    if code == 201:
        assert "bogus" not in answer.json()["spec"]


def test_binding_and_status_subresources(api: httpx.Client) -> None:
    api.post(PODS, json={**pod("bound"), "spec": {**pod("bound")["spec"], "schedulerName": "nobody"}})
    binding = {
        "apiVersion": "v1",
        "kind": "Binding",
        "metadata": {"name": "bound"},
        "target": {"kind": "Node", "name": "node-2"},
    }
    assert api.post(f"{PODS}/bound/binding", json=binding).status_code == 201
    assert api.get(f"{PODS}/bound").json()["spec"]["nodeName"] == "node-2"
    again = api.post(f"{PODS}/bound/binding", json=binding)
    assert again.status_code == 409


def test_delete_with_a_wrong_uid_precondition_is_409(api: httpx.Client) -> None:
    api.post(PODS, json=pod("pre"))
    options = {"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": "not-it"}}
    answer = api.request("DELETE", f"{PODS}/pre", content=json.dumps(options))
    assert answer.status_code == 409 and "Precondition failed" in answer.json()["message"]
    assert api.request("DELETE", f"{PODS}/pre", params={"gracePeriodSeconds": "0"}).status_code == 200
    assert api.get(f"{PODS}/pre").status_code == 404


def test_writes_are_reconciled_in_the_background(api: httpx.Client) -> None:
    api.post(DEPLOYS, json=deployment("bg", 2))
    with api.stream(
        "GET",
        "/apis/apps/v1/namespaces/t/replicasets",
        params={"watch": "true", "timeoutSeconds": "10", "resourceVersion": "0"},
    ) as stream:
        for line in stream.iter_lines():
            if line and json.loads(line)["object"]["metadata"]["name"].startswith("bg-"):
                break
        else:
            pytest.fail("the deployment controller never made a ReplicaSet")


def test_delete_collection_by_label(api: httpx.Client) -> None:
    for name in ("dc-1", "dc-2"):
        api.post(PODS, json=pod(name, tier="dc"))
    api.post(PODS, json=pod("dc-keep", tier="other"))
    answer = api.request("DELETE", PODS, params={"labelSelector": "tier=dc"})
    assert answer.status_code == 200
    assert sorted(p["metadata"]["name"] for p in answer.json()["items"]) == ["dc-1", "dc-2"]
    left = api.get(PODS, params={"labelSelector": "tier in (dc,other)"}).json()["items"]
    kept = [p["metadata"]["name"] for p in left if "deletionTimestamp" not in p["metadata"]]
    assert kept == ["dc-keep"]  # a running pod deleted stays Terminating for its grace period
