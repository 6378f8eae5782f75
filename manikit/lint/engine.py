"""The lint run: every file loaded, validated and checked by the per-object rules where it is read
(in worker processes for large inputs), then the cross-object rules over the facts of all files,
then suppressions, then one sorted list of Problems.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import TypeVar

from pydantic import BaseModel

from manikit.diagnostics import Level, Problem
from manikit.lint.config import LintConfig
from manikit.lint.facts import InputSet, PodFact, ServiceFact, gather
from manikit.lint.findings import (
    DocRef,
    LintObject,
    NodeCapacity,
    RuleContext,
    SetFinding,
    identify,
    to_problem,
)
from manikit.lint.registry import RULES
from manikit.lint.rule import ObjectCheck
from manikit.lint.suppress import (
    NO_CODES,
    FileSuppressions,
    IgnoreEntry,
    Subject,
    apply_suppressions,
    comment_codes,
    file_suppressions,
    object_suppresses,
    subject_of,
)
from manikit.lint.walk import pod_of
from manikit.models.registry import object_namespace
from manikit.source.documents import Document, FileResult, load_file
from manikit.source.reader import read_source
from manikit.source.values import RenderOptions
from manikit.validate.pieces import (
    PieceResult,
    Task,
    gc_paused,
    group_by_file,
    load_piece,
    plan_tasks,
    pool_map,
)
from manikit.validate.pipeline import FileOutcome, doc_key, duplicate_problems, worker_count
from manikit.validate.validator import validate_document


@dataclass(frozen=True)
class LintSetup:
    """What every worker needs to lint a file: small and picklable."""

    levels: dict[str, Level]  # the enabled rules (not validation's checks) and their levels
    options: dict[str, BaseModel]
    nodes: tuple[NodeCapacity, ...] = ()
    namespace: str = "default"
    ignores: tuple[IgnoreEntry, ...] = ()
    render: RenderOptions | None = None  # how *.j2 templates are rendered (values, env access)
    strict_files: bool = False  # judge YAML/JSON without a Kubernetes document too (MK006)

    def context(self, code: str) -> RuleContext:
        options = self.options.get(code)
        return RuleContext(options if options is not None else RULES[code].default_options(), self.nodes)

    @cached_property
    def object_checks(self) -> list[tuple[str, str, Level, ObjectCheck, RuleContext]]:
        """(code, name, level, check, context) of the enabled per-object rules, made once per process."""
        return [
            (code, RULES[code].name, level, check, self.context(code))
            for code, level in self.levels.items()
            if (check := RULES[code].check) is not None
        ]

    def checks_for(self, kind: str) -> list[tuple[str, str, Level, ObjectCheck, RuleContext]]:
        """The per-object checks that look at ``kind``, remembered per kind."""
        found = self._by_kind.get(kind)
        if found is None:
            found = [c for c in self.object_checks if (k := RULES[c[0]].kinds) is None or kind in k]
            self._by_kind[kind] = found
        return found

    @cached_property
    def _by_kind(self) -> dict[str, list[tuple[str, str, Level, ObjectCheck, RuleContext]]]:
        return {}


@dataclass(slots=True)
class FileLint:
    """One file's share of the run: its problems (suppressions applied) and small facts."""

    validation: FileOutcome  # documents, passed-over kinds and identity keys, as validate keeps them
    problems: list[Problem]
    inputs: InputSet
    text: str = ""  # kept for standard input only, which cannot be read twice
    # What the file suppresses, for the findings on the whole set, without reading the file again:
    # the codes of objects' ignore annotations (by index in validation.keys) and of ignore comments.
    # None when the file was linted in pieces: a comment at the end of one applies to a line of the
    # next, so the parent reads them from the whole text, if it needs them.
    ignored: dict[int, frozenset[str]] = field(default_factory=dict)
    comment_lines: dict[int, frozenset[str]] | None = field(default_factory=dict)

    def suppressions(self, default_namespace: str) -> FileSuppressions:
        """What the file suppresses, as ``file_suppressions`` reads it from the file's documents."""
        lines = self.comment_lines
        if lines is None:
            source, _ = read_source(self.validation.name)  # a plain YAML file: pieces are cut only of those
            lines = comment_codes(self.validation.name, source.text)[0] if source is not None else {}
        found = FileSuppressions(lines=lines)
        for i, key in enumerate(self.validation.keys):
            namespace = object_namespace(key.kind, key.namespace, default_namespace)
            found.add(key.line, Subject(key.kind, key.name, namespace, self.ignored.get(i, NO_CODES)))
        return found


@dataclass
class LintReport:
    problems: list[Problem]
    files: list[str]
    documents: int
    passed_over: Counter[str]
    config: LintConfig
    sources: SourceLines
    not_manifests: list[str] = field(default_factory=list)  # files passed over: not Kubernetes
    documents_in: dict[str, int] = field(default_factory=dict)  # file -> documents read from it

    def count(self, level: Level) -> int:
        return sum(1 for p in self.problems if p.level is level)

    def fails(self, threshold: Level) -> bool:
        return any(p.level >= threshold for p in self.problems)


@dataclass
class SourceLines:
    """The text of the files with findings, read on demand, for carets and snippets."""

    kept: dict[str, str] = field(default_factory=dict)  # texts already at hand (standard input)
    _lines: dict[str, list[str]] = field(default_factory=dict, repr=False)

    def line(self, file: str, number: int) -> str:
        lines = self._lines.get(file)
        if lines is None:
            text = self.kept.get(file)
            if text is None:
                try:
                    with open(file, encoding="utf-8-sig", errors="replace") as handle:
                        text = handle.read()
                except OSError:
                    text = ""
            lines = self._lines[file] = text.splitlines()
        return lines[number - 1] if 0 < number <= len(lines) else ""


def lint_files(
    files: Sequence[str],
    config: LintConfig,
    nodes: tuple[NodeCapacity, ...] = (),
    *,
    jobs: int | None = None,
    namespace: str = "default",
    render: RenderOptions | None = None,
    strict_files: bool = False,
) -> LintReport:
    """Lint ``files`` together; findings sorted by file, line and column."""
    setup = LintSetup(
        config.enabled(), config.options, nodes, namespace, config.ignores, render, strict_files
    )
    workers = worker_count(files, jobs)
    tasks = plan_tasks(files, workers)  # a big file in pieces of whole documents, one per task
    results = pool_map(tasks, partial(_lint_task, setup), workers)
    with gc_paused():  # what follows walks every file's facts and keys: nothing for the collector
        outcomes = [_joined(parts) or lint_file(setup, name) for name, parts in group_by_file(tasks, results)]
        problems = [p for o in outcomes for p in o.problems]
        problems.extend(_whole_set_problems(outcomes, setup))
    problems.sort()
    passed_over: Counter[str] = Counter()
    for o in outcomes:
        passed_over.update(o.validation.passed_over)
    return LintReport(
        problems=problems,
        files=list(files),
        documents=sum(o.validation.documents for o in outcomes),
        passed_over=passed_over,
        config=config,
        sources=SourceLines({o.validation.name: o.text for o in outcomes if o.text}),
        not_manifests=sorted(o.validation.name for o in outcomes if o.validation.not_manifest),
        documents_in={o.validation.name: o.validation.documents for o in outcomes},
    )


def lint_file(setup: LintSetup, name: str) -> FileLint:
    """Load, validate and check one file with the per-object rules; gather its facts."""
    loaded = load_file(name, setup.render)
    if not setup.strict_files and not loaded.is_manifest:
        return FileLint(FileOutcome(name=loaded.name, not_manifest=True), [], InputSet())
    return _lint_loaded(setup, loaded, name)


def _lint_task(setup: LintSetup, task: Task) -> FileLint | PieceResult[FileLint]:
    if task.piece is None:
        return lint_file(setup, task.name)
    loaded, whole_file = load_piece(task.piece, task.display)
    if whole_file:
        return PieceResult.whole(FileLint(FileOutcome(name=loaded.name), [], InputSet()))
    return PieceResult.of(_lint_loaded(setup, loaded, task.name), loaded)


def _joined(parts: Sequence[FileLint | PieceResult[FileLint]]) -> FileLint | None:
    """A file's results as one FileLint, document indexes shifted to the file's own; None when the
    file must be linted whole (the caller does it, sequentially)."""
    if len(parts) == 1 and isinstance(parts[0], FileLint):
        return parts[0]
    pieces = [p for p in parts if isinstance(p, PieceResult)]
    if not pieces or len(pieces) != len(parts) or any(p.whole_file for p in pieces):
        return None
    name = pieces[0].result.validation.name
    if not any(p.kubernetes for p in pieces):
        return None  # whether it is a manifest at all is the whole file's question
    joined = FileLint(FileOutcome(name=name), [], InputSet(), comment_lines=None)
    offset = 0
    for piece in pieces:
        part = piece.result
        joined.validation.documents += part.validation.documents
        joined.validation.passed_over.update(part.validation.passed_over)
        shift = len(joined.validation.keys)
        joined.ignored.update((i + shift, codes) for i, codes in part.ignored.items())
        for key in part.validation.keys:
            key.index += offset
            joined.validation.keys.append(key)
        joined.problems.extend(part.problems)
        joined.inputs.pods.extend(_shifted(part.inputs.pods, offset))
        joined.inputs.services.extend(_shifted(part.inputs.services, offset))
        offset += piece.yaml_documents
    return joined


F = TypeVar("F", PodFact, ServiceFact)


def _shifted(facts: list[F], offset: int) -> list[F]:
    """``facts`` with their documents' indexes shifted by ``offset`` (``_make`` rather than ``_replace``,
    which costs several times as much: there is a fact per workload and Service)."""
    if not offset or not facts:
        return facts
    make, ref = type(facts[0])._make, DocRef._make
    shifted: list[F] = []
    fact: F
    for fact in facts:
        doc = fact.doc
        shifted.append(make((ref((doc.file, doc.doc_index + offset, doc.root, doc.ref)), *fact[1:])))
    return shifted


def _lint_loaded(setup: LintSetup, loaded: FileResult, name: str) -> FileLint:
    outcome = FileOutcome(name=loaded.name)
    problems = list(loaded.problems)
    inputs = InputSet()
    suppressions = FileSuppressions()
    default_ns, with_requests, ignores = setup.namespace, bool(setup.nodes), setup.ignores
    ignored: dict[int, frozenset[str]] = {}  # index in outcome.keys -> the codes its annotation names
    for doc in loaded.documents:
        outcome.documents += 1
        model, found = validate_document(doc)
        if found:
            problems.extend(found)
        data = doc.data
        if not isinstance(data, dict):
            continue
        outcome.keys.append(doc_key(doc))
        ident = identify(data)  # kind, name and namespace read once for all that follows
        subject, invalid = subject_of(doc, default_ns, ident)
        if invalid:
            problems.extend(invalid)
        suppressions.add(doc.line, subject)
        if subject.ignored:
            ignored[len(outcome.keys) - 1] = subject.ignored
        pod = pod_of(model, data)
        gather(
            doc,
            model,
            pod,
            inputs,
            default_ns,
            with_requests=with_requests,
            ident=ident,
            namespace=subject.namespace,
        )
        if model is None and found:
            continue  # an invalid object: validation said why; rules would only guess
        if model is None and subject.kind:
            outcome.passed_over[subject.kind] += 1
        checks = setup.checks_for(subject.kind)
        if not checks:
            continue
        obj = LintObject(doc, model, pod)
        for code, rule_name, level, check, ctx in checks:
            findings = list(check(obj, ctx))
            if findings and not object_suppresses(code, doc.file, subject, ignores):
                problems.extend(to_problem(doc, code, rule_name, level, f) for f in findings)
    if loaded.documents:
        suppressions.lines, invalid_comments = comment_codes(loaded.name, loaded.documents[0].text)
        problems.extend(invalid_comments)
    if name == "-":
        outcome.stdin_docs = loaded.documents
    kept_text = loaded.documents[0].text if name == "-" and loaded.documents else ""
    kept = apply_suppressions(problems, {loaded.name: suppressions}, setup.ignores)
    return FileLint(outcome, kept, inputs, kept_text, ignored, suppressions.lines)


def _whole_set_problems(outcomes: Sequence[FileLint], setup: LintSetup) -> list[Problem]:
    """Duplicates and the cross-object rules over the facts of all files; located and suppressed here,
    by reading again only the files they concern."""
    problems = duplicate_problems([o.validation for o in outcomes], setup.namespace, setup.render)
    inputs = InputSet()
    for o in outcomes:
        inputs.extend(o.inputs)
    found: list[tuple[str, SetFinding]] = []
    for code in setup.levels:
        rule = RULES[code]
        if rule.check_set is not None:
            found.extend((code, f) for f in rule.check_set(inputs, setup.context(code)))
    if not found and not problems:
        return []
    stdin = {o.validation.name: o.validation.stdin_docs for o in outcomes if o.validation.stdin_docs}
    loaded: dict[str, list[Document]] = {}

    def documents(file: str) -> list[Document]:
        if file not in loaded:
            loaded[file] = stdin[file] if file in stdin else load_file(file, setup.render).documents
        return loaded[file]

    for code, item in found:
        by_place = {(d.index, d.root): d for d in documents(item.doc.file)}
        doc = by_place[(item.doc.doc_index, item.doc.root)]
        problems.append(to_problem(doc, code, RULES[code].name, setup.levels[code], item.finding))
    linted = {o.validation.name: o for o in outcomes}
    suppressions = {}
    for file in {p.file for p in problems}:  # from what the workers sent back: no file read again
        outcome = linted.get(file)
        if outcome is not None:
            suppressions[file] = outcome.suppressions(setup.namespace)
        else:
            suppressions[file] = file_suppressions(file, documents(file), setup.namespace)
    return apply_suppressions(problems, suppressions, setup.ignores)
