"""`manikit apply` runs without the cyclic collector (cli/main.py ``collector_off``): its objects are
trees that reference counting frees. These tests keep that true, and keep the collector's state
where in-process callers expect it."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import manikit.apply.executor as executor
from tests.cli.helpers import many_apps, run_cli

NOW = {"MANIKIT_NOW": "2025-01-01T00:00:00Z"}


def _docs(count: int, image: str) -> str:
    """``count`` Deployments of 2 replicas (scheduled onto the default nodes) and their Services."""
    return many_apps(count, replicas=2, image=image)


@pytest.fixture
def collector_paused() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _cycles_left_by_applies(tmp: Path, count: int) -> list[int]:
    """Garbage cycles the collector finds after each of two applies (create, then a rolling update
    awaited with --wait) of ``count`` Deployments and Services, the collector off meanwhile."""
    tmp.mkdir()
    found = []
    for image in ("nginx:1.26", "nginx:1.27"):
        (tmp / "m.yaml").write_text(_docs(count, image), encoding="utf-8")
        result = run_cli(
            "apply", "--state", str(tmp / "s.db"), "--auto-approve", "--wait", str(tmp / "m.yaml"), env=NOW
        )
        assert result.exit_code == 0, result.stderr
        found.append(gc.collect())
    return found


def test_an_apply_leaves_no_cycles_per_object(tmp_path: Path, collector_paused: None) -> None:
    """What an apply leaves to the cyclic collector does not grow with what it applies: ten times the
    objects (and their pods, ReplicaSets, rolling updates) leave no more cycles."""
    _cycles_left_by_applies(tmp_path / "warm", 2)  # first imports and caches: cycles of their own
    few = _cycles_left_by_applies(tmp_path / "few", 4)
    many = _cycles_left_by_applies(tmp_path / "many", 40)
    assert max(many) <= max(few) + 20, (few, many)


def test_the_collector_is_off_while_an_apply_runs_and_back_on_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    execute = executor.execute

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return execute(*args, **kwargs)

    monkeypatch.setattr(executor, "execute", watched)  # as the command reads it, when it runs
    (tmp_path / "m.yaml").write_text(_docs(1, "nginx:1.27"), encoding="utf-8")
    assert gc.isenabled()
    result = run_cli("apply", "--state", str(tmp_path / "s.db"), "--auto-approve", str(tmp_path / "m.yaml"))
    assert result.exit_code == 0, result.stderr
    assert seen == [False]
    assert gc.isenabled()  # in-process callers get it back


def test_a_failed_apply_turns_the_collector_back_on_too(tmp_path: Path) -> None:
    result = run_cli(
        "apply", "--state", str(tmp_path / "s.db"), "--auto-approve", str(tmp_path / "none.yaml")
    )
    assert result.exit_code != 0
    assert gc.isenabled()


def test_the_console_entry_leaves_it_off_as_the_process_ends(tmp_path: Path) -> None:
    """run() ends the process right after the command: turning the collector back on would only let
    it walk everything the apply made once more."""
    (tmp_path / "m.yaml").write_text(_docs(1, "nginx:1.27"), encoding="utf-8")
    entry = (
        "import gc, sys; from manikit.cli.main import main\n"
        "code = main(sys.argv[1:], process_ends=True); print('collector', gc.isenabled()); sys.exit(code)"
    )
    args = ["apply", "--state", str(tmp_path / "s.db"), "--auto-approve", str(tmp_path / "m.yaml")]
    done = subprocess.run([sys.executable, "-c", entry, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("collector False")
    validate = [sys.executable, "-c", entry, "validate", str(tmp_path / "m.yaml")]
    validated = subprocess.run(validate, capture_output=True, text=True, timeout=120)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.rstrip().endswith("collector True")  # other commands leave it alone
