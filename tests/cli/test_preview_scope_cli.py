"""`manikit plan` and `manikit apply` print the same scheduling preview, word for word, whether it was
simulated on only what the change touches (the default) or on the whole cluster
(MANIKIT_PREVIEW_WHOLE_CLUSTER=1)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from manikit import library
from manikit.apply.preview import WHOLE_CLUSTER_ENV
from manikit.cluster import open_cluster
from tests.apply.test_preview_scope import BASE, CRASHY, WAIT, count_seeded, deployment, replaced
from tests.cli.helpers import run_cli

WHOLE = {WHOLE_CLUSTER_ENV: "1"}


@pytest.fixture
def seeded(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many focused simulations the preview made."""
    return count_seeded(monkeypatch)


@pytest.fixture
def state(tmp_path: Path) -> str:
    """BASE applied to a state of its own three nodes: ``wait`` Pending (applied last), ``crashy``
    restarting."""
    path = str(tmp_path / "state.db")
    with open_cluster(path, default_cluster=False) as cluster:
        for text in (BASE.replace(WAIT, ""), BASE):
            library.apply(text, cluster)
    return path


CASES = [
    pytest.param(replaced(deployment("web", 3), deployment("web", 9)), "would stay Pending", id="no-room"),
    pytest.param(
        replaced(deployment("api", 2), ""), "every pod would be scheduled", id="deletion-frees-room"
    ),
    pytest.param(lambda t: t + deployment("fresh", 2, cpu="500m"), "would stay Pending", id="new-deployment"),
    pytest.param(
        replaced(CRASHY, deployment("crashy", 3, cpu="100m")), "would stay Pending", id="restarting"
    ),
]


@pytest.mark.parametrize(("edit", "said"), CASES)
@pytest.mark.parametrize("output", ["text", "json"])
def test_plan_prints_the_whole_clusters_preview(
    state: str, tmp_path: Path, seeded: list[int], edit: Callable[[str], str], said: str, output: str
) -> None:
    manifests = tmp_path / "next.yaml"
    manifests.write_text(edit(BASE))
    args = ("plan", "--state", state, "--prune", "-o", output, str(manifests))
    focused = run_cli(*args)
    assert seeded == [1]
    whole = run_cli(*args, env=WHOLE)
    assert seeded == [1]  # the whole cluster was simulated the second time
    assert (focused.exit_code, whole.exit_code) == (0, 0), focused.stderr + whole.stderr
    assert focused.stdout == whole.stdout
    if output == "text":
        assert "Scheduling preview" in focused.stdout and said in focused.stdout
    else:
        assert '"scheduling_preview"' in focused.stdout


def test_plan_names_the_pending_pods_and_the_schedulers_message(state: str, tmp_path: Path) -> None:
    manifests = tmp_path / "next.yaml"
    manifests.write_text(replaced(deployment("web", 3), deployment("web", 9))(BASE))
    shown = run_cli("plan", "--state", state, str(manifests)).stdout
    assert "! 6 pods would stay Pending:" in shown
    assert (
        "6 x 0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 2 Insufficient cpu."
        in shown
    )
    assert "shop/web-" in shown and "shop/wait-" in shown


def test_apply_prints_the_whole_clusters_preview(state: str, tmp_path: Path, seeded: list[int]) -> None:
    """Two copies of the state: one applied with the focused preview, one with the whole cluster's;
    everything printed (the plan, its preview, the rollout after) is the same."""
    other = str(tmp_path / "other.db")
    shutil.copyfile(state, other)
    manifests = tmp_path / "next.yaml"
    manifests.write_text(replaced(deployment("web", 3), deployment("web", 6))(BASE) + deployment("fresh", 1))
    focused = run_cli("apply", "--state", state, "--auto-approve", str(manifests))
    assert seeded == [1]
    whole = run_cli("apply", "--state", other, "--auto-approve", str(manifests), env=WHOLE)
    assert (focused.exit_code, whole.exit_code) == (0, 0), focused.stderr + whole.stderr
    assert "Scheduling preview" in focused.stdout and "would stay Pending" in focused.stdout
    assert focused.stdout == whole.stdout.replace(other, state)
