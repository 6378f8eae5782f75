"""``RemoteCluster`` against a running ``manikit serve`` on 127.0.0.1 (the remote cluster of these
tests): reads, writes with dry-run and field managers, server-side apply and its conflicts, errors in
kubectl's words, watch, events, identity, the local plan key and the seeded simulation."""

from __future__ import annotations

import itertools
import json
import stat
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from manikit.cluster import open_cluster
from manikit.cluster.remote import RemoteCluster
from manikit.cluster.remote_simulation import RemoteSimulation
from manikit.errors import (
    AlreadyExistsError,
    ConfigError,
    ConflictError,
    InvalidError,
    NotFoundError,
    StateError,
)
from tests.runtime.control_plane import deployment, pod, service
from tests.server.conftest import Served, server  # noqa: F401  (the module's server fixture)

_names = itertools.count()
STEP = timedelta(milliseconds=50)


@pytest.fixture
def remote(server: Served) -> Iterator[RemoteCluster]:  # noqa: F811
    cluster = open_cluster(context="manikit", kubeconfig=server.kubeconfig)
    assert isinstance(cluster, RemoteCluster)
    with cluster:
        yield cluster


@pytest.fixture
def ns(remote: RemoteCluster) -> str:
    """A fresh namespace per test (one server serves the whole module)."""
    name = f"t{next(_names)}"
    remote.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return name


def _in(ns: str, body: dict[str, Any]) -> dict[str, Any]:
    return {**body, "metadata": {**body["metadata"], "namespace": ns}}


def test_identity_is_the_kube_system_uid_and_location_names_no_secret(
    remote: RemoteCluster,
    server: Served,  # noqa: F811
) -> None:
    uid = remote.get("Namespace", "kube-system")["metadata"]["uid"]
    assert remote.identity == uid
    assert remote.location == f"{server.url} (context manikit)"
    assert server.token and server.token not in remote.location
    assert remote.defaults_locally is False and remote.atomic_batches is False


def test_revision_is_a_lists_resource_version_and_grows(remote: RemoteCluster, ns: str) -> None:
    before = remote.revision()
    remote.create(_in(ns, service("web")))
    assert remote.revision() > before


def test_create_get_find_list_with_selectors(remote: RemoteCluster, ns: str) -> None:
    made = remote.create(_in(ns, service("web")))
    assert made["metadata"]["uid"] and made["spec"]["clusterIP"]
    assert remote.get("Service", "web", ns)["metadata"]["uid"] == made["metadata"]["uid"]
    assert remote.find("Service", "nope", ns) is None
    labelled = _in(ns, service("db")) | {"metadata": {"name": "db", "namespace": ns, "labels": {"t": "x"}}}
    remote.create(labelled)
    assert [b["metadata"]["name"] for b in remote.list("Service", ns)] == ["db", "web"]
    assert [b["metadata"]["name"] for b in remote.list("Service", ns, "t=x")] == ["db"]
    assert [b["metadata"]["name"] for b in remote.list("Service", ns, {"t": "x"})] == ["db"]
    assert [b["metadata"]["name"] for b in remote.list("Service", ns, "t notin (x),!nope")] == ["web"]
    everywhere = remote.list("Service")
    assert {(b["metadata"]["namespace"], b["kind"]) for b in everywhere} >= {(ns, "Service")}


def test_errors_are_kubectls_words(remote: RemoteCluster, ns: str) -> None:
    with pytest.raises(NotFoundError) as missing:
        remote.get("Pod", "nope", ns)
    assert missing.value.kubectl_message() == 'Error from server (NotFound): pods "nope" not found'
    remote.create(_in(ns, service("web")))
    with pytest.raises(AlreadyExistsError, match='services "web" already exists'):
        remote.create(_in(ns, service("web")))
    with pytest.raises(InvalidError) as invalid:
        remote.create(_in(ns, deployment("bad", replicas=-1)))
    assert any(c.field == "spec.replicas" for c in invalid.value.causes)
    with pytest.raises(NotFoundError, match='resource type "Widget"'):
        remote.get("Widget", "x", ns)


def test_update_refuses_a_stale_version(remote: RemoteCluster, ns: str) -> None:
    made = remote.create(_in(ns, service("web")))
    fresh = remote.update({**made, "metadata": {**made["metadata"], "labels": {"v": "1"}}})
    assert fresh["metadata"]["labels"] == {"v": "1"}
    with pytest.raises(ConflictError, match="has been modified"):
        remote.update({**made, "metadata": {**made["metadata"], "labels": {"v": "2"}}})


def test_patch_merges_and_names_its_manager(remote: RemoteCluster, ns: str) -> None:
    remote.create(
        _in(ns, service("web")) | {"metadata": {"name": "web", "namespace": ns, "labels": {"a": "1"}}}
    )
    patched = remote.patch(
        "Service", "web", ns, {"metadata": {"labels": {"a": None, "c": "3"}}}, manager="tester"
    )
    assert patched["metadata"]["labels"] == {"c": "3"}
    assert "tester" in {m["manager"] for m in patched["metadata"].get("managedFields") or []}


@pytest.mark.parametrize("write", ["create", "update", "patch", "apply", "delete"])
def test_dry_run_stores_nothing(remote: RemoteCluster, ns: str, write: str) -> None:
    live = remote.create(_in(ns, service("web")))
    quiet = remote.wait(lambda: remote.find("Endpoints", "web", ns) is not None, timedelta(seconds=10), STEP)
    assert quiet  # the endpoints controller's write is done: from here, only this test writes
    revision = remote.revision()
    labelled = {**live, "metadata": {**live["metadata"], "labels": {"v": "1"}}}
    answer = {
        "create": lambda: remote.create(_in(ns, service("db")), dry_run=True),
        "update": lambda: remote.update(labelled, dry_run=True),
        "patch": lambda: remote.patch(
            "Service", "web", ns, {"metadata": {"labels": {"v": "1"}}}, dry_run=True
        ),
        "apply": lambda: remote.apply(_in(ns, service("db")), dry_run=True),
        "delete": lambda: remote.delete("Service", "web", ns, dry_run=True),
    }[write]()
    assert answer["kind"] == "Service"
    assert remote.revision() == revision
    assert remote.find("Service", "db", ns) is None
    assert remote.get("Service", "web", ns)["metadata"].get("labels") is None


def test_apply_owns_fields_and_a_conflict_keeps_its_causes(remote: RemoteCluster, ns: str) -> None:
    applied = remote.apply(_in(ns, deployment("web", replicas=2)))
    assert [m["manager"] for m in applied["metadata"]["managedFields"]] == ["manikit"]
    other = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": ns}}
    with pytest.raises(ConflictError) as conflict:
        remote.apply(other | {"spec": {"replicas": 5}}, manager="autoscaler")
    assert [(c.reason, c.field) for c in conflict.value.causes] == [
        ("FieldManagerConflict", ".spec.replicas")
    ]
    assert 'conflict with "manikit"' in conflict.value.causes[0].message
    taken = remote.apply(other | {"spec": {"replicas": 5}}, manager="autoscaler", force=True)
    assert taken["spec"]["replicas"] == 5


def test_delete_answers_with_the_object(remote: RemoteCluster, ns: str) -> None:
    remote.create(_in(ns, service("web")))
    gone = remote.delete("Service", "web", ns, propagation="Foreground", grace_period=0)
    assert (gone["kind"], gone["metadata"]["name"]) == ("Service", "web")
    assert remote.find("Service", "web", ns) is None
    with pytest.raises(NotFoundError):
        remote.delete("Service", "web", ns)


def test_watch_replays_the_writes_since_a_revision(remote: RemoteCluster, ns: str) -> None:
    since = remote.revision()
    made = remote.create(_in(ns, service("web")))
    remote.update({**made, "metadata": {**made["metadata"], "labels": {"v": "1"}}})
    remote.delete("Service", "web", ns)
    seen = [(w.op, w.kind, w.name) for w in remote.watch(since, ["Service"]) if w.namespace == ns]
    assert seen == [
        ("ADDED", "Service", "web"),
        ("MODIFIED", "Service", "web"),
        ("DELETED", "Service", "web"),
    ]
    revisions = [w.revision for w in remote.watch(since, ["Service", "Namespace"])]
    assert revisions == sorted(revisions) and revisions[0] > since
    assert list(remote.watch(remote.revision())) == []


def test_events_and_the_schedulers_message(remote: RemoteCluster, ns: str) -> None:
    big = pod(
        "big",
        containers=[{"name": "main", "image": "busybox:1.36", "resources": {"requests": {"cpu": "64"}}}],
    )
    remote.create(_in(ns, big))

    def refused() -> bool:
        return remote.scheduling_verdicts(remote.get("Pod", "big", ns)) is not None

    assert remote.wait(refused, timedelta(seconds=20), timedelta(milliseconds=200))
    verdicts = remote.scheduling_verdicts(remote.get("Pod", "big", ns))
    assert verdicts is not None and "0/3 nodes are available" in verdicts.message and verdicts.nodes == ()
    events = remote.events(ns, remote.get("Pod", "big", ns))
    assert {e.reason for e in events} >= {"FailedScheduling"} and all(e.name == "big" for e in events)


def test_run_returns_at_once_and_wait_gives_up(remote: RemoteCluster) -> None:
    settled = remote.run()
    assert settled.settled and "own controllers" in settled.summary
    looks = itertools.count(1)
    assert remote.run(observe=lambda: next(looks) == 3).settled  # followed until observe says stop
    assert next(looks) == 4
    remote.run(timedelta(milliseconds=200), observe=lambda: False)  # or for run_for
    assert remote.wait(lambda: False, timedelta(milliseconds=300), timedelta(milliseconds=100)) is False


def test_the_apply_lock_holds_nothing(remote: RemoteCluster) -> None:
    with (
        remote.apply_lock("manikit apply a.yaml") as first,
        remote.apply_lock("manikit apply b.yaml") as second,
    ):
        assert first == {} == second


def test_the_plan_key_is_kept_on_this_machine(
    remote: RemoteCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert remote.signing_key() == ""
    key = remote.signing_key(create=True)
    assert len(key) == 64 and remote.signing_key() == key == remote.signing_key(create=True)
    (kept,) = (tmp_path / "manikit" / "plan-keys").iterdir()
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert remote.find("Namespace", "manikit") is None  # nothing written to the cluster


def test_a_simulation_holds_what_the_nodes_hold(remote: RemoteCluster, ns: str) -> None:
    remote.create(_in(ns, deployment("web", replicas=2, cpu="500m")))

    def running() -> bool:
        pods = remote.list("Pod", ns)
        return len(pods) == 2 and all(p["spec"].get("nodeName") for p in pods)

    assert remote.wait(running, timedelta(seconds=30), timedelta(milliseconds=200))
    simulation = remote.simulation()
    assert isinstance(simulation, RemoteSimulation)
    assert (simulation.identity, simulation.revision()) == (remote.identity, remote.revision())
    assert sorted(n["metadata"]["name"] for n in simulation.list("Node")) == ["node-1", "node-2", "node-3"]
    placed = sorted((p["metadata"]["name"], p["spec"]["nodeName"]) for p in simulation.list("Pod", ns))
    assert placed == sorted((p["metadata"]["name"], p["spec"]["nodeName"]) for p in remote.list("Pod", ns))
    simulation.create(_in(ns, deployment("more", replicas=1)))
    simulation.run()
    assert len(simulation.list("Pod", ns)) == 3  # the copies were adopted: no second rollout of web
    assert remote.find("Deployment", "more", ns) is None
    assert simulation.revision() > remote.revision()


def test_an_unreachable_server_is_one_clear_error(tmp_path: Path) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: gone\n"
        "clusters: [{name: gone, cluster: {server: 'https://127.0.0.1:9'}}]\n"
        "users: [{name: gone, user: {token: sekrit}}]\n"
        "contexts: [{name: gone, context: {cluster: gone, user: gone}}]\n"
    )
    with open_cluster(kubeconfig=config) as cluster, pytest.raises(StateError) as failed:
        cluster.list("Pod")
    message = str(failed.value)
    assert message.startswith("cannot reach the Kubernetes API server at https://127.0.0.1:9 (context gone)")
    assert "sekrit" not in message and "\n" not in message


@pytest.mark.parametrize("insecure", [True, False], ids=["insecure-skip-tls-verify", "verified"])
def test_tls_is_verified_unless_the_kubeconfig_says_otherwise(
    server: Served,  # noqa: F811
    tmp_path: Path,
    insecure: bool,
) -> None:
    config = tmp_path / "kubeconfig"
    skip = "true" if insecure else "false"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: m\n"
        f"clusters: [{{name: m, cluster: {{server: '{server.url}', insecure-skip-tls-verify: {skip}}}}}]\n"
        f"users: [{{name: m, user: {{token: '{server.token}'}}}}]\n"
        "contexts: [{name: m, context: {cluster: m, user: m}}]\n"
    )
    with open_cluster(kubeconfig=config) as cluster:
        if insecure:
            assert cluster.get("Namespace", "default")["metadata"]["name"] == "default"
        else:  # no certificate authority given: the server's own CA is not trusted
            with pytest.raises(
                StateError, match=r"cannot reach the Kubernetes API server.*CERTIFICATE_VERIFY_FAILED"
            ):
                cluster.get("Namespace", "default")


def test_credentials_from_an_exec_plugin(server: Served, tmp_path: Path) -> None:  # noqa: F811
    plugin = tmp_path / "token-plugin"
    credential = {
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "kind": "ExecCredential",
        "status": {"token": server.token},
    }
    plugin.write_text(f"#!/bin/sh\necho '{json.dumps(credential)}'\n")
    plugin.chmod(0o700)
    config = tmp_path / "kubeconfig"
    config.write_text(
        json.dumps(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "current-context": "m",
                "clusters": [
                    {"name": "m", "cluster": {"server": server.url, "certificate-authority": str(server.ca)}}
                ],
                "users": [
                    {
                        "name": "m",
                        "user": {"exec": {"apiVersion": credential["apiVersion"], "command": str(plugin)}},
                    }
                ],
                "contexts": [{"name": "m", "context": {"cluster": "m", "user": "m"}}],
            }
        )
    )
    with open_cluster(kubeconfig=config) as cluster:
        assert cluster.get("Namespace", "default")["metadata"]["name"] == "default"
    plugin.write_text("#!/bin/sh\necho 'denied' >&2\nexit 3\n")
    with (
        open_cluster(kubeconfig=config) as cluster,
        pytest.raises(ConfigError, match=r"cannot be used: Exec .* returned 3"),
    ):
        cluster.get("Namespace", "default")
