"""manikit's read-modify-write commands survive a write made between their read and their write (a
controller of a running ``manikit serve``, another terminal): the stale write is refused with 409
Conflict, the command reads again and lands its change, and the other write is kept, not overwritten."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from manikit.cluster import LocalCluster, open_cluster
from manikit.runtime.clock import parse_time
from tests.cli.cluster_state import NOW, State
from tests.runtime.control_plane import deployment

INTERLOPER = "someone-else"


@pytest.fixture
def racing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """The first update of each object is preceded by another writer's label change on that object."""
    original = LocalCluster.update
    raced: list[str] = []

    def update(self: LocalCluster, obj: Any, **kwargs: Any) -> Any:
        name = obj["metadata"]["name"]
        if name not in raced:
            raced.append(name)
            other = open_cluster(tmp_path / "s.db", now=parse_time(NOW))
            try:
                current = other.get(obj["kind"], name, obj["metadata"].get("namespace"))
                labels = {**(current["metadata"].get("labels") or {}), "raced": "yes"}
                original(other, {**current, "metadata": {**current["metadata"], "labels": labels}})
            finally:
                other.close()
        return original(self, obj, **kwargs)

    monkeypatch.setattr(LocalCluster, "update", update)
    yield raced


@pytest.mark.parametrize(
    ("command", "kind", "name", "check"),
    [
        (
            ("scale", "deploy/web", "--replicas", "4"),
            "Deployment",
            "web",
            lambda o: o["spec"]["replicas"] == 4,
        ),
        (("rollout", "pause", "deploy/web"), "Deployment", "web", lambda o: o["spec"]["paused"] is True),
        (
            ("rollout", "restart", "deploy/web"),
            "Deployment",
            "web",
            lambda o: "kubectl.kubernetes.io/restartedAt" in o["spec"]["template"]["metadata"]["annotations"],
        ),
        (
            ("patch", "deploy", "web", "-p", '{"metadata":{"annotations":{"a":"b"}}}'),
            "Deployment",
            "web",
            lambda o: o["metadata"]["annotations"]["a"] == "b",
        ),
        (("nodes", "cordon", "node-1"), "Node", "node-1", lambda o: o["spec"]["unschedulable"] is True),
        (
            ("nodes", "taint", "node-1", "dedicated=db:NoSchedule"),
            "Node",
            "node-1",
            lambda o: {"key": "dedicated", "value": "db", "effect": "NoSchedule"} in o["spec"]["taints"],
        ),
    ],
    ids=["scale", "rollout-pause", "rollout-restart", "patch", "cordon", "taint"],
)
def test_a_write_in_between_is_kept_and_the_command_lands(
    tmp_path: Path, racing: list[str], command: tuple[str, ...], kind: str, name: str, check: Any
) -> None:
    state = State(tmp_path / "s.db")
    state.seed(deployment(replicas=1))
    result = state.run(*command, "--for", "0s") if command[0] != "nodes" else state.run(*command)
    assert result.exit_code == 0, result.stderr
    assert racing == [name]  # the race did happen
    with open_cluster(tmp_path / "s.db", now=parse_time(NOW)) as cluster:
        found = cluster.get(kind, name, "default" if kind == "Deployment" else None)
    assert found["metadata"]["labels"]["raced"] == "yes"  # the other writer's change survived
    assert check(found)
