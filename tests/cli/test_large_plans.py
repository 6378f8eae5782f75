"""Large plans stay readable: the headline count comes first, Pending pods are grouped by reason with
counts, and the markdown plan always fits in one GitHub comment (65,536 characters), cut with a count."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from manikit.plan.render.markdown import GITHUB_COMMENT_LIMIT, render_markdown
from tests.cli.helpers import run_cli
from tests.plan.test_render import sample_plan

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web-{i}, namespace: shop, labels: {{app: web-{i}}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: web-{i}}}}}
  template:
    metadata: {{labels: {{app: web-{i}}}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          resources:
            requests: {{cpu: {cpu}, memory: 64Mi}}
            limits: {{cpu: {cpu}, memory: 64Mi}}
"""


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 Deployments of 2 replicas: the first 20 fit the default cluster, the rest stay Pending."""
    root = tmp_path_factory.mktemp("big")
    (root / "ns.yaml").write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    docs = [DEPLOYMENT.format(i=i, cpu="250m" if i < 20 else "3") for i in range(300)]
    (root / "deployments.yaml").write_text("---\n".join(docs))
    return root


def plan(big: Path, tmp_path: Path, *args: str) -> str:
    env = {
        "MANIKIT_STATE": str(tmp_path / "state.db"),
        "MANIKIT_NOW": "2025-06-01T12:00:00Z",
        "NO_COLOR": "1",
    }
    result = run_cli("plan", str(big), *args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_text_plan_headline_first_and_pending_grouped(big: Path, tmp_path: Path) -> None:
    text = plan(big, tmp_path)
    assert text.splitlines()[0] == "Plan: 301 to add, 0 to change, 0 to destroy."
    pending = [line for line in text.splitlines() if "Pending" in line or " x 0/3 nodes" in line]
    assert len(pending) < 10, pending  # not one line per pod
    assert any(line.strip().startswith("! ") and "pods would stay Pending:" in line for line in pending)
    grouped = next(line for line in pending if " x 0/3 nodes are available" in line)
    assert "and " in grouped and " more)" in grouped  # a few names, then a count


def test_markdown_plan_fits_one_github_comment(big: Path, tmp_path: Path) -> None:
    markdown = plan(big, tmp_path, "-o", "markdown")
    assert len(markdown) <= GITHUB_COMMENT_LIMIT
    head = markdown.splitlines()
    assert head[0] == "### manikit plan" and head[2] == "**Plan: 301 to add, 0 to change, 0 to destroy.**"
    assert "| `+` | `Deployment/shop/web-299` | create |" in markdown  # the table is whole: details were cut
    assert "more lines of detail, cut to fit one comment." in markdown
    assert "<details><summary>Details</summary>" in markdown
    assert "would stay Pending</b></summary>" in markdown


def test_markdown_table_itself_is_cut_with_a_count() -> None:
    base = sample_plan()
    many = dataclasses.replace(base, changes=tuple(base.changes) * 3000)
    text = render_markdown(many)
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert "more objects: the plan is too long for one comment; run `manikit plan` for all of it." in text
    assert "<summary>Details</summary>" not in text  # no room left for details
    small = render_markdown(base)
    assert "cut to fit" not in small and "more objects" not in small
