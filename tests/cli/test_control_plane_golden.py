"""The control plane's rendered output, compared with reviewed golden files (--update-golden)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.cluster_state import State
from tests.runtime.control_plane import deployment, service

GOLDEN = Path(__file__).parent / "golden" / "control_plane"


@pytest.fixture(scope="module")
def state(tmp_path_factory: pytest.TempPathFactory) -> State:
    s = State(tmp_path_factory.mktemp("golden") / "state.db")
    s.seed(deployment(replicas=3), service(type="NodePort"), deployment("big", replicas=1, cpu="6"))
    return s


def big_pod(state: State) -> str:
    line = next(x for x in state.run("get", "po").stdout.splitlines() if x.startswith("big-"))
    return line.split()[0]


CASES: dict[str, tuple[str, ...]] = {
    "get-pods-wide": ("get", "pods", "-o", "wide"),
    "get-all": ("get", "all"),
    "get-nodes": ("get", "nodes", "-o", "wide"),
    "describe-deployment": ("describe", "deployment", "web"),
    "describe-service": ("describe", "service", "web"),
    "events": ("events",),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_rendered_output(state: State, case: str, golden: Callable[[Path, str], None]) -> None:
    result = state.run(*CASES[case])
    assert result.exit_code == 0, result.stderr
    golden(GOLDEN / f"{case}.txt", result.stdout)


def test_describe_pending_pod(state: State, golden: Callable[[Path, str], None]) -> None:
    result = state.run("describe", "pod", big_pod(state))
    golden(GOLDEN / "describe-pending-pod.txt", result.stdout)
