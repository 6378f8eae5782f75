"""Every rule: documented, registered, listed by `manikit rules`, with a failing fixture that gives
exactly the expected (line, col, code) triples and a passing fixture that gives none."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from manikit.lint.registry import CHECKS, RULES
from manikit.lint.rule import DOC_SECTIONS, Rule
from tests.cli.helpers import run_cli
from tests.lint.helpers import RULE_FIXTURES, config_enabling, expected_triples, lint_paths, triples

ALL_RULES = sorted(RULES.values(), key=lambda r: r.code)
IDS = [f"{r.code}-{r.name}" for r in ALL_RULES]


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_failing_fixture_gives_exactly_the_expected_findings(rule: Rule) -> None:
    fixture = RULE_FIXTURES / rule.name / "fail.yaml"
    expected = expected_triples(fixture)
    assert expected, f"{fixture} has no '# expect: LINE:COL CODE' lines"
    report = lint_paths(fixture, config=config_enabling(rule))
    assert triples(report.problems, rule.code) == expected


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_passing_fixture_gives_no_finding_of_the_rule(rule: Rule) -> None:
    fixture = RULE_FIXTURES / rule.name / "pass.yaml"
    report = lint_paths(fixture, config=config_enabling(rule))
    assert triples(report.problems, rule.code) == []
    assert not expected_triples(fixture)


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_rule_is_documented(rule: Rule) -> None:
    assert rule.summary, f"{rule.code} has no summary line"
    for section in DOC_SECTIONS:
        assert f"## {section}" in rule.doc, f"{rule.code} {rule.name}: doc lacks '## {section}'"
    assert rule.code[:3] in ("MK1", "MK2", "MK3")


@pytest.mark.parametrize("rule", ALL_RULES, ids=IDS)
def test_default_options_are_what_the_options_model_gives(rule: Rule) -> None:
    """default_options() skips building the model's validator; the result must be the same object."""
    built, default = rule.options(), rule.default_options()
    assert type(default) is type(built)
    assert default.model_dump() == built.model_dump()
    assert default.model_fields_set == built.model_fields_set == set()


def test_every_rule_directory_belongs_to_a_rule() -> None:
    names = {r.name for r in RULES.values()}
    assert {d.name for d in RULE_FIXTURES.iterdir() if d.is_dir()} == names


def test_rules_command_lists_every_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config file around: the defaults
    result = run_cli("rules", "--format", "json")
    assert result.exit_code == 0, result.stderr
    listed = {row["code"]: row for row in json.loads(result.stdout)}
    assert set(listed) == set(CHECKS)
    assert listed["MK106"]["enabled"] == "no"  # missing-cpu-limit is off by default
    assert listed["MK103"]["enabled"] == "yes (warning)"
    assert listed["MK102"]["enabled"] == "always"  # the API server's check, done by validation
    assert listed["MK101"]["enabled"] == "always"


def test_registry_refuses_a_duplicate() -> None:
    from manikit.lint.rule import build_registry

    rule = RULES["MK102"]
    with pytest.raises(ValueError, match="registered twice"):
        build_registry([rule, rule])
