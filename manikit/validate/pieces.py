"""One big file validated on every core: its documents cut into pieces (source/chunks.py), each piece
validated in a worker, the outcomes put back together as the file's own.

Positions need no fixing afterwards: a piece is parsed behind as many empty lines as precede it in
the file. Document indexes are shifted by the YAML documents of the pieces before. A piece whose parse
stops (a syntax error, a YAML limit) or that holds no document sends the whole file the sequential way,
so what is reported never depends on where the file was cut.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, TypeVar

from manikit.source.chunks import Piece, split_stream
from manikit.source.discovery import looks_like_kubernetes
from manikit.source.documents import FileResult, load_text
from manikit.source.reader import STDIN_NAME, TEMPLATE_SUFFIX, SourceText, read_source

T = TypeVar("T")
R = TypeVar("R")

PIECE_MIN_BYTES = 256_000  # smaller pieces cost more in process hand-over than they save
#: several pieces each: a slow one leaves no core idle, and results come back while the rest load (an
#: apply of 10,000 objects in one file: 0.13 s less than with 4)
PIECES_PER_WORKER = 8
WHOLE_FILE_CODES = frozenset({"MK004", "MK010", "MK012"})  # parse stopped, or no document at all


@dataclass(frozen=True, slots=True)
class Task:
    """A unit of work: a whole file, or one piece of a big one."""

    name: str  # the file as given on the command line
    piece: Piece | None = None
    display: str = ""  # the name problems carry (the decoded source's)


@dataclass(slots=True)
class PieceResult(Generic[R]):
    """A worker's result for one piece of a big file: the command's own result, and what putting the
    pieces back together needs."""

    result: R
    yaml_documents: int  # documents parsed, empty ones included: the index offset of the next piece
    kubernetes: bool  # some document looks like a Kubernetes object
    whole_file: bool  # the parse stopped or found nothing: the file is checked whole instead

    @classmethod
    def of(cls, result: R, loaded: FileResult) -> PieceResult[R]:
        kubernetes = any(looks_like_kubernetes(doc.data) for doc in loaded.documents)
        return cls(result, loaded.yaml_documents, kubernetes, False)

    @classmethod
    def whole(cls, result: R) -> PieceResult[R]:
        return cls(result, 0, False, True)


def plan_tasks(
    names: Sequence[str], workers: int, read: Mapping[str, SourceText] | None = None
) -> list[Task]:
    """One task per file; big plain YAML files (not templates, not stdin) as one task per piece.
    ``read``: files the caller read already (decoded without a problem), not read again."""
    tasks: list[Task] = []
    for name in names:
        tasks.extend(_file_tasks(name, workers, None if read is None else read.get(name)))
    return tasks


def _file_tasks(name: str, workers: int, read: SourceText | None = None) -> list[Task]:
    if name == "-" or name.lower().endswith(TEMPLATE_SUFFIX) or workers <= 1:
        return [Task(name)]
    try:
        size = os.path.getsize(name)
    except OSError:
        return [Task(name)]  # the worker reports it as validate_file does
    if size < 2 * PIECE_MIN_BYTES:
        return [Task(name)]
    source, problems = (read, []) if read is not None else read_source(name)
    if source is None or problems:
        return [Task(name)]
    count = min(size // PIECE_MIN_BYTES, workers * PIECES_PER_WORKER)
    pieces = split_stream(source.text, count)
    if len(pieces) < 2:
        return [Task(name)]
    return [Task(name, piece, source.name) for piece in pieces]


def load_piece(piece: Piece, display: str) -> tuple[FileResult, bool]:
    """Parse one piece: its documents and problems, and whether the whole file must go the sequential
    way instead."""
    loaded = load_text(SourceText(display or STDIN_NAME, piece.padded()))
    return loaded, any(p.code in WHOLE_FILE_CODES for p in loaded.problems)


def group_by_file(tasks: Sequence[Task], results: Sequence[R]) -> list[tuple[str, list[R]]]:
    """(file, its results in order) per file, in input order."""
    grouped: list[tuple[str, list[R]]] = []
    for task, result in zip(tasks, results, strict=True):
        if grouped and grouped[-1][0] == task.name and task.piece is not None and task.piece.first_line > 1:
            grouped[-1][1].append(result)
        else:
            grouped.append((task.name, [result]))
    return grouped


def uses_workers(items: Sequence[object], workers: int) -> bool:
    """Whether ``pool_map`` runs ``items`` in worker processes (else here)."""
    return workers > 1 and len(items) > 1


@dataclass(frozen=True, slots=True)
class GcPaused(Generic[T, R]):
    """``work`` with Python's cyclic garbage collector paused for each call.

    Loading a piece builds tens of thousands of dicts and lists that all stay alive until the piece is
    validated: the collector's passes over them free nothing and cost about a fifth of the work. When
    what one call leaves behind makes a young collection due, it is put with the oldest objects
    instead (``settled_as_old``); the collector is on between calls.
    """

    work: Callable[[T], R]

    def __call__(self, item: T) -> R:
        if not gc.isenabled():
            return self.work(item)
        gc.disable()
        try:
            return self.work(item)
        finally:
            settled_as_old()
            gc.enable()


def pool_map(
    items: Sequence[T], work: Callable[[T], R], workers: int, meanwhile: Callable[[], object] | None = None
) -> list[R]:
    """``work`` over ``items`` in input order, in ``workers`` processes (here when 1), each call with the
    garbage collector paused (``GcPaused``). ``meanwhile`` is called once here while the workers work
    (once they are forked: nothing it does reaches them), or first when there are none: what the
    caller needs next and can do without the results (the apply command's imports)."""
    work = GcPaused(work)
    if not uses_workers(items, workers):
        if meanwhile is not None:
            meanwhile()
        return [work(item) for item in items]
    import multiprocessing  # imported only when workers start: start-up time of every small run
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    chunk = max(1, len(items) // (workers * 8))
    # here, the collector is paused too while the results come in: unpickling them builds tens of
    # thousands of objects, which young collections would only walk again (the workers turn it back on)
    with gc_paused(), ProcessPoolExecutor(workers, mp_context=context, initializer=gc.enable) as pool:
        results = pool.map(work, items, chunksize=chunk)  # every item sent: the workers are forked
        if meanwhile is not None:
            meanwhile()
        return list(results)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the block, then left as it was (see GcPaused);
    what the block made is put with the oldest objects (``settled_as_old``)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        settled_as_old()
        gc.enable()


def settled_as_old() -> None:
    """Every object the collector tracks moved to its oldest generation, without a pass over them.

    With the collector paused, a load counts hundreds of thousands of new objects (a 10,000 object
    file's results: 500,000 dicts and lists); turned back on, its first young collection would walk
    them all (0.14 s of CPU), to find them alive, and its next generation would walk them again. Put
    with the oldest, they are walked by a full collection only, as they would be once old anyway;
    anything among them that is garbage is freed by reference counting as before, or by that full
    collection if it is a cycle. ``gc.freeze`` and ``gc.unfreeze`` move whole generations (and set
    the young count to 0) in constant time; left alone when someone else froze objects (``freeze``
    is global: ``unfreeze`` would thaw theirs), and when no young collection is due (a small call:
    asking for the frozen count walks every frozen object)."""
    if gc.get_count()[0] > gc.get_threshold()[0] and gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
