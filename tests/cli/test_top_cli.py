"""``manikit top nodes``, ``plan --html`` and the rollout bars: plain text off a terminal and with
NO_COLOR, colour and bars under a real terminal (tmux)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.cli.helpers import run_cli

ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
MANIKIT = Path(sys.executable).with_name("manikit")
# node-1 gets four 1-CPU pods (4 of 4: full) and the fifth stays Pending; web spreads over the rest
APPS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: pinned, namespace: default}
spec:
  replicas: 5
  selector: {matchLabels: {app: pinned}}
  template:
    metadata: {labels: {app: pinned}}
    spec:
      nodeSelector: {kubernetes.io/hostname: node-1}
      containers:
      - name: main
        image: nginx:1.27
        resources: {requests: {cpu: "1", memory: 256Mi}, limits: {memory: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - {name: main, image: "nginx:1.27", resources: {requests: {cpu: 500m, memory: 128Mi}}}
"""


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("top")
    (root / "apps.yaml").write_text(APPS)
    state = root / "state.db"
    result = run_cli("apply", "--state", str(state), "--auto-approve", str(root / "apps.yaml"))
    assert result.exit_code == 0, result.stderr
    return root


def test_top_nodes_plain_text(applied: Path) -> None:
    result = run_cli("top", "nodes", "--state", str(applied / "state.db"), "--width", "10")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert not ESCAPE.search(out)  # not a terminal: no escape codes
    lines = out.splitlines()
    assert lines[0] == "█ requests  ▒ limits above requests  ░ free  (share of allocatable)"
    at = lines.index("node-1  4 pods  FULL")
    assert lines[at + 1] == "  cpu     ██████████ 100% (4 of 4)"
    assert lines[at + 2] == "  memory  █▒▒▒▒░░░░░ 12% (1Gi of 8Gi), limits 50%"
    assert lines[at + 3] == "  pods    █░░░░░░░░░ 3% (4 of 110)"
    assert "node-2  2 pods" in lines and "node-3  2 pods" in lines
    assert lines[-1] == "3 nodes, 8 pods; full: node-1"


def test_top_nodes_of_a_fresh_state_draws_the_default_nodes_empty(tmp_path: Path) -> None:
    result = run_cli("top", "nodes", "--state", str(tmp_path / "none.db"), "--width", "5")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1:5] == [
        "node-1  0 pods",
        "  cpu     ░░░░░ 0% (0 of 4)",
        "  memory  ░░░░░ 0% (0 of 8Gi)",
        "  pods    ░░░░░ 0% (0 of 110)",
    ]
    assert result.stdout.splitlines()[-1] == "3 nodes, 0 pods"
    assert not (tmp_path / "none.db").exists()  # a read creates no state


def test_plan_html_writes_a_page_with_capacity(applied: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "apps.yaml"
    manifest.write_text(APPS.replace("replicas: 4", "replicas: 6"))
    page = tmp_path / "plan.html"
    result = run_cli("plan", "--state", str(applied / "state.db"), str(manifest), "--html", str(page))
    assert result.exit_code == 0, result.stderr
    text = page.read_text()
    assert "<h2>Capacity per node</h2>" in text and "node-1 (full)" in text
    assert "<h2>1 pod would stay Pending</h2>" in text
    assert f"Wrote the plan as HTML to {page}" in result.stderr
    # the terminal plan shows the same nodes before and after
    assert "node-2  cpu     " in result.stdout and "  ->  " in result.stdout


def test_plan_html_to_a_missing_directory_is_a_clear_error(applied: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "apps.yaml"
    manifest.write_text(APPS)
    target = tmp_path / "no" / "such" / "plan.html"
    result = run_cli("plan", "--state", str(applied / "state.db"), str(manifest), "--html", str(target))
    assert result.exit_code == 2
    assert f"{target}: cannot write the HTML plan: No such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


# Under a real terminal ------------------------------------------------------------------------------
needs_tmux = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (apt-get install tmux; .ci/run installs it)",
)


def in_tmux(root: Path, command: str, timeout: float = 120) -> tuple[str, str]:
    """Run ``command`` in a fresh tmux server of its own (140x60); the screen as text and with its
    escape codes once the command has finished."""
    socket = f"manikit-test-{uuid.uuid4().hex[:8]}"
    script = root / f"{socket}.sh"
    script.write_text(f"cd {root}\n{command}\necho __DONE__ $?\nsleep 300\n")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "NO_COLOR", "FORCE_COLOR", "TMUX")}
    tmux = ["tmux", "-L", socket, "-f", "/dev/null"]
    subprocess.run(
        [*tmux, "new-session", "-d", "-x", "140", "-y", "60", "sh", str(script)], env=env, check=True
    )
    try:
        deadline = time.monotonic() + timeout
        while True:
            plain = subprocess.run(
                [*tmux, "capture-pane", "-p", "-J", "-S", "-"], capture_output=True, text=True, check=True
            ).stdout
            if "__DONE__" in plain or time.monotonic() > deadline:
                break
            time.sleep(0.3)
        colour = subprocess.run(
            [*tmux, "capture-pane", "-p", "-e", "-J", "-S", "-"], capture_output=True, text=True, check=True
        ).stdout
        return plain, colour
    finally:
        subprocess.run([*tmux, "kill-server"], check=False)


@needs_tmux
def test_top_nodes_in_a_terminal_has_colour_and_without_it_with_no_color(applied: Path) -> None:
    state = applied / "state.db"
    plain, colour = in_tmux(applied, f"{MANIKIT} top nodes --state {state}")
    assert "__DONE__ 0" in plain
    assert "node-1  4 pods  FULL" in plain
    assert "  cpu     ████████████████████ 100% (4 of 4)" in plain
    assert re.search(r"\x1b\[[0-9;]*31m█+", colour)  # the full node's requests in red
    plain, colour = in_tmux(applied, f"NO_COLOR=1 {MANIKIT} top nodes --state {state}")
    assert "  cpu     ████████████████████ 100% (4 of 4)" in plain
    assert not ESCAPE.search(colour.replace("\x1b[0m", "")), colour


@needs_tmux
def test_rollout_bars_while_apply_waits_and_rollout_status(tmp_path: Path) -> None:
    (tmp_path / "apps.yaml").write_text(APPS)
    state = tmp_path / "state.db"
    plain, _ = in_tmux(tmp_path, f"{MANIKIT} apply --state {state} --auto-approve --wait apps.yaml")
    assert "__DONE__ 1" in plain  # a pinned pod stays Pending: --wait fails, having drawn the bars
    assert "waiting: " not in plain  # on a terminal the bars say it
    bars = [line for line in plain.splitlines() if "━" in line]
    assert any(re.match(r"deployment/web \(default\) +[━╺╸]+ 4/4 rolled out", line) for line in bars), plain
    assert any(re.match(r"deployment/pinned \(default\) +[━╺╸]+ 4/5 ", line) for line in bars), plain
    # pinned never completes (its fifth pod fits nowhere): rollout status draws its bar, then gives up
    plain, _ = in_tmux(tmp_path, f"{MANIKIT} rollout status --state {state} deploy/pinned --timeout 60s")
    assert "__DONE__ 1" in plain
    assert 'Waiting for deployment "pinned" rollout to finish: 4 of 5 updated replicas are available' in plain
    bars = [line for line in plain.splitlines() if "━" in line]
    assert bars and re.match(r"deployment/pinned \(default\) +[━╺╸]+ 4/5 ", bars[-1]), plain


def test_rollout_status_off_a_terminal_prints_kubectl_lines_only(applied: Path) -> None:
    result = run_cli("rollout", "status", "--state", str(applied / "state.db"), "deploy/web")
    assert result.exit_code == 0
    assert result.stdout == 'deployment "web" successfully rolled out\n'
