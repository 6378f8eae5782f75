"""The lint run: every file loaded, validated and checked by the per-object rules where it is read
(in worker processes for large inputs), then the cross-object rules over the facts of all files,
then suppressions, then one sorted list of Problems.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from pydantic import BaseModel

from manikit.diagnostics import Level, Problem
from manikit.lint.config import LintConfig
from manikit.lint.facts import InputSet, gather, namespace_of
from manikit.lint.findings import LintObject, NodeCapacity, RuleContext, SetFinding, to_problem
from manikit.lint.registry import RULES
from manikit.lint.suppress import (
    FileSuppressions,
    IgnoreEntry,
    Subject,
    annotation_codes,
    apply_suppressions,
    comment_codes,
    object_suppresses,
)
from manikit.lint.walk import pod_of
from manikit.source.documents import Document, load_file
from manikit.validate.pipeline import DocKey, FileOutcome, duplicate_problems, map_files
from manikit.validate.validator import validate_document


@dataclass(frozen=True)
class LintSetup:
    """What every worker needs to lint a file: small and picklable."""

    levels: dict[str, Level]  # the enabled rules (not validation's checks) and their levels
    options: dict[str, BaseModel]
    nodes: tuple[NodeCapacity, ...] = ()
    namespace: str = "default"
    ignores: tuple[IgnoreEntry, ...] = ()

    def context(self, code: str) -> RuleContext:
        options = self.options.get(code)
        return RuleContext(options if options is not None else RULES[code].default_options(), self.nodes)


@dataclass(slots=True)
class FileLint:
    """One file's share of the run."""

    validation: FileOutcome  # documents, passed-over kinds and identity keys, as validate keeps them
    problems: list[Problem]
    inputs: InputSet
    suppressions: FileSuppressions
    text: str = ""  # kept for standard input only, which cannot be read twice


@dataclass
class LintReport:
    problems: list[Problem]
    files: list[str]
    documents: int
    passed_over: Counter[str]
    config: LintConfig
    sources: SourceLines

    def count(self, level: Level) -> int:
        return sum(1 for p in self.problems if p.level is level)

    def fails(self, threshold: Level) -> bool:
        return any(p.level >= threshold for p in self.problems)


@dataclass
class SourceLines:
    """The text of the files with findings, read on demand, for carets and snippets."""

    kept: dict[str, str] = field(default_factory=dict)

    def line(self, file: str, number: int) -> str:
        if file not in self.kept:
            try:
                with open(file, encoding="utf-8-sig", errors="replace") as handle:
                    self.kept[file] = handle.read()
            except OSError:
                self.kept[file] = ""
        lines = self.kept[file].splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""


def lint_files(
    files: Sequence[str],
    config: LintConfig,
    nodes: tuple[NodeCapacity, ...] = (),
    *,
    jobs: int | None = None,
    namespace: str = "default",
) -> LintReport:
    """Lint ``files`` together; findings sorted by file, line and column."""
    setup = LintSetup(config.enabled(), config.options, nodes, namespace, config.ignores)
    outcomes = map_files(files, partial(lint_file, setup), jobs)
    problems = [p for o in outcomes for p in o.problems]
    problems.extend(duplicate_problems([o.validation for o in outcomes], namespace))
    problems.extend(_set_problems(outcomes, setup))
    suppressions = {o.validation.name: o.suppressions for o in outcomes}
    kept = apply_suppressions(problems, suppressions, config.ignores)
    kept.sort()
    passed_over: Counter[str] = Counter()
    for o in outcomes:
        passed_over.update(o.validation.passed_over)
    return LintReport(
        problems=kept,
        files=list(files),
        documents=sum(o.validation.documents for o in outcomes),
        passed_over=passed_over,
        config=config,
        sources=SourceLines({o.validation.name: o.text for o in outcomes if o.text}),
    )


def lint_file(setup: LintSetup, name: str) -> FileLint:
    """Load, validate and check one file with the per-object rules; gather its facts."""
    loaded = load_file(name)
    outcome = FileOutcome(name=loaded.name)
    problems = list(loaded.problems)
    inputs = InputSet()
    suppressions = FileSuppressions()
    checks = [
        (code, RULES[code], setup.context(code)) for code in setup.levels if RULES[code].check is not None
    ]
    for doc in loaded.documents:
        outcome.documents += 1
        model, found = validate_document(doc)
        problems.extend(found)
        if not isinstance(doc.data, dict):
            continue
        outcome.keys.append(_key(doc))
        ignored, invalid = annotation_codes(doc)
        problems.extend(invalid)
        kind = doc.kind if isinstance(doc.kind, str) else ""
        subject = Subject(kind, doc.name, namespace_of(doc, setup.namespace), ignored)
        suppressions.add(doc.line, subject)
        pod = pod_of(model)
        gather(doc, model, pod, inputs, setup.namespace, with_requests=bool(setup.nodes))
        if model is None and found:
            continue  # an invalid object: validation said why; rules would only guess
        if model is None and kind:
            outcome.passed_over[kind] += 1
        obj = LintObject(doc, model, pod)
        for code, rule, ctx in checks:
            assert rule.check is not None
            findings = list(rule.check(obj, ctx))
            if findings and not object_suppresses(code, doc.file, subject, setup.ignores):
                level = setup.levels[code]
                problems.extend(to_problem(doc, code, rule.name, level, f) for f in findings)
    if loaded.documents:
        text = loaded.documents[0].text
        suppressions.lines, invalid_comments = comment_codes(loaded.name, text)
        problems.extend(invalid_comments)
    if name == "-":
        outcome.stdin_docs = loaded.documents
    kept_text = loaded.documents[0].text if name == "-" and loaded.documents else ""
    return FileLint(outcome, problems, inputs, suppressions, kept_text)


def _key(doc: Document) -> DocKey:
    api_version = doc.api_version if isinstance(doc.api_version, str) else ""
    kind = doc.kind if isinstance(doc.kind, str) else ""
    return DocKey(doc.file, doc.index, doc.root, api_version, kind, doc.namespace, doc.name, doc.line)


def _set_problems(outcomes: Sequence[FileLint], setup: LintSetup) -> list[Problem]:
    """Run the cross-object rules over the facts of all files; locate what they find."""
    inputs = InputSet()
    for o in outcomes:
        inputs.extend(o.inputs)
    found: list[tuple[str, SetFinding]] = []
    for code in setup.levels:
        rule = RULES[code]
        if rule.check_set is not None:
            found.extend((code, f) for f in rule.check_set(inputs, setup.context(code)))
    if not found:
        return []
    stdin = {o.validation.name: o.validation.stdin_docs for o in outcomes if o.validation.stdin_docs}
    documents: dict[str, dict[tuple[int, tuple[str | int, ...]], Document]] = {}
    problems = []
    for code, item in found:
        file = item.doc.file
        if file not in documents:
            docs = stdin[file] if file in stdin else load_file(file).documents
            documents[file] = {(d.index, d.root): d for d in docs}
        doc = documents[file][(item.doc.index, item.doc.root)]
        rule = RULES[code]
        problems.append(to_problem(doc, code, rule.name, setup.levels[code], item.finding))
    return problems
