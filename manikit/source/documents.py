"""Documents with positions: the unit every later stage works on.

``load_file`` reads one file into Documents (one per YAML document, and one per item of a ``kind: List``)
plus the Problems found on the way. Positions are computed lazily, the first time one is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from manikit.diagnostics import Level, Problem
from manikit.source.positions import Mark, Path, PositionIndex
from manikit.source.reader import SourceText, read_source
from manikit.source.yamlfast import load_yaml


@dataclass(slots=True)
class Document:
    """One manifest: its data, where it came from, and how to find any of its fields in the file."""

    file: str
    index: int  # the YAML document's index within the file
    data: Any
    line: int  # where the document starts (1-based)
    root: Path = ()  # where ``data`` sits inside the YAML document (``("items", 2)`` for List items)
    positions: PositionIndex | None = field(default=None, repr=False)
    text: str = field(default="", repr=False)

    @property
    def api_version(self) -> Any:
        return self.data.get("apiVersion") if isinstance(self.data, dict) else None

    @property
    def kind(self) -> Any:
        return self.data.get("kind") if isinstance(self.data, dict) else None

    @property
    def name(self) -> str:
        meta = self.data.get("metadata") if isinstance(self.data, dict) else None
        value = meta.get("name") if isinstance(meta, dict) else None
        return value if isinstance(value, str) else ""

    @property
    def namespace(self) -> str | None:
        meta = self.data.get("metadata") if isinstance(self.data, dict) else None
        value = meta.get("namespace") if isinstance(meta, dict) else None
        return value if isinstance(value, str) and value else None

    def ref(self) -> str:
        kind = self.kind if isinstance(self.kind, str) and self.kind else "object"
        ns = self.namespace
        name = self.name or "<unnamed>"
        return f"{kind}/{ns}/{name}" if ns else f"{kind}/{name}"

    def locate(self, path: Path, *, key: bool = False) -> Mark:
        """Line and column of ``path`` (relative to ``data``); the document start when unknown."""
        if self.positions is not None:
            found = self.positions.locate(self.index, (*self.root, *path), key=key)
            if found is not None:
                return found
        return Mark(self.line, 1)

    def source_line(self, line: int) -> str:
        """The text of one line of the file, for carets in reports."""
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""


@dataclass(slots=True)
class FileResult:
    name: str
    documents: list[Document]
    problems: list[Problem]


def load_file(name: str) -> FileResult:
    """Read, decode and parse one file (``-`` is standard input)."""
    source, problems = read_source(name)
    if source is None:
        return FileResult(name if name != "-" else "<stdin>", [], problems)
    return load_text(source, problems)


def load_text(source: SourceText, problems: list[Problem] | None = None) -> FileResult:
    problems = list(problems or [])
    raw_docs, yaml_problems = load_yaml(source.text, source.name)
    problems.extend(yaml_problems)
    positions = PositionIndex(source.text)
    documents: list[Document] = []
    for raw in raw_docs:
        if raw.data is None:
            continue  # an empty document (``---`` twice) is not a manifest
        doc = Document(source.name, raw.index, raw.data, raw.line, (), positions, source.text)
        documents.extend(_unpack_list(doc))
    if not documents and not problems:
        problems.append(
            Problem(
                source.name,
                0,
                0,
                "MK012",
                "empty-file",
                Level.WARNING,
                "the file holds no manifest (only comments or empty documents)",
            )
        )
    return FileResult(source.name, documents, problems)


def _unpack_list(doc: Document) -> list[Document]:
    """``kind: List`` (and ``*List`` kinds of v1) wrap items; each item is a document of its own."""
    data = doc.data
    if not (isinstance(data, dict) and data.get("kind") == "List" and isinstance(data.get("items"), list)):
        return [doc]
    items: list[Document] = []
    for i, item in enumerate(data["items"]):
        if item is None:
            continue
        items.append(
            Document(
                doc.file,
                doc.index,
                item,
                doc.locate(("items", i)).line,
                ("items", i),
                doc.positions,
                doc.text,
            )
        )
    return items
