"""Suppressions: per object (annotation), per line (comment) and per object from the config file.

    metadata.annotations["manikit.dev/ignore"]: "MK105,host-port"   the object's findings of those rules
    image: nginx  # manikit: ignore[latest-tag]                     that line (a comment line: the next)

Rules are named by code or name; an unknown one is an invalid-suppression finding, never a no-op.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatch
from typing import NamedTuple

from manikit.catalogue import is_server_error
from manikit.diagnostics import Problem
from manikit.lint.builtin import INVALID_SUPPRESSION
from manikit.lint.findings import Identity, identify
from manikit.lint.registry import find_check
from manikit.models.registry import object_namespace
from manikit.source.documents import Document

ANNOTATION = "manikit.dev/ignore"
REASON_ANNOTATION = "manikit.dev/ignore-reason"
_COMMENT = re.compile(r"#\s*manikit:\s*ignore\[([^\]]*)\]")
NO_CODES: frozenset[str] = frozenset()


class Subject(NamedTuple):
    """The object a finding belongs to, as suppressions match it (a tuple: one is made per object)."""

    kind: str
    name: str
    namespace: str  # after defaulting; "" for cluster-scoped kinds
    ignored: frozenset[str] = frozenset()  # codes named by the object's ignore annotation


@dataclass(frozen=True, slots=True)
class IgnoreEntry:
    """One ``ignore:`` entry of the config file: a rule, for the objects that match every field given."""

    code: str
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None
    path_glob: str | None = None

    def matches(self, code: str, file: str, subject: Subject | None) -> bool:
        if code != self.code:
            return False
        if self.path_glob is not None and not _glob_matches(file, self.path_glob):
            return False
        wanted = (self.kind, self.name, self.namespace)
        if all(w is None for w in wanted):
            return True
        if subject is None:
            return False
        return all(
            w is None or w == have
            for w, have in zip(wanted, (subject.kind, subject.name, subject.namespace), strict=True)
        )


@dataclass(slots=True)
class FileSuppressions:
    """What one file suppresses: its objects (by the line each starts on) and its ignore comments."""

    starts: list[int] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    lines: dict[int, frozenset[str]] = field(default_factory=dict)

    def add(self, start: int, subject: Subject) -> None:
        self.starts.append(start)
        self.subjects.append(subject)

    def subject_at(self, line: int) -> Subject | None:
        """The object that a finding on ``line`` belongs to: the last one starting at or before it."""
        i = bisect.bisect_right(self.starts, line) - 1
        return self.subjects[i] if i >= 0 else None


def resolve_codes(text: str) -> tuple[list[str], list[str], list[str]]:
    """Rule codes named in a comma-separated list of codes and names; the unknown ones; and the
    API server's errors named, which no suppression can silence."""
    codes: list[str] = []
    unknown: list[str] = []
    refused: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        check = find_check(part)
        if check is None:
            unknown.append(part)
        elif is_server_error(check.code):
            refused.append(f"{check.code} {check.name}")
        else:
            codes.append(check.code)
    return codes, unknown, refused


def annotation_codes(doc: Document, meta: object = None) -> tuple[frozenset[str], list[Problem]]:
    """The codes an object's ignore annotation names, and a finding for each unknown one (``meta``:
    the object's metadata when the caller has it at hand)."""
    if meta is None:
        meta = doc.data.get("metadata") if isinstance(doc.data, dict) else None
    annotations = meta.get("annotations") if isinstance(meta, dict) else None
    value = annotations.get(ANNOTATION) if isinstance(annotations, dict) else None
    if not isinstance(value, str):
        return NO_CODES, []
    codes, unknown, refused = resolve_codes(value)
    problems = []
    if unknown or refused:
        mark = doc.locate(("metadata", "annotations", ANNOTATION))
        problems.extend(_invalid(doc.file, mark.line, mark.col, unknown, refused, doc.ref()))
    return frozenset(codes), problems


def subject_of(
    doc: Document, default_namespace: str, ident: Identity | None = None
) -> tuple[Subject, list[Problem]]:
    """The object ``doc`` is, as suppressions see it, and a finding per unknown rule it names
    (``ident``: its identity, when the caller has read it already)."""
    if ident is None:
        ident = identify(doc.data) if isinstance(doc.data, dict) else Identity(None, "", None, None)
    ignored, invalid = annotation_codes(doc, ident.meta)
    kind = ident.kind or ""
    namespace = object_namespace(kind, ident.namespace, default_namespace)
    return Subject(kind, ident.name, namespace, ignored), invalid


def file_suppressions(file: str, docs: Sequence[Document], default_namespace: str) -> FileSuppressions:
    """What a file suppresses (its objects' annotations and its comments), read from its documents."""
    found = FileSuppressions()
    for doc in docs:
        if isinstance(doc.data, dict):
            found.add(doc.line, subject_of(doc, default_namespace)[0])
    if docs:
        found.lines = comment_codes(file, docs[0].text)[0]
    return found


def comment_codes(file: str, text: str) -> tuple[dict[int, frozenset[str]], list[Problem]]:
    """Lines suppressed by ``# manikit: ignore[...]`` comments, and a finding per unknown rule."""
    lines: dict[int, set[str]] = {}
    problems: list[Problem] = []
    if "manikit:" not in text:
        return {}, []
    rows = text.splitlines()
    for number, row in enumerate(rows, start=1):
        match = _COMMENT.search(row)
        if match is None:
            continue
        codes, unknown, refused = resolve_codes(match.group(1))
        problems.extend(_invalid(file, number, match.start() + 1, unknown, refused, ""))
        target = number if row[: match.start()].strip() else _next_content_line(rows, number)
        lines.setdefault(target, set()).update(codes)
    return {line: frozenset(codes) for line, codes in lines.items()}, problems


def _next_content_line(rows: Sequence[str], number: int) -> int:
    for i in range(number, len(rows)):
        stripped = rows[i].strip()
        if stripped and not stripped.startswith("#"):
            return i + 1
    return number


def _invalid(
    file: str, line: int, col: int, unknown: list[str], refused: list[str], ref: str
) -> list[Problem]:
    found = []
    if unknown:
        names = ", ".join(f'"{u}"' for u in unknown)
        message = f"unknown rule {names} in a suppression; it would suppress nothing"
        found.append((message, "see `manikit rules` for codes and names"))
    if refused:
        message = (
            f"{', '.join(refused)} cannot be suppressed: the Kubernetes API server refuses the object, "
            "whatever lint says"
        )
        found.append((message, "fix the object instead; the suppression is ignored"))
    return [
        Problem(
            file,
            line,
            col,
            INVALID_SUPPRESSION.code,
            INVALID_SUPPRESSION.name,
            INVALID_SUPPRESSION.level_or_error(),
            message,
            "",
            ref,
            hint,
        )
        for message, hint in found
    ]


def object_suppresses(code: str, file: str, subject: Subject, entries: Sequence[IgnoreEntry]) -> bool:
    """Whether the object's annotation or a config entry suppresses ``code``: known before locating."""
    return code in subject.ignored or any(entry.matches(code, file, subject) for entry in entries)


def apply_suppressions(
    problems: Iterable[Problem], files: dict[str, FileSuppressions], entries: Sequence[IgnoreEntry]
) -> list[Problem]:
    """The problems that no annotation, comment or config entry suppresses."""
    kept: list[Problem] = []
    for problem in problems:
        if problem.code == INVALID_SUPPRESSION.code or is_server_error(problem.code):
            kept.append(problem)
            continue
        found = files.get(problem.file)
        subject = found.subject_at(problem.line) if found is not None and problem.line > 0 else None
        if subject is not None and problem.code in subject.ignored:
            continue
        if found is not None and problem.code in found.lines.get(problem.line, frozenset()):
            continue
        if any(entry.matches(problem.code, problem.file, subject) for entry in entries):
            continue
        kept.append(problem)
    return kept


def _glob_matches(file: str, pattern: str) -> bool:
    path = file.replace("\\", "/").removeprefix("./")
    pattern = pattern.removeprefix("./")
    return fnmatch(path, pattern) or (pattern.endswith("/**") and path.startswith(pattern[:-2]))
