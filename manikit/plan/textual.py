"""Documents a load knows from their text alone: those whose text is exactly what manikit applied.

Each apply notes, beside an object's manifest digest (``manikit.cluster.recorded``), a digest of the
text of the one YAML document the object came from, salted with everything else loading depends on
(manikit's version, ``GENERATION`` and code, the default namespace, the apply set), with what loading said
of it (``TextRecord``). The same text loads into the same object, so a big file is cut into its
documents textually (a line that starts with ``---`` always starts one, as ``source/chunks.py``
relies on), and a document whose text is noted, of an object still as that apply left it, becomes a
``Desired`` packed as its text: key, position and sent digest from the note, parsed, validated and
defaulted only if the plan reads it after all. The rest of the file is parsed as it always is, with
each run of known (or comment-only) documents replaced by one empty document of as many lines, so
every position, problem and line is the file's own.

Only plain YAML files of ``TEXT_MIN_BYTES`` or more take part (not templates, not stdin), and a
document is noted only when its text holds exactly that one object and nothing was said of it.
``MANIKIT_PARSE_EVERY_DOCUMENT=1`` parses every document (what the plan is stays the same).
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from manikit.cluster.recorded import AppliedRecord, Key
from manikit.errors import ManikitError
from manikit.plan.actions import ObjectKey
from manikit.plan.changes import Desired
from manikit.plan.packed import Packed
from manikit.plan.textrecord import TextRecord
from manikit.plan.unchanged import sent_digest, version_salt
from manikit.source.chunks import Piece, can_split, split_stream
from manikit.source.reader import TEMPLATE_SUFFIX, SourceText, read_source
from manikit.validate.pieces import PIECE_MIN_BYTES, PIECES_PER_WORKER, Task
from manikit.validate.pipeline import DocKey, FileOutcome

SKIP_ENV = "MANIKIT_PARSE_EVERY_DOCUMENT"
TEXT_MIN_BYTES = 100_000  # smaller files are parsed whole: cutting and noting them would not pay

# YAML forbids a line starting with "---" or "..." (then a space, a tab or the line's end) inside any
# scalar: the first always starts a document. A document's text without the second holds at most one.
_DOCUMENT_START = re.compile(r"\n---(?=[ \t\r\n]|\Z)")  # a literal first: searched fast
_QUIET_LINE = re.compile(r" *(?:#.*)?\r?")  # blank, or only a comment

Known = Mapping[str, tuple[Key, TextRecord]]  # text digest -> the object and what was noted of it


def skips_known() -> bool:
    """Whether loading takes documents known from their text as they are (the off switch)."""
    return os.environ.get(SKIP_ENV, "") in ("", "0")


def text_salt(namespace: str, applyset: str) -> bytes:
    """What a document's text digest is salted with: all that loading it depends on besides."""
    return version_salt() + code_fingerprint() + f"namespace {namespace}\napplyset {applyset}\n".encode()


@cache
def code_fingerprint() -> bytes:
    """manikit's own code as installed: what loading says of a text changes with it, also between
    two builds of one version (a problem a newer check finds is then found, not taken from a note)."""
    return fingerprint(Path(__file__).resolve().parent.parent)


def fingerprint(root: Path) -> bytes:
    """Each Python module under ``root``: its path, size and modification time."""
    digest = hashlib.blake2b(digest_size=20)
    for directory, subdirectories, names in os.walk(root):
        subdirectories.sort()
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                stat = os.stat(path)
                digest.update(f"{os.path.relpath(path, root)} {stat.st_size} {stat.st_mtime_ns}\n".encode())
    return f"code {digest.hexdigest()}\n".encode()


def known_texts(record: AppliedRecord) -> dict[str, tuple[Key, TextRecord]]:
    """The noted documents of objects still as manikit's apply of the same manifest left them (any
    other the plan reads, so loading parses it with the rest)."""
    known: dict[str, tuple[Key, TextRecord]] = {}
    for key, extra in record.extras.items():
        noted = TextRecord.from_note(extra)
        if noted is not None and record.digests.get(key) == noted.sent:
            known[noted.digest] = (key, noted)
    return known


@dataclass(frozen=True, slots=True)
class Chunk:
    """One document's text in its file: from a line starting with ``---`` to the next such line."""

    start: int
    end: int
    first_line: int  # 1-based
    digest: str  # of the text, salted


@dataclass
class FileText:
    """A plain YAML file cut into its documents' texts."""

    name: str  # as given
    display: str  # the name its problems and sources carry
    text: str
    chunks: list[Chunk]
    firsts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.firsts = [c.first_line for c in self.chunks]

    def chunk_of(self, line: int) -> int:
        return bisect.bisect_right(self.firsts, line) - 1

    def chunk_text(self, index: int) -> str:
        chunk = self.chunks[index]
        return self.text[chunk.start : chunk.end]

    def ended(self) -> set[int]:
        """The chunks with a line that starts with ``...`` (a document end), found in one pass over
        the file: rare, and searching each of 10,000 chunks for one cost most of ``note_texts``. No
        such line is cut by a chunk's end (the next chunk starts with ``---``)."""
        text = self.text
        at = [0] if text.startswith("...") else []
        found = text.find("\n...")
        while found >= 0:
            at.append(found + 1)
            found = text.find("\n...", found + 1)
        starts = [c.start for c in self.chunks]
        return {bisect.bisect_right(starts, p) - 1 for p in at}


def takes_part(name: str) -> bool:
    """Whether ``name`` is a plain YAML file big enough to be cut (see the module docstring)."""
    if name == "-" or name.lower().endswith(TEMPLATE_SUFFIX):
        return False
    try:
        return os.path.getsize(name) >= TEXT_MIN_BYTES
    except OSError:
        return False  # the load says what is wrong with it


def file_text(name: str, salt: bytes, read: SourceText | None = None) -> FileText | None:
    """``name`` cut into documents, each digested with ``salt``; None when it does not take part
    (small, a template, stdin, unreadable or with problems as read, or a stream that cannot be cut).
    ``read``: the file as ``read_file_source`` read it already (not read again)."""
    if read is None:
        read = read_file_source(name)
    if read is None or not can_split(read.text):
        return None
    source = read
    text = source.text
    starts = [0, *(m.start() + 1 for m in _DOCUMENT_START.finditer(text))]
    encoded = text.encode() if text.isascii() else None  # then a character is a byte: encoded once
    base = hashlib.blake2b(salt, digest_size=20)
    chunks: list[Chunk] = []
    line = 1
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        digest = base.copy()
        digest.update(
            encoded[start:end] if encoded is not None else text[start:end].encode("utf-8", "surrogatepass")
        )
        chunks.append(Chunk(start, end, line, digest.hexdigest()))
        line += text.count("\n", start, end)
    return FileText(name, source.name, text, chunks)


def read_file_source(name: str) -> SourceText | None:
    """``name`` read as the load reads it, when it takes part (``takes_part``) and reads without a
    problem; else None (the load says what is wrong with it)."""
    if not takes_part(name):
        return None
    try:
        source, problems = read_source(name)
    except (OSError, ManikitError):
        return None
    return None if source is None or problems else source


def is_quiet(text: str) -> bool:
    """Whether a document's text is only comments and blank lines (after its ``---``): it loads
    into no object and no problem."""
    lines = text.split("\n")
    if lines[0].startswith("---"):
        lines[0] = lines[0][3:]
    return all(_QUIET_LINE.fullmatch(line) for line in lines)


@dataclass
class Skipping:
    """A file whose known documents are taken from their notes; the rest is parsed as ``sparse``."""

    file: FileText
    applyset: str
    hits: dict[int, tuple[Key, TextRecord]]  # chunk index -> the known object
    quiet: set[int]  # chunks of only comments
    sparse: str = ""  # the file, each run of known and quiet documents as one empty document

    def __post_init__(self) -> None:
        parts: list[str] = []
        skipped = False
        for index in range(len(self.file.chunks)):
            text = self.file.chunk_text(index)
            if index in self.hits or index in self.quiet:
                parts.append(("" if skipped else "---") + "\n" * text.count("\n"))
                skipped = True
            else:
                parts.append(text)
                skipped = False
        self.sparse = "".join(parts) if self.misses else ""

    @classmethod
    def of(cls, file: FileText, known: Known, applyset: str) -> Skipping | None:
        """None when no document of ``file`` is known."""
        hits = {i: known[c.digest] for i, c in enumerate(file.chunks) if c.digest in known}
        if not hits:
            return None
        quiet = {i for i in range(len(file.chunks)) if i not in hits and is_quiet(file.chunk_text(i))}
        return cls(file, applyset, hits, quiet)

    @property
    def misses(self) -> int:
        return len(self.file.chunks) - len(self.hits) - len(self.quiet)

    def tasks(self, workers: int) -> list[Task]:
        """What is left to parse, in pieces for ``workers`` when it is big; none when nothing is."""
        if not self.misses:
            return []
        rest = sum(c.end - c.start for i, c in enumerate(self.file.chunks) if i not in self.hits)
        count = min(rest // PIECE_MIN_BYTES, workers * PIECES_PER_WORKER) if workers > 1 else 1
        pieces = split_stream(self.sparse, count) if count >= 2 else [Piece(self.sparse, 1)]
        return [Task(self.file.name, piece, self.file.display) for piece in pieces]

    def joined(self, outcome: FileOutcome, desired: list[Desired], namespace: str) -> list[Desired]:
        """``outcome`` and ``desired`` of the parsed rest completed with the known documents, in the
        file's order, as loading the whole file makes them (a known document's ``DocKey.index`` is
        -1: nothing reads it)."""
        known: list[tuple[int, Desired]] = []
        hit_keys: list[DocKey] = []
        for index, (key, noted) in sorted(self.hits.items()):
            line = self.file.chunks[index].first_line + noted.line
            packed = Packed.of_text(self.file.chunk_text(index), namespace, key[1] or None)
            item = Desired.packed(
                ObjectKey(*key, noted.api_version),
                f"{self.file.display}:{line}",
                packed,
                (self.applyset, noted.sent),
            )
            item.note_text(noted)
            known.append((line, item))
            written = (noted.written_api_version, noted.written_kind, noted.written_namespace)
            hit_keys.append(DocKey(self.file.display, -1, (), *written, noted.written_name, line))
        outcome.documents += len(known)
        outcome.keys = list(heapq.merge(outcome.keys, hit_keys, key=_key_line))
        lines = ((_line(d.source), d) for d in desired)
        return [d for _, d in heapq.merge(lines, known, key=_first)]


def _key_line(key: DocKey) -> int:
    return key.line


def _first(pair: tuple[int, Desired]) -> int:
    return pair[0]


def note_texts(file: FileText, outcome: FileOutcome, desired: Iterable[Desired], applyset: str) -> None:
    """Give each object of ``file`` that is the only one of its document, of which loading said
    nothing, what apply will note of its text (``Desired.text``)."""
    if any(p.line <= 0 for p in outcome.problems):
        return  # said of the whole file
    said = {file.chunk_of(p.line) for p in outcome.problems}
    keys: dict[int, list[DocKey]] = defaultdict(list)
    for key in outcome.keys:
        keys[file.chunk_of(key.line)].append(key)
    items: dict[int, list[tuple[int, Desired]]] = defaultdict(list)
    for item in desired:
        if item.text is None:
            line = _line(item.source)
            items[file.chunk_of(line)].append((line, item))
    ended = file.ended()
    for index, found in items.items():
        chunk = file.chunks[index]
        if len(found) != 1 or index in said or len(keys[index]) != 1:
            continue
        (line, item), (doc,) = found[0], keys[index]
        if doc.root != () or doc.line != line or index in ended:
            continue
        sent = sent_digest(item, applyset)
        if sent is None:
            continue
        item.note_text(
            TextRecord(
                chunk.digest,
                sent,
                line - chunk.first_line,
                item.key.api_version,
                doc.api_version,
                doc.kind,
                doc.namespace,
                doc.name,
            ),
            (applyset, sent),
        )


def _line(source: str) -> int:
    return int(source.rpartition(":")[2])
