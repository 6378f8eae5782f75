"""Plans against a real cluster's answers that only a real cluster gives (admission webhooks, quota),
replayed from recorded responses of kube-apiserver: each refused object is a refusal in the plan, in
the server's own words, and nothing is applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from lightkube import Client, KubeConfig

from manikit.cluster import FIELD_MANAGER
from manikit.cluster.kubeconfig import Target
from manikit.cluster.remote import RemoteCluster
from manikit.errors import PlanError
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.plan.render.text import render_text
from tests.conftest import write

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: "shop/api:1.2"}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "shop/web:2.0"}]}
---
apiVersion: v1
kind: Pod
metadata: {name: batch, namespace: shop}
spec: {containers: [{name: batch, image: "shop/batch:1"}]}
---
apiVersion: v1
kind: Service
metadata: {name: front, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
"""

#: Recorded answers of kube-apiserver 1.3x to server-side apply with dryRun=All (bodies as sent).
RECORDED: dict[str, tuple[int, dict[str, Any]]] = {
    # a validating webhook (OPA Gatekeeper) that denies with 403
    "api": (
        403,
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": 'admission webhook "validation.gatekeeper.sh" denied the request: '
            '[require-team-label] you must provide labels: {"team"}',
            "reason": "Forbidden",
            "code": 403,
        },
    ),
    # an object-count ResourceQuota
    "web": (
        403,
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": 'deployments.apps "web" is forbidden: exceeded quota: object-counts, requested: '
            "count/deployments.apps=1, used: count/deployments.apps=10, limited: count/deployments.apps=10",
            "reason": "Forbidden",
            "details": {"name": "web", "group": "apps", "kind": "deployments"},
            "code": 403,
        },
    ),
    # a compute ResourceQuota that a pod without limits cannot enter
    "batch": (
        403,
        {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": 'pods "batch" is forbidden: failed quota: compute-resources: must specify '
            "limits.cpu for: batch; limits.memory for: batch",
            "reason": "Forbidden",
            "details": {"name": "batch", "kind": "pods"},
            "code": 403,
        },
    ),
}


def _list(kind: str) -> dict[str, Any]:
    return {"kind": f"{kind}List", "apiVersion": "v1", "metadata": {"resourceVersion": "4242"}, "items": []}


class RecordedServer:
    """Answers as the recorded kube-apiserver: nothing exists yet; dry-run applies get RECORDED's
    answer, or the object back as the server would default it."""

    def __init__(self) -> None:
        self.writes: list[httpx2.Request] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        path, method = request.url.path, request.method
        if method == "GET" and path == "/api/v1/namespaces/kube-system":
            body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system", "uid": "c1"}}
            return httpx2.Response(200, json=body)
        if method == "GET" and (path.count("/") in (3, 4) or "labelSelector" in str(request.url)):
            return httpx2.Response(200, json=_list(path.rsplit("/", 1)[-1].capitalize()))
        if method == "GET":
            name = path.rsplit("/", 1)[-1]
            status = {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound"}
            return httpx2.Response(404, json={**status, "message": f'"{name}" not found', "code": 404})
        assert method == "PATCH", (method, path)
        assert request.url.params.get("dryRun") == "All", "a plan never writes"
        assert request.url.params.get("fieldManager") == FIELD_MANAGER
        assert request.headers["content-type"] == "application/apply-patch+yaml"
        self.writes.append(request)
        name = path.rsplit("/", 1)[-1]
        if name in RECORDED:
            code, body = RECORDED[name]
            return httpx2.Response(code, json=body)
        sent = json.loads(request.content)
        made = {"uid": "u-" + name, "resourceVersion": "4243", "creationTimestamp": "2026-11-30T00:00:00Z"}
        sent["metadata"].update(made)
        if sent["kind"] == "Service":
            sent["spec"].update(type="ClusterIP", clusterIP="10.96.0.10", sessionAffinity="None")
        return httpx2.Response(201, json=sent)


@pytest.fixture
def recorded() -> tuple[RemoteCluster, RecordedServer]:
    config = KubeConfig.from_dict(
        {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "prod", "cluster": {"server": "https://kube.example.test:6443"}}],
            "users": [{"name": "ci", "user": {"token": "recorded"}}],
            "contexts": [{"name": "prod", "context": {"cluster": "prod", "user": "ci"}}],
            "current-context": "prod",
        }
    ).get()
    cluster = RemoteCluster(Target(config, ()))
    server = RecordedServer()
    cluster.client.close()
    transport = httpx2.MockTransport(server)
    cluster.client = Client(config=config, field_manager=FIELD_MANAGER, transport=transport)
    return cluster, server


def test_webhook_and_quota_denials_are_refusals_in_the_servers_words(
    recorded: tuple[RemoteCluster, RecordedServer], tmp_path: Path
) -> None:
    cluster, server = recorded
    desired = load_desired([str(write(tmp_path, "shop.yaml", MANIFESTS))])
    plan = make_plan(cluster, desired, applyset="shop")
    assert [str(c.key) for c in plan.changes] == ["Service/shop/front"]
    assert not plan.atomic
    by_name = {r.key.name: r for r in plan.refusals}
    assert set(by_name) == {"api", "web", "batch"}
    assert by_name["api"].reason == "Forbidden"
    assert by_name["api"].message == (
        'Error from server (Forbidden): admission webhook "validation.gatekeeper.sh" denied the request: '
        '[require-team-label] you must provide labels: {"team"}'
    )
    assert "exceeded quota: object-counts" in by_name["web"].message
    assert "must specify limits.cpu for: batch" in by_name["batch"].message
    assert all(r.source.startswith(str(tmp_path)) for r in plan.refusals)
    text = "".join(line.text + "\n" for line in render_text(plan))
    summary = "Plan: 1 to add, 0 to change, 0 to destroy. 3 refused by the cluster: nothing will be applied."
    assert summary in text
    assert "Error: Deployment/shop/api would be refused" in text
    assert "one by one, not as one transaction" in text
    # the server's defaulting is the server's
    assert '+ spec.sessionAffinity: "None" # (server default)' in text
    assert '+ spec.clusterIP: "10.96.0.10" # (server default)' in text
    assert len(server.writes) == 4  # one dry run per object, nothing else written

    from manikit.apply.executor import execute

    with pytest.raises(PlanError, match="would refuse 3 object"):
        execute(cluster, plan)
    assert len(server.writes) == 4
