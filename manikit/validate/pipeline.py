"""Run a per-file check over many files, on every core for large inputs, and gather the results.

Files are independent until cross-object checks, so each worker loads and validates whole files and
sends back only Problems and small facts; the parent process sorts and merges. ``validate_outcomes``
also cuts one big file into pieces of whole documents (pieces.py), so that a single stream uses every
core; ``validate_files`` adds the duplicates across files.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from manikit.diagnostics import Problem
from manikit.source.documents import Document, load_file
from manikit.source.reader import TEMPLATE_SUFFIX
from manikit.source.values import RenderOptions
from manikit.validate.pieces import PieceResult, Task, group_by_file, load_piece, plan_tasks, pool_map
from manikit.validate.validator import ValidObject, find_duplicates, object_identity, validate_documents

R = TypeVar("R")

PARALLEL_MIN_BYTES = 1_000_000  # below this, starting workers costs more than it saves
TEMPLATE_COST_BYTES = 8_000  # compiling a *.j2 file costs about what validating this much YAML does


@dataclass(slots=True)
class DocKey:
    """What duplicate detection needs of a document, small enough to send between processes."""

    file: str
    index: int
    root: tuple[str | int, ...]
    api_version: str
    kind: str
    namespace: str | None
    name: str
    line: int


@dataclass(slots=True)
class FileOutcome:
    name: str
    problems: list[Problem] = field(default_factory=list)
    documents: int = 0
    passed_over: Counter[str] = field(default_factory=Counter)
    not_manifest: bool = False  # YAML/JSON without a Kubernetes document: passed over, never judged
    keys: list[DocKey] = field(default_factory=list)
    objects: list[ValidObject] = field(default_factory=list)
    stdin_docs: list[Document] = field(default_factory=list)  # stdin cannot be read again


def validate_file(
    name: str, keep_objects: bool = False, render: RenderOptions | None = None, strict_files: bool = False
) -> FileOutcome:
    """Load and validate one file (``render``: how ``*.j2`` files are rendered); a file that is not
    Kubernetes is passed over unless ``strict_files``."""
    loaded = load_file(name, render)
    if not strict_files and not loaded.is_manifest:
        return FileOutcome(name=loaded.name, not_manifest=True)
    result = validate_documents(loaded.documents, keep_objects=keep_objects)
    return FileOutcome(
        name=loaded.name,
        problems=[*loaded.problems, *result.problems],
        documents=result.documents,
        passed_over=result.passed_over,
        keys=[doc_key(doc) for doc in loaded.documents if isinstance(doc.data, dict)],
        objects=result.objects,
        stdin_docs=loaded.documents if name == "-" else [],
    )


def doc_key(doc: Document) -> DocKey:
    """The small, picklable identity of a document that duplicate detection needs (read from the data
    at once: Document's properties each look the metadata up again, and this runs for every object)."""
    data = doc.data
    if not isinstance(data, dict):
        return DocKey(doc.file, doc.index, doc.root, "", "", None, "", doc.line)
    api_version, kind, meta = data.get("apiVersion"), data.get("kind"), data.get("metadata")
    name = namespace = None
    if isinstance(meta, dict):
        name, namespace = meta.get("name"), meta.get("namespace")
    return DocKey(
        doc.file,
        doc.index,
        doc.root,
        api_version if isinstance(api_version, str) else "",
        kind if isinstance(kind, str) else "",
        namespace if isinstance(namespace, str) and namespace else None,
        name if isinstance(name, str) else "",
        doc.line,
    )


def map_files(names: Sequence[str], check: Callable[[str], R], jobs: int | None = None) -> list[R]:
    """``check`` over every file, in input order; in worker processes when the input is large."""
    return pool_map(names, check, worker_count(names, jobs))


def worker_count(names: Sequence[str], jobs: int | None) -> int:
    """``jobs`` when given, else all cores for large inputs and 1 for small ones."""
    return jobs if jobs is not None else _auto_jobs(names)


def validate_outcomes(
    names: Sequence[str],
    jobs: int | None = None,
    *,
    render: RenderOptions | None = None,
    strict_files: bool = False,
) -> list[FileOutcome]:
    """``validate_file`` over every file, in input order, a big file cut into pieces for the workers;
    the outcomes are those of the sequential path, positions included."""
    workers = worker_count(names, jobs)
    check = partial(validate_file, keep_objects=False, render=render, strict_files=strict_files)
    tasks = plan_tasks(names, workers)
    results = pool_map(tasks, partial(validate_task, render=render, strict_files=strict_files), workers)
    outcomes: list[FileOutcome] = []
    for name, parts in group_by_file(tasks, results):
        if len(parts) == 1 and isinstance(parts[0], FileOutcome):
            outcomes.append(parts[0])
        else:
            pieces = [p for p in parts if isinstance(p, PieceResult)]
            outcomes.append(join_pieces(pieces, strict_files) or check(name))
    return outcomes


def validate_task(
    task: Task, render: RenderOptions | None, strict_files: bool = False, keep_objects: bool = False
) -> FileOutcome | PieceResult[FileOutcome]:
    """One task of ``plan_tasks``: a whole file's outcome, or one piece's (its objects' documents
    carry the piece's own indexes; ``join_pieces`` shifts the keys', nothing else needs them)."""
    if task.piece is None:
        return validate_file(task.name, keep_objects=keep_objects, render=render, strict_files=strict_files)
    loaded, whole_file = load_piece(task.piece, task.display)
    if whole_file:
        return PieceResult.whole(FileOutcome(name=loaded.name))
    result = validate_documents(loaded.documents, keep_objects=keep_objects)
    outcome = FileOutcome(
        name=loaded.name,
        problems=[*loaded.problems, *result.problems],
        documents=result.documents,
        passed_over=result.passed_over,
        keys=[doc_key(doc) for doc in loaded.documents if isinstance(doc.data, dict)],
        objects=result.objects,
    )
    return PieceResult.of(outcome, loaded)


def join_pieces(pieces: Sequence[PieceResult[FileOutcome]], strict_files: bool = False) -> FileOutcome | None:
    """The pieces as one file's outcome, objects left out; None when the file must be validated whole."""
    if not pieces or any(p.whole_file for p in pieces):
        return None
    joined = FileOutcome(name=pieces[0].result.name)
    if not strict_files and not any(p.kubernetes for p in pieces):
        joined.not_manifest = True
        return joined
    offset = 0
    for piece in pieces:
        part = piece.result
        joined.problems.extend(part.problems)
        joined.documents += part.documents
        joined.passed_over.update(part.passed_over)
        for key in part.keys:
            key.index += offset
            joined.keys.append(key)
        offset += piece.yaml_documents
    return joined


def _auto_jobs(names: Sequence[str]) -> int:
    total = 0
    for name in names:
        if name == "-":
            return 1  # stdin can be read once, by this process
        try:
            total += os.path.getsize(name)
        except OSError:
            continue
        if name.lower().endswith(TEMPLATE_SUFFIX):
            total += TEMPLATE_COST_BYTES
    if total < PARALLEL_MIN_BYTES:
        return 1
    return max(
        1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8)
    )


def duplicate_problems(
    outcomes: Sequence[FileOutcome], default_namespace: str = "default", render: RenderOptions | None = None
) -> list[Problem]:
    """Duplicates across all files; only the files that hold a duplicate are parsed again, for positions.

    ``render`` must be the options the files were first loaded with, so templates render the same.
    """
    files = sorted(_files_with_duplicates(outcomes, default_namespace))
    if not files:
        return []
    kept = {o.name: o.stdin_docs for o in outcomes if o.stdin_docs}
    docs = [d for name in files for d in (kept[name] if name in kept else load_file(name, render).documents)]
    return find_duplicates(docs, default_namespace)


def _files_with_duplicates(outcomes: Sequence[FileOutcome], default_namespace: str) -> set[str]:
    """The files holding an object whose identity (``object_identity``) another document has too.

    Each identity's first file is remembered; a second sighting adds that file and its own, so every
    file of an identity seen twice or more is in: one pass and a dict look-up per document (this runs
    in the parent, after the workers, over every document of the input)."""
    first_file: dict[tuple[str, str, str, str], str] = {}
    files: set[str] = set()
    for outcome in outcomes:
        for key in outcome.keys:
            if key.kind and key.api_version and key.name:
                ident = object_identity(key.api_version, key.kind, key.namespace, key.name, default_namespace)
                found = first_file.get(ident)
                if found is None:
                    first_file[ident] = key.file
                else:
                    files.add(found)
                    files.add(key.file)
    return files


@dataclass
class Validation:
    """What ``validate_files`` found: every problem (sorted) and each file's outcome."""

    problems: list[Problem]
    outcomes: list[FileOutcome]


def validate_files(
    files: Sequence[str],
    *,
    namespace: str = "default",
    render: RenderOptions | None = None,
    strict_files: bool = False,
    jobs: int | None = None,
) -> Validation:
    """Validate ``files`` as ``manikit validate`` does: each file (a big one in pieces), then duplicates
    across all of them."""
    outcomes = validate_outcomes(files, jobs, render=render, strict_files=strict_files)
    problems = [p for o in outcomes for p in o.problems]
    problems.extend(duplicate_problems(outcomes, namespace, render))
    return Validation(sorted(problems), outcomes)
