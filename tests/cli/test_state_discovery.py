"""The state is found as git finds its repository: --state (before or after the subcommand), else
MANIKIT_STATE, else the nearest .manikit/state.db here or in a parent; read-only commands never create
one; a state in a directory that does not exist is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES

APP = str(EXAMPLES / "app")
ENV = {"MANIKIT_NOW": "2025-06-01T12:00:00Z", "NO_COLOR": "1"}


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project whose state was made by an apply at its root; the tests run in a subdirectory."""
    monkeypatch.delenv("MANIKIT_STATE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert run_cli("apply", "-f", APP, "-y", env=ENV).exit_code == 0
    (tmp_path / "deep" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "deep" / "sub")
    return tmp_path


def test_a_subdirectory_uses_the_nearest_parent_state_and_says_so(project: Path) -> None:
    result = run_cli("get", "deploy", "-n", "shop", env=ENV)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1].split()[:2] == ["web", "3/3"]
    assert result.stderr == f"using state {project / '.manikit' / 'state.db'} (from a parent directory)\n"
    assert not (project / "deep" / "sub" / ".manikit").exists()


def test_the_nearest_default_is_used_quietly(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    result = run_cli("get", "deploy", "-n", "shop", env=ENV)
    assert result.exit_code == 0 and result.stderr == ""


def test_manikit_state_wins_over_discovery_and_is_named(project: Path, tmp_path: Path) -> None:
    other = project / "other.db"
    assert run_cli("--state", str(other), "apply", "-f", APP, "-y", env=ENV).exit_code == 0
    result = run_cli(
        "scale", "deploy/web", "--replicas", "1", "-n", "shop", env={**ENV, "MANIKIT_STATE": str(other)}
    )
    assert result.exit_code == 0
    assert result.stderr.startswith(f"using state {other} (from MANIKIT_STATE)\n")
    parent = run_cli("get", "deploy", "-n", "shop", env=ENV)
    assert parent.stdout.splitlines()[1].split()[1] == "3/3"  # the parent's state was not touched


@pytest.mark.parametrize("place", ["before", "after"])
def test_state_option_before_or_after_the_subcommand(project: Path, place: str) -> None:
    state = str(project / ".manikit" / "state.db")
    args = (
        ["--state", state, "get", "po", "-n", "shop"]
        if place == "before"
        else ["get", "po", "-n", "shop", "--state", state]
    )
    result = run_cli(*args, env=ENV)
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 5
    assert result.stderr == ""  # given on the command line: no need to say it


@pytest.mark.parametrize(
    "args",
    [
        ("get", "pods"),
        ("describe", "deploy"),
        ("events",),
        ("rollout", "status", "deploy/web"),
        ("rollout", "history", "deploy/web"),
        ("plan", APP),
    ],
    ids=["get", "describe", "events", "rollout-status", "rollout-history", "plan"],
)
def test_read_only_commands_never_create_a_state(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.delenv("MANIKIT_STATE", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run_cli(*args, env=ENV)
    assert result.exit_code in (0, 1), result.stderr  # rollout of a missing deployment: NotFound
    assert (
        "note: no state at " in result.stderr and "created the embedded default cluster" not in result.stderr
    )
    assert list(tmp_path.iterdir()) == []


def test_plan_of_an_empty_state_shows_everything_created(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MANIKIT_STATE", raising=False)
    monkeypatch.chdir(tmp_path)
    result = run_cli("plan", APP, env=ENV)
    assert result.exit_code == 0
    assert result.stdout.startswith("Plan: 4 to add, 0 to change, 0 to destroy.")
    assert "pods on 3 nodes after this change" in result.stdout  # the default cluster, in memory


@pytest.mark.parametrize("how", ["option", "env"])
def test_a_state_in_a_missing_directory_is_an_error(tmp_path: Path, how: str) -> None:
    missing = tmp_path / "nonexistent" / "dir" / "state.db"
    env = {**ENV, "MANIKIT_STATE": str(missing)} if how == "env" else ENV
    args = ("apply", "-f", APP, "-y") if how == "env" else ("apply", "--state", str(missing), "-f", APP, "-y")
    result = run_cli(*args, env=env)
    assert result.exit_code == 2
    source = "MANIKIT_STATE" if how == "env" else "--state"
    assert f"error: {source} {missing}: the directory {missing.parent} does not exist" in result.stderr
    assert not (tmp_path / "nonexistent").exists()
