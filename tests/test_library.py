"""manikit's Python API: validate, lint, plan and apply over paths, YAML text and parsed documents,
against clusters from open_cluster; ``import manikit`` loads none of it until a name is used."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import manikit
from manikit.cluster import LocalCluster
from tests.conftest import EXAMPLES

BAD_SERVICE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 99999\n"
NAMESPACE = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo"}}


def test_import_manikit_stays_cheap() -> None:
    code = (
        "import sys, manikit\n"
        "heavy = [m for m in ('manikit.library', 'manikit.runtime', 'pydantic') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "assert callable(manikit.plan) and manikit.Plan is manikit.plan.actions.Plan\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_public_names() -> None:
    assert issubclass(manikit.UserError, manikit.ManikitError)
    assert issubclass(manikit.PlanError, manikit.UserError)
    assert manikit.Problem.__module__ == "manikit.diagnostics"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        manikit.nope  # noqa: B018
    assert {"validate", "lint", "plan", "apply", "open_cluster", "Plan", "Problem"} <= set(dir(manikit))


@pytest.mark.parametrize(
    "source",
    [str(EXAMPLES / "app"), EXAMPLES / "app", [EXAMPLES / "app" / "namespace.yaml"]],
    ids=["str-path", "path", "list-of-paths"],
)
def test_validate_paths(source: object) -> None:
    assert [p for p in manikit.validate(source) if p.level is manikit.Level.ERROR] == []  # type: ignore[arg-type]


def test_validate_text_names_it_in_problems() -> None:
    (problem, *_) = [p for p in manikit.validate(BAD_SERVICE) if p.level is manikit.Level.ERROR]
    assert problem.file == "<text>" and problem.line == 7
    assert "spec.ports[0].port" in problem.path


def test_validate_documents() -> None:
    assert manikit.validate([NAMESPACE]) == []
    broken = {"apiVersion": "v1", "kind": "Namespace", "metadata": {}}
    problems = manikit.validate(broken)
    assert [p.file for p in problems] == ["<documents>"] and problems[0].level is manikit.Level.ERROR


def test_a_missing_path_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(manikit.SourceError, match="no such file or directory"):
        manikit.validate(tmp_path / "missing")


def test_lint_finds_what_lint_finds(tmp_path: Path) -> None:
    config = tmp_path / ".manikit.yaml"
    config.write_text("rules: {}\n")
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n"
    codes = {p.code for p in manikit.lint(pod, config=config)}
    assert codes and all(code.startswith("MK") for code in codes)
    assert manikit.lint(BAD_SERVICE, config=config)[0].level is manikit.Level.ERROR


def test_plan_apply_plan_is_empty() -> None:
    with manikit.open_cluster() as cluster:
        plan = manikit.plan(EXAMPLES / "app", cluster)
        assert plan.counts()[manikit.Action.CREATE] == 4 and plan.preview is not None
        result = manikit.apply(plan, cluster)
        assert len(result.created) == 4
        assert manikit.plan(EXAMPLES / "app", cluster).empty
        assert cluster.get("Deployment", "web", "shop")["status"]["readyReplicas"] == 3


def test_apply_takes_documents_and_text_and_waits() -> None:
    with manikit.open_cluster() as cluster:
        manikit.apply([NAMESPACE], cluster, applyset="demo", wait=timedelta(minutes=1))
        assert cluster.find("Namespace", "demo") is not None
        text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: other\n"
        assert len(manikit.apply(text, cluster, applyset="other").created) == 1


def test_plan_refuses_manifests_with_errors() -> None:
    with manikit.open_cluster() as cluster, pytest.raises(manikit.SourceError) as caught:
        manikit.plan(BAD_SERVICE, cluster)
    assert "<text>:7:" in str(caught.value) and "spec.ports[0].port" in str(caught.value)


def test_a_stale_plan_is_refused(tmp_path: Path) -> None:
    with manikit.open_cluster(tmp_path / "state.db") as cluster:
        plan = manikit.plan(EXAMPLES / "app", cluster, preview=False)
        manikit.apply(EXAMPLES / "app", cluster)
        with pytest.raises(manikit.PlanError, match="stale"):
            manikit.apply(plan, cluster)


def test_open_cluster_on_a_file_keeps_state_and_clock(tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    with manikit.open_cluster(state) as cluster:
        assert isinstance(cluster, LocalCluster) and cluster.announcement
        manikit.apply([NAMESPACE], cluster)
        cluster.run(timedelta(hours=1))
        moved = cluster.now()
    with manikit.open_cluster(state) as again:
        assert again.find("Namespace", "demo") is not None
        assert again.now() == moved and again.announcement is None


def test_plan_takes_unchanged_documents_from_their_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``manikit.plan`` reads the cluster's record of applies as ``manikit plan`` does: documents
    applied unchanged are not parsed, and the plan is the one parsing every document makes."""
    from manikit.plan import textual

    monkeypatch.setattr(textual, "TEXT_MIN_BYTES", 0)
    hits: list[int] = []
    found = textual.Skipping.of

    def counted(*args: object, **kwargs: object) -> textual.Skipping | None:
        skip = found(*args, **kwargs)  # type: ignore[arg-type]
        hits.append(0 if skip is None else len(skip.hits))
        return skip

    monkeypatch.setattr(textual.Skipping, "of", counted)
    path = tmp_path / "all.yaml"
    maps = [
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i}, namespace: demo}}\ndata: {{k: v{i}}}\n"
        for i in range(5)
    ]
    path.write_text("---\n".join(["apiVersion: v1\nkind: Namespace\nmetadata: {name: demo}\n", *maps]))
    with manikit.open_cluster() as cluster:
        manikit.apply(path, cluster, applyset="demo")
        path.write_text(path.read_text().replace("k: v3", "k: changed"))
        fast = manikit.plan(path, cluster, applyset="demo", preview=False)
        assert hits[-1] == 5  # the Namespace and four ConfigMaps
        monkeypatch.setenv(textual.SKIP_ENV, "1")
        assert manikit.plan(path, cluster, applyset="demo", preview=False) == fast
    assert [str(c.key) for c in fast.changes] == ["ConfigMap/demo/cm-3"]
