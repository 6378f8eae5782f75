"""``manikit apply`` reconciles: the controllers write each Deployment's status and revision
annotation, and the apply then moves its notes of the objects whose settled view did not change to
the versions the controllers left (``manikit.cluster.recorded.refresh_applied``). The next ``manikit
plan`` takes those objects as the apply left them (nothing it compares moved:
``manikit.cluster.settled``) and prints exactly what the full comparison prints
(``MANIKIT_PARSE_EVERY_DOCUMENT=1 MANIKIT_PLAN_EVERY_OBJECT=1``), after scales, patches, edits and
further applies."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.cluster import open_cluster
from manikit.cluster.recorded import APPLIED_TOPIC
from manikit.plan import textual
from manikit.plan.desired import load_desired
from manikit.plan.unchanged import EVERY_OBJECT_ENV, unchanged_keys
from tests.cli.helpers import Result, run_cli
from tests.conftest import write

APP = """\
apiVersion: v1
kind: Namespace
metadata: {{name: shop}}
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
          image: nginx:{tag}
          resources: {{requests: {{cpu: 100m, memory: 64Mi}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
        - name: api
          image: nginx:1.27
"""
FULL = {textual.SKIP_ENV: "1", EVERY_OBJECT_ENV: "1"}


def plan(state: Path, path: Path, *args: str, full: bool = False) -> Result:
    options = ("--state", str(state), "--no-preview", "--detailed-exitcode", *args, str(path))
    return run_cli("plan", *options, env=FULL if full else None)


def both(state: Path, path: Path, *args: str) -> Result:
    """The plan, after checking that the full comparison prints exactly the same."""
    fast, full = plan(state, path, *args), plan(state, path, *args, full=True)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (full.exit_code, full.stdout, full.stderr)
    return fast


def taken(state: Path, path: Path) -> set[str]:
    """The Deployments a plan takes as the apply left them, without comparing them."""
    with open_cluster(state) as cluster:
        skipped = {str(k) for k in unchanged_keys(cluster, load_desired([str(path)]).objects, "default")}
    return {key for key in skipped if key.startswith("Deployment/")}


def noted_at_their_versions(state: Path) -> set[str]:
    """The objects whose note of manikit's apply is at their current resourceVersion."""
    with open_cluster(state) as cluster:
        notes = cluster.store.notes_of(APPLIED_TOPIC)
        versions = cluster.store.versions()
    return {k for k, v in notes.items() if versions.get(tuple(k.split("/"))) == v[1]}  # type: ignore[arg-type]


def written_by_the_controllers(state: Path) -> set[str]:
    """The Deployments whose status and revision annotation the controllers wrote."""
    with open_cluster(state) as cluster:
        found = cluster.list("Deployment")
    return {
        f"Deployment/{d['metadata']['namespace']}/{d['metadata']['name']}"
        for d in found
        if d.get("status") and "deployment.kubernetes.io/revision" in d["metadata"].get("annotations", {})
    }


@pytest.fixture
def applied(tmp_path: Path) -> tuple[Path, Path]:
    state, path = tmp_path / "state.db", write(tmp_path, "app.yaml", APP.format(tag="1.27"))
    done = run_cli("apply", "--state", str(state), "--auto-approve", str(path))
    assert done.exit_code == 0, done.stderr
    return state, path


def test_a_plan_after_apply_and_its_reconcile_takes_the_deployments_as_applied(
    applied: tuple[Path, Path],
) -> None:
    state, path = applied
    deployments = {"Deployment/shop/web", "Deployment/shop/api"}
    assert written_by_the_controllers(state) == deployments
    assert deployments <= noted_at_their_versions(state)  # the apply's notes followed the controllers
    assert taken(state, path) == deployments
    again = both(state, path)
    assert again.exit_code == 0
    assert again.stdout.strip() == "No changes. Your manifests match the recorded state."
    assert both(state, path, "-o", "json").exit_code == 0


def test_a_changed_manifest_shows_its_change(applied: tuple[Path, Path], tmp_path: Path) -> None:
    state, path = applied
    write(tmp_path, "app.yaml", APP.format(tag="1.28"))
    changed = both(state, path)
    assert changed.exit_code == 2
    assert "Deployment/shop/web will be updated in-place" in changed.stdout
    assert '"nginx:1.27" -> "nginx:1.28"' in changed.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in changed.stdout
    as_json = both(state, path, "-o", "json")
    assert '"nginx:1.28"' in as_json.stdout


def test_a_scale_after_the_reconcile_is_the_same_conflict(applied: tuple[Path, Path]) -> None:
    state, path = applied
    scaled = run_cli("--state", str(state), "scale", "deploy/web", "-n", "shop", "--replicas", "4")
    assert scaled.exit_code == 0, scaled.stderr
    assert taken(state, path) == {"Deployment/shop/api"}
    assert "Deployment/shop/web" not in noted_at_their_versions(state)
    refused = both(state, path)
    assert refused.exit_code == 1
    assert '"manikit-scale"' in refused.stdout + refused.stderr


@pytest.mark.parametrize(
    ("patch", "exit_code"),
    [
        ('{"metadata":{"labels":{"team":"a"}}}', 0),  # a label manikit never set is left alone
        # manikit-patch took a field manikit applied: a conflict, as Kubernetes says it
        ('{"spec":{"template":{"spec":{"containers":[{"name":"api","image":"nginx:1.29"}]}}}}', 1),
    ],
    ids=["label-of-its-own", "field-manikit-owns"],
)
def test_a_patch_by_another_manager_is_planned_as_in_full(
    applied: tuple[Path, Path], patch: str, exit_code: int
) -> None:
    state, path = applied
    patched = run_cli("--state", str(state), "patch", "deploy/api", "-n", "shop", "-p", patch)
    assert patched.exit_code == 0, patched.stderr
    assert taken(state, path) == {"Deployment/shop/web"}  # api is read and compared in full
    result = both(state, path)
    assert result.exit_code == exit_code
    if exit_code:
        assert '"manikit-patch"' in result.stdout and "image" in result.stdout


@pytest.mark.parametrize(
    ("patch", "exit_code"),
    [
        ('{"metadata":{"labels":{"team":"a"}}}', 0),
        ('{"spec":{"template":{"spec":{"containers":[{"name":"api","image":"nginx:1.29"}]}}}}', 1),
        ('{"spec":{"replicas":3}}', 0),  # a field manikit never set for api: the scale is left alone
    ],
    ids=["label-of-its-own", "field-manikit-owns", "field-manikit-leaves"],
)
def test_an_apply_after_another_managers_edit_moves_only_the_notes_of_what_did_not_change(
    applied: tuple[Path, Path], patch: str, exit_code: int
) -> None:
    """Another manager edits api, then manikit applies again (its reconcile and its refresh run
    again): api's note stays behind, the plan reads api in full and says what the full path says."""
    state, path = applied
    patched = run_cli("--state", str(state), "patch", "deploy/api", "-n", "shop", "-p", patch)
    assert patched.exit_code == 0, patched.stderr
    again = run_cli("apply", "--state", str(state), "--auto-approve", str(path))
    assert again.exit_code == exit_code, again.stderr
    assert "Deployment/shop/api" not in noted_at_their_versions(state)
    assert taken(state, path) == {"Deployment/shop/web"}
    assert both(state, path).exit_code == exit_code
    assert both(state, path, "-o", "json").exit_code == exit_code
    write(path.parent, "app.yaml", APP.format(tag="1.28"))  # and a change of the manifest after all that
    changed = both(state, path)
    assert "Deployment/shop/web will be updated in-place" in changed.stdout
