"""``manikit plan`` skips objects still as manikit's last apply left them, and prints exactly the plan
the full comparison prints (the same state without apply's record of what it applied)."""

import shutil
import sqlite3
from pathlib import Path

from manikit.cluster import open_cluster
from manikit.plan.desired import load_desired
from manikit.plan.unchanged import unchanged_keys
from tests.cli.helpers import Result, run_cli
from tests.conftest import write

APP = """\
apiVersion: v1
kind: Namespace
metadata: {{name: shop}}
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: settings, namespace: shop}}
data: {{mode: {mode}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{app: web}}
  ports: [{{port: 80}}]
"""


def plan(state: Path, path: Path, *args: str) -> Result:
    return run_cli("plan", "--state", str(state), "--no-preview", "--detailed-exitcode", *args, str(path))


def without_record(state: Path) -> Path:
    """A copy of the state without apply's record: every object is compared in full."""
    copy = state.with_name("full.db")
    shutil.copy(state, copy)
    with sqlite3.connect(copy) as conn:
        assert conn.execute("DELETE FROM notes WHERE topic = 'applied'").rowcount > 0
    return copy


def skipped(state: Path, path: Path) -> set[str]:
    with open_cluster(state) as cluster:
        return {str(k) for k in unchanged_keys(cluster, load_desired([str(path)]).objects, "default")}


def test_plan_after_apply_skips_what_apply_left_and_prints_the_full_plan(tmp_path: Path) -> None:
    state, path = tmp_path / "state.db", write(tmp_path, "app.yaml", APP.format(mode="a"))
    applied = run_cli("apply", "--state", str(state), "--auto-approve", str(path))
    assert applied.exit_code == 0, applied.stderr
    # the controllers wrote the Deployment's status after the apply: nothing a plan compares
    assert skipped(state, path) == {
        "Namespace/shop",
        "ConfigMap/shop/settings",
        "Deployment/shop/web",
        "Service/shop/web",
    }
    again = plan(state, path)
    assert again.exit_code == 0, again.stderr
    assert again.stdout.strip() == "No changes. Your manifests match the recorded state."

    write(tmp_path, "app.yaml", APP.format(mode="b"))
    changed = plan(state, path, "-o", "json")
    assert changed.exit_code == 2, changed.stderr
    assert '"settings"' in changed.stdout and '"mode"' in changed.stdout
    assert skipped(state, path) == {"Namespace/shop", "Deployment/shop/web", "Service/shop/web"}
    assert changed.stdout == plan(without_record(state), path, "-o", "json").stdout


def test_a_scale_after_the_apply_is_a_conflict_as_without_the_record(tmp_path: Path) -> None:
    state, path = tmp_path / "state.db", write(tmp_path, "app.yaml", APP.format(mode="a"))
    assert run_cli("apply", "--state", str(state), "--auto-approve", str(path)).exit_code == 0
    scaled = run_cli("--state", str(state), "scale", "deploy/web", "-n", "shop", "--replicas", "4")
    assert scaled.exit_code == 0, scaled.stderr
    refused = plan(state, path)
    assert refused.exit_code == 1
    assert '"manikit-scale"' in refused.stdout + refused.stderr
    full = plan(without_record(state), path)
    assert (refused.exit_code, refused.stdout, refused.stderr) == (full.exit_code, full.stdout, full.stderr)
