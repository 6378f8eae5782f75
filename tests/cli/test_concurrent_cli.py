"""Two manikit processes writing to one state at once: both succeed, nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from manikit.runtime.api import Api
from manikit.runtime.store import open_store
from tests.cli.cluster_state import State
from tests.runtime.control_plane import deployment

pytestmark = pytest.mark.slow


def test_two_processes_scaling_at_once(tmp_path: Path) -> None:
    state = State(tmp_path / "state.db")
    state.seed(deployment("a", replicas=1), deployment("b", replicas=1))
    exe = Path(sys.executable).with_name("manikit")
    env = {**os.environ, **state.env}
    procs = [
        subprocess.Popen(
            [str(exe), "--state", str(state.path), "scale", "deploy", name, "--replicas", "6"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    store = open_store(state.path)
    api = Api(store)
    for name in ("a", "b"):
        assert api.get("Deployment", name)["status"]["readyReplicas"] == 6
        assert len(api.list("Pod", selector={"app": name})) == 6
    history = list(store.history(0))
    assert [h.revision for h in history] == list(range(1, len(history) + 1))
