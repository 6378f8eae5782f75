"""The etcd backend beyond the shared suite: URLs, errors, the staged commit, losing a member."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manikit.errors import ConfigError, ConflictError, StateError
from manikit.runtime.store import open_store
from manikit.runtime.store.etcd_client import EtcdUrl, Gateway, parse_etcd_url, put_op
from manikit.runtime.store.etcd_commit import Committer
from manikit.runtime.store.paths import resolve_state_path
from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES
from tests.runtime.store.etcd_cluster import Cluster, require_etcd, start_cluster


def pod(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "x"}}}


@pytest.mark.parametrize(
    ("text", "endpoints", "prefix", "ops"),
    [
        ("etcd://127.0.0.1:2379/team", (("127.0.0.1", 2379),), "team", 128),
        ("etcd://a:1,b:2,c:3/x/y/?max_txn_ops=1024", (("a", 1), ("b", 2), ("c", 3)), "x/y", 1024),
        ("etcd://db.internal", (("db.internal", 2379),), "manikit", 128),
    ],
    ids=["one", "three-with-option", "defaults"],
)
def test_parse_etcd_url(text: str, endpoints: tuple[tuple[str, int], ...], prefix: str, ops: int) -> None:
    url = parse_etcd_url(text)
    assert (url.endpoints, url.prefix, url.max_txn_ops) == (endpoints, prefix, ops)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("etcd:///x", "name at least one endpoint"),
        ("etcd://h:port/x", "endpoint 'h:port' is not host:port"),
        ("etcd://h:1/x?max_txn_ops=0", "max_txn_ops='0' is not a positive whole number"),
        ("etcd://h:1/x?ttl=3", "unknown option 'ttl'"),
    ],
)
def test_bad_etcd_urls(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_etcd_url(text)


def test_state_option_keeps_an_etcd_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_state_path("etcd://h:1/p", tmp_path) == "etcd://h:1/p"
    monkeypatch.setenv("MANIKIT_STATE", "etcd://h:2/q")
    assert resolve_state_path(None, tmp_path) == "etcd://h:2/q"


def test_unreachable_names_every_endpoint() -> None:
    with pytest.raises(StateError, match=r"cannot reach etcd at etcd://127\.0\.0\.1:1,127\.0\.0\.1:2/p "):
        open_store("etcd://127.0.0.1:1,127.0.0.1:2/p")


def test_foreign_data_under_the_prefix_is_refused(etcd_cluster: Cluster) -> None:
    url = etcd_cluster.url()
    gateway = Gateway(parse_etcd_url(url))
    prefix = "/" + parse_etcd_url(url).prefix + "/"
    gateway.txn([], [put_op(prefix + "config/other-app", "{}")])
    with pytest.raises(
        StateError, match=r"holds data that is not manikit state \(key '/test-\w+/config/other-app'\)"
    ):
        open_store(url)
    other = etcd_cluster.url()
    gateway.txn([], [put_op("/" + parse_etcd_url(other).prefix + "/meta/format", "manikit-state/99")])
    with pytest.raises(StateError, match="in format 'manikit-state/99'"):
        open_store(other)


def test_concurrent_commit_is_refused_whole(etcd_cluster: Cluster) -> None:
    """Optimistic: the later of two overlapping commits is refused whole (SQLite's writers wait
    for its write lock instead: tests/runtime/test_store_processes.py)."""
    url = etcd_cluster.url()
    one, two = open_store(url), open_store(url)
    one.create("Pod", "default", "a", pod("a"))
    with pytest.raises(ConflictError, match=r"another writer committed first.*run the command again"):
        with one.transaction():
            one.create("Pod", "default", "b", pod("b"))
            two.create("Pod", "default", "c", pod("c"))
    assert [o.name for o in two.list("Pod")] == ["a", "c"]
    assert two.revision() == 2


class Crash(Exception):
    """Stands in for the writer dying at the worst moment."""


def test_a_writer_dying_after_the_commit_point_is_finished_by_the_next_reader(
    etcd_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = etcd_cluster.url()
    writer, reader = open_store(url), open_store(url)

    def die(self: Committer, pending: str) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(Committer, "roll_forward", die)
        with pytest.raises(Crash), writer.transaction():
            for index in range(200):
                writer.create("Pod", "big", f"p{index:03d}", pod(f"p{index:03d}"))
    # committed (meta/revision and meta/pending moved) but no chunk applied: the reader finishes it
    assert reader.count("Pod", "big") == 200
    assert reader.revision() == 200
    assert [h.revision for h in reader.history(198)] == [199, 200]


def test_a_writer_dying_before_the_commit_point_leaves_nothing(
    etcd_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = etcd_cluster.url()
    writer, reader = open_store(url), open_store(url)
    real_txn = Gateway.txn

    def txn(self: Gateway, compares: Any, success: Any, deadline: float | None = None) -> Any:
        if compares:  # the guarded commit txn: die just before it
            raise Crash
        return real_txn(self, compares, success, deadline)

    with monkeypatch.context() as patch:
        patch.setattr(Gateway, "txn", txn)
        with pytest.raises(Crash), writer.transaction():
            for index in range(200):
                writer.create("Pod", "big", f"p{index:03d}", pod(f"p{index:03d}"))
    assert reader.count("Pod", "big") == 0 and reader.revision() == 0
    reader.create("Pod", "big", "after", pod("after"))
    assert reader.revision() == 1


@pytest.fixture
def own_cluster(tmp_path: Path, etcd_cluster: Cluster) -> Cluster:
    """CI's cluster (its PIDs are exported), else a 3-member cluster this test may kill."""
    return etcd_cluster if etcd_cluster.pids and not etcd_cluster.procs else start_cluster(tmp_path / "etcd")


@pytest.mark.slow
def test_applies_keep_working_and_nothing_is_lost_when_a_member_dies(
    own_cluster: Cluster, tmp_path: Path
) -> None:
    if len(own_cluster.pids) < 3:
        pytest.fail("MANIKIT_TEST_ETCD_PIDS must name the 3 members' PIDs (set by .ci/run)")
    state = own_cluster.url()
    try:
        assert run_cli("apply", "--state", state, "--auto-approve", str(EXAMPLES / "app")).exit_code == 0
        before = _everything(state)
        own_cluster.kill(0)  # the first endpoint: every client meets the dead member first
        second = tmp_path / "second"
        second.mkdir()
        (second / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: second\n")
        applied = run_cli("apply", "--state", state, "--auto-approve", str(second))
        assert applied.exit_code == 0, applied.stderr
        for app in (EXAMPLES / "app", second):
            plan = run_cli("plan", "--state", state, str(app), "--detailed-exitcode")
            assert plan.exit_code == 0, plan.stdout + plan.stderr
        after = _everything(state)
        assert {
            key: rev for key, rev in after.items() if key[0] != "Namespace" or key[2] != "second"
        } == before
        assert ("Namespace", "", "second") in after
    finally:
        if own_cluster.procs:
            own_cluster.stop()


def _everything(state: str) -> dict[tuple[str, str, str], int]:
    """Every object's key and revision, read through a fresh connection."""
    store = open_store(state)
    kinds = {entry.kind for entry in store.history(0)}
    return {(o.kind, o.namespace, o.name): o.revision for kind in kinds for o in store.list(kind)}


def test_url_round_trip() -> None:
    assert str(EtcdUrl((("a", 1), ("b", 2)), "p")) == "etcd://a:1,b:2/p"


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", "Failed"), ("", "Skipped")], ids=["ci-fails", "local-skips"]
)
def test_missing_etcd_fails_in_ci_and_skips_locally(
    monkeypatch: pytest.MonkeyPatch, ci: str, outcome: str
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(BaseException, match="etcd is not installed") as caught:
        require_etcd()
    assert type(caught.value).__name__ == outcome


@pytest.mark.parametrize("count", [3, 200], ids=["one-txn", "staged"])
def test_a_commit_whose_answer_is_lost_is_not_reported_as_a_conflict(
    etcd_cluster: Cluster, monkeypatch: pytest.MonkeyPatch, count: int
) -> None:
    """The guarded commit reaches etcd but its answer does not (a member dies mid-request): the retry
    on the next member fails its guard, and the store recognizes its own commit by its txid."""
    from etcd3gw import exceptions
    from etcd3gw.client import Etcd3Client

    url = etcd_cluster.url()
    store = open_store(url)
    real_post = Etcd3Client.post
    lost: list[str] = []

    def post(self: Etcd3Client, target: str, *args: Any, json: Any = None, **kwargs: Any) -> Any:
        result = real_post(self, target, *args, json=json, **kwargs)
        guarded = target.endswith("/kv/txn") and json and json.get("compare")
        if guarded and json["compare"][0].get("target") == "MOD" and not lost:  # the commit's guard
            lost.append(target)
            raise exceptions.ConnectionTimeoutError("answer lost")
        return result

    with monkeypatch.context() as patch:
        patch.setattr(Etcd3Client, "post", post)
        with store.transaction():
            for index in range(count):
                store.create("Pod", "default", f"p{index:03d}", pod(f"p{index:03d}"))
    assert lost, "the commit's answer was never dropped"
    reader = open_store(url)
    assert reader.count("Pod") == count and reader.revision() == count
