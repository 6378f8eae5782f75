"""manikit's own writes record their field managers as kubectl's do (``manikit-scale``,
``manikit-rollout``, ``manikit-patch``, ``manikit-cordon``, ``manikit-taint``), so a later
server-side apply by ``manikit`` conflicts with what they set, naming them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from manikit.cluster import FIELD_MANAGER, open_cluster
from manikit.errors import ConflictError
from manikit.fields import from_fields_v1
from tests.cli.cluster_state import State
from tests.runtime.control_plane import deployment


def managers(state: State, *what: str) -> dict[str, set[tuple[str, ...]]]:
    """Each manager's fields, as ``manikit get -o yaml`` shows them."""
    shown = state.run("get", *what, "-o", "yaml")
    assert shown.exit_code == 0, shown.stderr
    body: dict[str, Any] = YAML(typ="safe", pure=True).load(shown.stdout)
    return {m["manager"]: from_fields_v1(m["fieldsV1"]) for m in body["metadata"].get("managedFields") or []}


def test_scale_owns_the_replicas_and_an_apply_then_conflicts_with_it(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state.seed(deployment(replicas=1))
    assert state.run("scale", "deploy/web", "--replicas", "5").exit_code == 0
    assert managers(state, "deploy", "web")["manikit-scale"] == {("f:spec", "f:replicas")}
    wanted = deployment(replicas=3)
    with open_cluster(tmp_path / "s.db") as cluster:
        with pytest.raises(
            ConflictError, match=r'conflict with "manikit-scale" using apps/v1 at .*: \.spec\.replicas'
        ):
            cluster.apply(wanted)
        assert cluster.apply(wanted, force=True)["spec"]["replicas"] == 3
    after = managers(state, "deploy", "web")
    assert "manikit-scale" not in after and ("f:spec", "f:replicas") in after[FIELD_MANAGER]


@pytest.mark.parametrize(
    ("command", "manager", "field"),
    [
        (("rollout", "pause", "deploy/web"), "manikit-rollout", ("f:spec", "f:paused")),
        (
            ("rollout", "restart", "deploy/web"),
            "manikit-rollout",
            ("f:spec", "f:template", "f:metadata", "f:annotations", "f:kubectl.kubernetes.io/restartedAt"),
        ),
        (("patch", "deploy", "web", "-p", '{"metadata":{"labels":{"t":"x"}}}'), "manikit-patch", None),
    ],
    ids=["rollout-pause", "rollout-restart", "patch"],
)
def test_write_commands_name_their_manager(
    tmp_path: Path, command: tuple[str, ...], manager: str, field: tuple[str, ...] | None
) -> None:
    state = State(tmp_path / "s.db")
    state.seed(deployment())
    done = state.run(*command)
    assert done.exit_code == 0, done.stderr
    owned = managers(state, "deploy", "web")[manager]
    assert owned == {field or ("f:metadata", "f:labels", "f:t")}


def test_cordon_and_taint_name_theirs(tmp_path: Path) -> None:
    state = State(tmp_path / "s.db")
    state.seed(deployment())
    assert state.run("nodes", "cordon", "node-1").exit_code == 0
    assert state.run("nodes", "taint", "node-1", "dedicated=db:NoSchedule").exit_code == 0
    found = managers(state, "node", "node-1")
    assert found["manikit-cordon"] == {("f:spec", "f:unschedulable")}
    assert found["manikit-taint"] == {("f:spec", "f:taints")}


def test_apply_shows_the_revision_annotation_owned_by_the_controllers_status_write(tmp_path: Path) -> None:
    """After `manikit apply`, `get -o yaml` shows a Deployment's managedFields as kube's: the
    deployment controller's revision annotation belongs to its status subresource's entry (upstream
    writes it with UpdateStatus), and `rollout history` reads the revision."""
    state = State(tmp_path / "s.db")
    manifest = tmp_path / "web.yaml"
    YAML().dump(deployment(replicas=0), manifest)
    applied = state.run("apply", "--auto-approve", str(manifest))
    assert applied.exit_code == 0, applied.stderr
    shown = state.run("get", "deploy", "web", "-o", "yaml")
    body: dict[str, Any] = YAML(typ="safe", pure=True).load(shown.stdout)
    entries = {(m["manager"], m.get("subresource", "")): m for m in body["metadata"]["managedFields"]}
    assert set(entries) == {(FIELD_MANAGER, ""), ("kube-controller-manager", "status")}
    owned = from_fields_v1(entries[("kube-controller-manager", "status")]["fieldsV1"])
    assert ("f:metadata", "f:annotations", "f:deployment.kubernetes.io/revision") in owned
    assert body["metadata"]["annotations"] == {"deployment.kubernetes.io/revision": "1"}
    assert body["metadata"]["generation"] == body["status"]["observedGeneration"] == 1
    history = state.run("rollout", "history", "deploy/web")
    assert history.exit_code == 0, history.stderr
    assert history.stdout.split("\n")[1:3] == ["REVISION   CHANGE-CAUSE", "1          <none>"]
