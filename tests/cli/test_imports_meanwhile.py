"""`manikit apply` imports what applying needs (the API, the controllers, the scheduler, numpy) while
the load's worker processes parse the manifests, not before (cli/apply_cmd.py ``import_applying``),
and `manikit plan` its scheduling preview's (cli/plan_support.py ``import_preview``): the same
output and state either way."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest

import manikit.cli.apply_cmd as apply_cmd
import manikit.cli.plan_cmd as plan_cmd
from manikit.validate import pieces
from tests.cli.helpers import many_apps, run_cli

NOW = {"MANIKIT_NOW": "2025-01-01T00:00:00Z"}


def test_the_apply_machinery_is_not_imported_with_the_command() -> None:
    """What the command module imports itself leaves the controllers to ``import_applying``, and a
    saved plan's models to an apply of a plan file."""
    code = (
        "import sys, manikit.cli.apply_cmd\n"
        "print(sorted(m for m in ('manikit.apply.executor', 'manikit.apply.report', "
        "'manikit.runtime.controllers', 'manikit.plan.planfile', 'numpy') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_apply_imports_its_machinery_while_the_workers_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(many_apps(40), encoding="utf-8")
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 1000)  # the file in pieces, for the workers
    workers_alive: list[int] = []
    real = apply_cmd.import_applying

    def watched() -> None:
        workers_alive.append(len(multiprocessing.active_children()))
        real()

    monkeypatch.setattr(apply_cmd, "import_applying", watched)
    state = tmp_path / "s.db"
    done = run_cli("apply", "--state", str(state), "--auto-approve", "--jobs", jobs, str(manifest), env=NOW)
    assert done.exit_code == 0, done.stderr
    assert "Apply complete! Resources: 80 added" in done.stdout
    assert len(workers_alive) == 1  # once
    assert (workers_alive[0] > 0) == (jobs == "2")  # with workers: while they load
    listed = run_cli("get", "deployments,services", "-A", "--state", str(state))
    assert listed.exit_code == 0 and listed.stdout.count("web-") == 80, listed.stderr


def test_an_apply_of_a_plan_file_imports_its_machinery_too(tmp_path: Path) -> None:
    """No load, no workers: the plan file's apply still finds what it runs."""
    manifest = tmp_path / "m.yaml"
    manifest.write_text(many_apps(2), encoding="utf-8")
    state, saved = tmp_path / "s.db", tmp_path / "p.mkplan"
    planned = run_cli("plan", "--state", str(state), "-out", str(saved), str(manifest), env=NOW)
    assert planned.exit_code in (0, 2), planned.stderr
    done = run_cli("apply", "--state", str(state), "--auto-approve", str(saved), env=NOW)
    assert done.exit_code == 0, done.stderr
    assert "Apply complete! Resources: 4 added" in done.stdout


@pytest.mark.parametrize("preview", [True, False])
def test_a_plan_imports_its_preview_while_the_workers_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, preview: bool
) -> None:
    manifest = tmp_path / "m.yaml"
    manifest.write_text(many_apps(40, replicas=1), encoding="utf-8")
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 1000)
    workers_alive: list[int] = []

    def watched() -> None:
        workers_alive.append(len(multiprocessing.active_children()))

    monkeypatch.setattr(plan_cmd, "import_preview", watched)
    flag = "--preview" if preview else "--no-preview"
    done = run_cli("plan", "--state", str(tmp_path / "s.db"), "--jobs", "2", flag, str(manifest), env=NOW)
    assert done.exit_code == 0, done.stderr
    assert "Plan: 80 to add" in done.stdout
    assert ("Scheduling preview (40 pods on 3 nodes" in done.stdout) == preview, done.stdout[-800:]
    assert workers_alive == ([workers_alive[0]] if preview else [])
    assert not preview or workers_alive[0] > 0
