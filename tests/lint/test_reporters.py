"""Reporters: text with carets, JSON, SARIF 2.1.0 (checked against the schema), GitHub workflow
commands, JUnit XML. Rendered output is compared with golden files; regenerate them with
``pytest tests/lint/test_reporters.py --update-golden`` (or MANIKIT_REGEN_GOLDEN=1) and review the diff."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from manikit.lint.engine import LintReport
from manikit.lint.reporters import REPORTERS, github, sarif
from tests.conftest import REPO
from tests.lint.helpers import lint_paths

GOLDEN = Path(__file__).parent / "golden"
SARIF_SCHEMA = REPO / "tests" / "schemas" / "sarif-schema-2.1.0.json"  # OASIS material: see its NOTICE.md


@pytest.fixture
def report(monkeypatch: pytest.MonkeyPatch) -> LintReport:
    monkeypatch.chdir(GOLDEN)  # relative file names, as users pass them
    return lint_paths(Path("report.yaml"), nodes=False)


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("MANIKIT_REGEN_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs; regenerate and review"


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [
        ("text", "report.txt"),
        ("sarif", "report.sarif.json"),
        ("github", "report.github.txt"),
        ("junit", "report.junit.xml"),
    ],
)
def test_golden(report: LintReport, fmt: str, golden: str) -> None:
    check_golden(golden, REPORTERS[fmt](report, False))


def test_report_has_the_expected_findings(report: LintReport) -> None:
    assert [(p.line, p.col, p.code) for p in report.problems] == [
        (16, 11, "MK303"),
        (16, 11, "MK306"),
        (17, 18, "MK301"),
        (19, 29, "MK102"),
        (19, 42, "MK107"),
        (31, 30, "MK205"),
    ]


def test_text_has_source_line_and_caret(report: LintReport) -> None:
    text = REPORTERS["text"](report, False)
    assert "report.yaml:19:29: error MK102 limit-below-request: " in text
    assert '                requests: {cpu: "2", memory: 512m}\n                                ^\n' in text
    assert "\x1b[" not in text
    assert "\x1b[1;31merror" in REPORTERS["text"](report, True)


def test_sarif_validates_against_the_schema(report: LintReport) -> None:
    log = json.loads(sarif.render(report))
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    driver = log["runs"][0]["tool"]["driver"]
    result = log["runs"][0]["results"][3]
    assert result["ruleId"] == "MK102"
    assert driver["rules"][result["ruleIndex"]]["id"] == "MK102"
    assert result["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "report.yaml"},
        "region": {"startLine": 19, "startColumn": 29},
    }
    off = next(r for r in driver["rules"] if r["id"] == "MK106")
    assert off["defaultConfiguration"] == {"enabled": False, "level": "warning"}


def test_sarif_without_findings_is_valid(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "ns.yaml"
    path.write_text("apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n")
    log = json.loads(sarif.render(lint_paths(Path("ns.yaml"), nodes=False)))
    jsonschema.validate(log, json.loads(SARIF_SCHEMA.read_text()))
    assert log["runs"][0]["results"] == []


def test_github_escapes_properties_and_data() -> None:
    assert github.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github.escape_data("50% done\r\nnext: a,b") == "50%25 done%0D%0Anext: a,b"


def test_junit_counts_failed_files(report: LintReport) -> None:
    root = ET.fromstring(REPORTERS["junit"](report, False))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("tests") == "1" and suite.get("failures") == "1"
    failure = root.find("testsuite/testcase/failure")
    assert failure is not None and failure.get("type") == "MK102"
    assert "report.yaml:19:29" in (failure.text or "")


def test_json_summary(report: LintReport) -> None:
    data = json.loads(REPORTERS["json"](report, False))
    assert data["summary"]["errors"] == 2 and data["summary"]["warnings"] == 4
    assert data["problems"][3]["code"] == "MK102" and data["problems"][3]["line"] == 19
