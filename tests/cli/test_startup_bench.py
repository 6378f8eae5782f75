"""bench/startup.py runs and prints its lines, floors included, for one interpreter or two (nothing
asserted about time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "startup.py"
CASES = (
    "python -c pass (the floor)",
    "python -c 'import typer'",
    "typer + pydantic, one model",
    "typer + pydantic, one deferred model",
    "stack floor: + ruamel.yaml, Deployment models",
    "manikit --help",
    "manikit validate one file",
    "manikit validate one Service",
    "manikit lint one file",
)


def test_compare_times_both_interpreters_case_by_case(tmp_path: Path) -> None:
    # a relative --file, from another directory: the bench resolves it before it runs the commands
    example = BENCH.parents[1] / "examples" / "app" / "web-deployment.yaml"
    (tmp_path / "one.yaml").write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(BENCH), "--runs", "1", "--compare", sys.executable, "--file", "one.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    timed = [line.strip() for line in lines if " ms median, " in line]
    expected = [f"{case} ({tag})" for case in CASES for tag in ("this", "compare")]
    assert [line.split("  ")[0].strip() for line in timed] == expected
    assert lines[0].startswith("start-up: whole processes, 1 runs each, on one.yaml")
    assert sum(" ms above the stack floor" in line for line in lines) == 2
    assert sum(line.startswith("import time of `manikit validate one file`") for line in lines) == 2
