"""`manikit rules` and `manikit rules explain`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import run_cli
from tests.lint.helpers import write


@pytest.fixture(autouse=True)
def _empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_lists_code_name_level_enabled() -> None:
    result = run_cli("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CODE", "NAME", "DEFAULT", "ENABLED", "SUMMARY"]
    row = next(line for line in lines if line.startswith("MK106 "))
    assert row.split()[1:4] == ["missing-cpu-limit", "off", "no"]
    row = next(line for line in lines if line.startswith("MK002 "))
    assert row.split()[1:4] == ["unknown-field", "error", "always"]


def test_enabled_column_follows_the_config(tmp_path: Path) -> None:
    write(tmp_path, ".manikit.yaml", "rules:\n  missing-cpu-limit: error\n  naked-pod: off\n")
    lines = run_cli("rules").stdout.splitlines()
    assert next(line for line in lines if line.startswith("MK106 ")).split()[3:5] == ["yes", "(error)"]
    assert next(line for line in lines if line.startswith("MK308 ")).split()[3] == "no"


@pytest.mark.parametrize("name", ["MK102", "mk102", "limit-below-request"])
def test_explain_by_code_or_name(name: str) -> None:
    result = run_cli("rules", "explain", name)
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "MK102 limit-below-request (an error of the Kubernetes API server: validation check, always on)\n"
    )
    for section in ("## What it does", "## Why it matters", "## Example", "## Fix"):
        assert section in result.stdout


def test_explain_a_validation_check() -> None:
    result = run_cli("rules", "explain", "invalid-quantity")
    assert result.exit_code == 0
    assert "validation check, always on" in result.stdout and '"128Mi"' not in result.stderr


@pytest.mark.parametrize(
    ("code", "headline"),
    [
        ("MK021", "MK021 undefined-value (template check, always on)"),
        ("MK015", "MK015 unknown-kind (an error of the Kubernetes API server: validation check, always on)"),
        ("MK012", "MK012 empty-file (validation check, always on)"),
        ("MK900", "MK900 invalid-suppression (validation check, always on)"),
    ],
)
def test_explain_knows_every_code_of_the_catalogue(code: str, headline: str) -> None:
    result = run_cli("rules", "explain", code)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == headline


def test_explain_unknown_rule_exit_2() -> None:
    result = run_cli("rules", "explain", "MK999")
    assert result.exit_code == 2
    assert result.stderr == "error: unknown rule 'MK999'; `manikit rules` lists them\n"
