"""The ASGI app's own dispatch: API requests go straight to ``Server.handle`` (read from the scope as
Starlette's ``Request`` reads it); the dashboard and other methods still go through Starlette."""

from __future__ import annotations

import gc
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():  # starlette's TestClient on httpx (what it runs on here) is deprecated
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from manikit.cli.columns import headers_for, rows_for
from manikit.server.app import create_app
from manikit.server.backend import Backend
from manikit.server.table import TABLE_MEDIA, Columns

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    backend = Backend.open(tmp_path / "state.db")
    app = create_app(backend, Columns(headers_for, rows_for), TOKEN)
    try:
        with TestClient(app, base_url="https://testserver") as test_client:
            yield test_client
    finally:
        gc.unfreeze()  # what the served app froze: the rest of the tests' process


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}])
def test_api_requests_need_the_token(client: TestClient, headers: dict[str, str]) -> None:
    answer = client.get("/api/v1/namespaces", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["reason"] == "Unauthorized"


def test_get_and_list_answer_json(client: TestClient) -> None:
    listed = client.get("/api/v1/namespaces/", headers=AUTH)  # a trailing slash is the same path
    assert listed.status_code == 200
    assert listed.headers["content-type"] == "application/json"
    assert "kube-system" in [n["metadata"]["name"] for n in listed.json()["items"]]
    one = client.get("/api/v1/namespaces/kube-system", headers=AUTH)
    assert one.json()["metadata"]["name"] == "kube-system"
    table = client.get("/api/v1/namespaces", headers={**AUTH, "Accept": TABLE_MEDIA})
    assert table.headers["content-type"] == TABLE_MEDIA
    assert table.json()["kind"] == "Table"
    missing = client.get("/api/v1/namespaces/nowhere", headers=AUTH)
    assert missing.status_code == 404
    assert missing.json()["details"] == {"name": "nowhere", "kind": "namespaces"}


def test_a_repeated_query_parameter_is_its_last_value(client: TestClient) -> None:
    good, bad = "fieldSelector=metadata.name%3Ddefault", "fieldSelector=spec.bogus%3Dx"
    assert client.get(f"/api/v1/namespaces?{bad}&{good}", headers=AUTH).status_code == 200
    answer = client.get(f"/api/v1/namespaces?{good}&{bad}", headers=AUTH)
    assert answer.status_code == 400
    assert "spec.bogus" in answer.json()["message"]


def test_a_write_reads_its_body(client: TestClient) -> None:
    body = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    created = client.post("/api/v1/namespaces", json=body, headers=AUTH)
    assert created.status_code == 201, created.text
    assert client.get("/api/v1/namespaces/shop", headers=AUTH).json()["metadata"]["name"] == "shop"


def test_other_methods_and_the_dashboard_go_through_starlette(client: TestClient) -> None:
    assert client.options("/api/v1/namespaces", headers=AUTH).status_code == 405
    head = client.head("/api", headers=AUTH)
    assert head.status_code == 200
    assert head.headers["content-type"] == "application/json"
    page = client.get("/ui/")  # no token: the dashboard's sign-in page, not an API Status
    assert page.status_code == 401
    assert page.headers["content-type"].startswith("text/html")


def test_the_warm_cache_is_frozen_out_of_the_collectors_passes(client: TestClient) -> None:
    deadline = time.monotonic() + 30
    while client.get("/readyz", headers=AUTH).status_code != 200:  # the reconciler warmed the cache first
        assert time.monotonic() < deadline, "the server never became ready"
        time.sleep(0.05)
    assert gc.get_freeze_count() > 0
