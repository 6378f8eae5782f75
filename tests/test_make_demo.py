"""`make demo`, README's first command, runs on a fresh clone: lint -> plan -> apply -> get on
examples/app against the default cluster, then a plan with no changes. The virtualenv step is
replaced by this test's own interpreter (BIN); everything else is the Makefile's recipe as written."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_readme import fresh_clone


@pytest.mark.slow
def test_make_demo_runs_on_a_fresh_clone(tmp_path: Path) -> None:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    clone = fresh_clone(tmp_path)
    if not (clone / "Makefile").is_file():
        pytest.skip("not a git checkout: no Makefile to run")
    outer_make = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")  # under `make test` this is a sub-make otherwise
    env = {k: v for k, v in os.environ.items() if not k.startswith("MANIKIT") and k not in outer_make}
    env.update({"NO_COLOR": "1", "HOME": str(tmp_path), "MANIKIT_CACHE_DIR": "off"})
    done = subprocess.run(
        ["make", "--no-print-directory", "demo", "STAMP=", f"BIN={Path(sys.executable).parent}"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Apply complete! Resources: 4 added" in done.stdout
    assert done.stdout.rstrip().endswith("No changes. Your manifests match the recorded state.")
