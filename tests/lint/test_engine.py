"""The engine: files together, findings sorted, the same result in worker processes, stdin, invalid
objects left to validation, MK101 reported once."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from manikit.lint.config import LintConfig
from manikit.lint.engine import lint_files
from tests.lint.helpers import RULE_FIXTURES, lint_paths, triples, write


def test_findings_sorted_by_file_line_column_across_files() -> None:
    paths = sorted(RULE_FIXTURES.glob("*/fail.yaml"))
    report = lint_paths(*paths)
    keys = [(p.file, p.line, p.col, p.code) for p in report.problems]
    assert keys == sorted(keys)
    assert {p.file for p in report.problems} >= {str(p) for p in paths if "missing-cpu-limit" not in str(p)}


def test_worker_processes_give_the_same_report() -> None:
    paths = [str(p) for p in sorted(RULE_FIXTURES.glob("*/*.yaml"))]
    serial = lint_files(paths, LintConfig(), jobs=1)
    parallel = lint_files(paths, LintConfig(), jobs=2)
    assert [p.to_dict() for p in parallel.problems] == [p.to_dict() for p in serial.problems]
    assert parallel.documents == serial.documents


def test_invalid_quantity_is_reported_once_and_rules_skip_the_invalid_object() -> None:
    report = lint_paths(RULE_FIXTURES / "invalid-quantity" / "fail.yaml")
    assert triples(report.problems) == [(18, 29, "MK101"), (19, 30, "MK101"), (19, 56, "MK101")]
    fixes = [p.message.split("; ")[-1] for p in report.problems]
    assert fixes == ['did you mean "500m"?', 'did you mean "128Mi"?', 'did you mean "1G" or "1Gi"?']


def test_cross_object_rules_see_all_files_together(tmp_path: Path) -> None:
    service = write(
        tmp_path,
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
        "spec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
    )
    deployment = RULE_FIXTURES / "missing-cpu-limit" / "fail.yaml"  # a clean Deployment labelled app: web
    assert triples(lint_paths(service).problems) == [(5, 13, "MK204")]
    assert triples(lint_paths(service, deployment).problems) == []


def test_unmodelled_kinds_are_passed_over_and_still_linted(tmp_path: Path) -> None:
    path = write(
        tmp_path, "cj.yaml", "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata: {name: a}\nspec: {}\n"
    )
    report = lint_paths(path)
    assert report.passed_over == {"CronJob": 1}
    assert triples(report.problems) == [(1, 13, "MK209")]


def test_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (RULE_FIXTURES / "service-selects-nothing" / "fail.yaml").read_text()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    report = lint_files(["-"], LintConfig(), jobs=1)
    assert triples(report.problems) == [(6, 13, "MK204"), (15, 13, "MK204")]
    assert report.problems[0].file == "<stdin>"
    assert report.sources.line("<stdin>", 6) == "  selector: {app: web-frontend}"
