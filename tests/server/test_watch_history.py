"""The served watch's bounded history: compaction, and 410 Expired for versions before the window
(watches end with an ERROR event, stale continue tokens are a 410), through httpx and kubectl."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from manikit.server.backend import HistoryEntry
from manikit.server.history import Expired, WatchHistory
from tests.cli.helpers import run_cli
from tests.server.conftest import Served, start_server

PODS = "/api/v1/namespaces/default/pods"
KEPT = 3  # the server under test keeps three revisions


class FakeBackend:
    """A store whose every revision is one write of a Pod (odd) or a Service (even)."""

    def __init__(self) -> None:
        self.rev = 0
        self.reads: list[tuple[int, list[str] | None]] = []

    def write(self, count: int) -> None:
        self.rev += count

    def revision(self) -> int:
        return self.rev

    def history(self, since: int, kinds: list[str] | None) -> list[HistoryEntry]:
        self.reads.append((since, kinds))
        found = [
            HistoryEntry(r, "ADDED", "Pod" if r % 2 else "Service", "default", f"o{r}", {"metadata": {}})
            for r in range(since + 1, self.rev + 1)
        ]
        return [e for e in found if kinds is None or e.kind in kinds]


def _window(capacity: int, start: int = 0) -> tuple[WatchHistory, Any]:
    backend = FakeBackend()
    backend.write(start)
    return WatchHistory(capacity, start), backend


def test_the_window_is_the_last_capacity_revisions() -> None:
    history, backend = _window(5)
    backend.write(12)
    assert [e.revision for e in history.since(backend, 7, "Pod")] == [9, 11]
    assert (history.floor, history.head) == (7, 12)
    assert [e.revision for e in history.since(backend, 10, "Service")] == [12]
    assert backend.reads == [(7, ["Pod"]), (10, ["Service"])]
    with pytest.raises(Expired, match=r"too old resource version: 6 \(7\)"):
        history.since(backend, 6, "Pod")
    assert len(backend.reads) == 2  # refused before reading anything


def test_the_window_starts_at_the_start_and_moves_with_new_writes() -> None:
    history, backend = _window(4, start=10)
    with pytest.raises(Expired):
        history.check(9)  # before the server started
    backend.write(2)
    assert [e.revision for e in history.since(backend, 10, "Pod")] == [11]
    backend.write(5)
    history.compact(backend.revision())  # as the reconciler does, with no watch open
    assert (history.floor, history.head) == (13, 17)
    assert [e.revision for e in history.since(backend, 13, "Pod")] == [15, 17]
    with pytest.raises(Expired, match="continue parameter is too old"):
        history.check_continue(12)
    history.check_continue(13)


def test_a_window_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one revision"):
        WatchHistory(0, 0)


def test_serve_refuses_a_watch_history_below_one(tmp_path: Path) -> None:
    result = run_cli("serve", "--state", str(tmp_path / "s.db"), "--watch-history", "0")
    assert result.exit_code == 2
    assert "--watch-history must be at least 1, not 0" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    served = start_server(tmp_path_factory.mktemp("serve-window"), "--watch-history", str(KEPT))
    yield served
    assert served.stop() == 0, (served.root / "serve.log").read_text()


def _service(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"ports": [{"port": 80}]},
    }


def _version(client: httpx.Client, path: str = "/api/v1/namespaces/default/services") -> int:
    return int(client.get(path).json()["metadata"]["resourceVersion"])


def _write(client: httpx.Client, prefix: str, count: int) -> None:
    for index in range(count):
        answer = client.post("/api/v1/namespaces/default/services", json=_service(f"{prefix}-{index}"))
        assert answer.status_code == 201, answer.text


def _watch(client: httpx.Client, version: int) -> list[dict[str, Any]]:
    params = {"watch": "true", "timeoutSeconds": "2", "resourceVersion": str(version)}
    with client.stream("GET", "/api/v1/namespaces/default/services", params=params) as stream:
        assert stream.status_code == 200
        return [json.loads(line) for line in stream.iter_lines() if line]


def test_a_watch_within_the_window_resumes(small: Served) -> None:
    with small.client() as client:
        version = _version(client)
        _write(client, "near", 2)
        names = [e["object"]["metadata"]["name"] for e in _watch(client, version)]
        assert names == ["near-0", "near-1"]


def test_a_watch_from_a_compacted_version_ends_with_410_expired(small: Served) -> None:
    with small.client() as client:
        version = _version(client)
        _write(client, "far", KEPT + 2)
        events = _watch(client, version)
        assert [e["type"] for e in events] == ["ERROR"]
        status = events[0]["object"]
        assert (status["kind"], status["reason"], status["code"]) == ("Status", "Expired", 410)
        assert status["message"].startswith(f"too old resource version: {version} (")
        # relisting gives a version the watch serves again, as a reflector does after a 410
        fresh = _version(client)
        _write(client, "again", 1)
        assert [e["object"]["metadata"]["name"] for e in _watch(client, fresh)] == ["again-0"]


def test_a_continue_token_from_before_the_window_is_410(small: Served) -> None:
    with small.client() as client:
        _write(client, "page", 2)
        first = client.get("/api/v1/namespaces/default/services", params={"limit": "1"}).json()
        token = first["metadata"]["continue"]
        _write(client, "later", KEPT + 1)
        answer = client.get("/api/v1/namespaces/default/services", params={"limit": "1", "continue": token})
        assert answer.status_code == 410
        body = answer.json()
        assert (body["reason"], body["code"]) == ("Expired", 410)
        assert "continue parameter is too old" in body["message"]


def test_kubectl_sees_the_expired_watch_and_list(small: Served) -> None:
    with small.client() as client:
        _write(client, "listed", 2)  # two pages however the tests were shared out (-n 2)
        version = _version(client)
        first = client.get("/api/v1/namespaces/default/services", params={"limit": "1"}).json()
        _write(client, "kube", KEPT + 1)
    path = f"/api/v1/namespaces/default/services?watch=true&timeoutSeconds=2&resourceVersion={version}"
    watched = small.kubectl("get", "--raw", path)
    assert watched.returncode == 0, watched.stderr
    event = json.loads(watched.stdout.splitlines()[0])
    assert event["type"] == "ERROR" and event["object"]["reason"] == "Expired"
    assert "too old resource version" in event["object"]["message"]
    token = first["metadata"]["continue"]
    listed = small.kubectl("get", "--raw", f"/api/v1/namespaces/default/services?limit=1&continue={token}")
    assert listed.returncode == 1
    assert "Error from server (Expired)" in listed.stderr and "continue parameter is too old" in listed.stderr
