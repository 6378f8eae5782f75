"""`manikit lint` on the public corpus in ../shared/corpus (skipped, visibly, when it is absent): no
crash, and every error a rule (not validation) reports outside the deliberately odd folders is real."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from manikit.diagnostics import Level
from manikit.lint.config import LintConfig
from manikit.lint.engine import lint_files
from manikit.source.reader import expand_paths
from tests.cli.helpers import run_process

pytestmark = pytest.mark.corpus

# Errors of lint rules in the projects users apply (each project linted as one input set), and why.
KNOWN_RULE_ERRORS: dict[tuple[str, str], str] = {
    ("kubernetes-examples/_archived/cockroachdb/cockroachdb-statefulset.yaml", "MK209"): (
        "PodDisruptionBudget policy/v1beta1, removed in Kubernetes 1.25"
    ),
    ("kubernetes-examples/_archived/storage/vitess/vttablet-pod-template.yaml", "MK202"): (
        "Pod name vttablet-{{uid}}: an unrendered template"
    ),
    ("kubernetes-examples/web/guestbook-go/guestbook-service.yaml", "MK205"): (
        "targetPort http-server: the ReplicationController that names it is not in the corpus"
    ),
    ("kubernetes-examples/web/guestbook-go/redis-replica-service.yaml", "MK205"): (
        "targetPort redis-server: likewise, its controller is not in the corpus"
    ),
}
ODD = {"invalid", "kube-linter"}  # deliberately broken or minimal fixtures


@pytest.fixture
def corpus(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


def test_rule_errors_in_real_projects_are_the_known_defects(corpus: Path) -> None:
    found: set[tuple[str, str]] = set()
    for project in sorted(p for p in corpus.iterdir() if p.is_dir() and p.name not in ODD):
        report = lint_files(expand_paths([str(project)]), LintConfig(), jobs=1)
        for p in report.problems:
            if p.level is Level.ERROR and p.code[2] in "123" and p.code != "MK201":
                found.add((Path(p.file).relative_to(corpus).as_posix(), p.code))
    assert found == set(KNOWN_RULE_ERRORS)


def test_whole_corpus_lints_without_a_crash(corpus: Path, tmp_path: Path) -> None:
    result = run_process("lint", "--format", "json", str(corpus), cwd=tmp_path)
    assert result.exit_code == 1, result.stderr
    assert "internal error" not in result.stderr
    data = json.loads(result.stdout)
    counts = Counter(p["code"] for p in data["problems"])
    # the usual gaps of real manifests are found, and the odd fixtures' deliberate defects too
    for code in ("MK103", "MK104", "MK105", "MK301", "MK302", "MK303", "MK306", "MK308", "MK203", "MK209"):
        assert counts[code] > 0, code
    assert data["summary"]["documents"] > 600
