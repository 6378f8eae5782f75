"""`manikit plan` on a plan that moves no pod: the preview says what a simulation would, without one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manikit.apply import preview as preview_module
from manikit.cluster.local import LocalCluster
from manikit.cluster.seeded import seeded_simulation
from tests.apply.test_preview_shortcut import BASE, INERT, NAMESPACE, NODES, deployment, service
from tests.cli.helpers import run_cli

#: beside the default cluster's node-3 (4 cpu): six pods of 1.5 cpu, two of them Pending
SIX = ("replicas: 3", "replicas: 6")


@pytest.fixture
def simulations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = LocalCluster.simulation

    def counted(self: LocalCluster) -> LocalCluster:
        calls.append(1)
        return real(self)

    def counted_seeded(*args: Any) -> LocalCluster:
        calls.append(1)
        return seeded_simulation(*args)

    monkeypatch.setattr(LocalCluster, "simulation", counted)
    monkeypatch.setattr("manikit.apply.preview.seeded_simulation", counted_seeded)
    return calls


def plan_of(state: str, tmp_path: Path, manifests: str) -> str:
    path = tmp_path / "next.yaml"
    path.write_text(manifests)
    result = run_cli("plan", "--state", state, str(path))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_plan_of_services_and_idle_deployments_reports_pending_pods_without_simulating(
    tmp_path: Path, simulations: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    state = str(tmp_path / "state.db")
    (tmp_path / "base.yaml").write_text(BASE.replace(*SIX))
    assert run_cli("apply", "--state", state, "--auto-approve", str(tmp_path / "base.yaml")).exit_code == 0
    simulations.clear()
    shown = plan_of(state, tmp_path, INERT.replace(*SIX))
    assert simulations == []
    assert "Plan: 12 to add, 1 to change, 0 to destroy." in shown
    assert "! 2 pods would stay Pending:" in shown
    assert "Insufficient cpu" in shown
    with monkeypatch.context() as patch:
        patch.setattr(preview_module, "_needs_simulation", lambda *_: True)
        # the simulation says the same, word for word
        assert plan_of(state, tmp_path, INERT.replace(*SIX)) == shown
    assert simulations == [1]


def test_plan_that_scales_down_still_simulates(tmp_path: Path, simulations: list[int]) -> None:
    state = str(tmp_path / "state.db")
    (tmp_path / "base.yaml").write_text(BASE)
    assert run_cli("apply", "--state", state, "--auto-approve", str(tmp_path / "base.yaml")).exit_code == 0
    simulations.clear()
    shown = plan_of(state, tmp_path, NODES + NAMESPACE + deployment("web", 2) + service("web"))
    assert simulations == [1]
    assert "every pod would be scheduled" in shown
