"""Documents with positions: the unit every later stage works on.

``load_file`` reads one file into Documents (one per YAML document, and one per item of a ``kind: List``)
plus the Problems found on the way. Positions are computed lazily, the first time one is asked for.
A ``*.j2`` file is rendered first; its Documents then locate fields in the template, not the rendered text.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from manikit.diagnostics import Level, Problem
from manikit.source.discovery import holds_manifests
from manikit.source.linemap import LineMap
from manikit.source.positions import Mark, Path, PositionIndex
from manikit.source.reader import TEMPLATE_SUFFIX, SourceText, read_source
from manikit.source.values import DEFAULT_RENDER, RenderOptions
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
    text: str = field(default="", repr=False)  # the file's text: the template's, for a rendered file
    lines: LineMap | None = field(default=None, repr=False)  # rendered line -> template line
    #: its YAML document uses an alias: ``data`` may hold a node twice (copy it before handing it out)
    aliased: bool = False

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
                return found if self.lines is None else self.lines.to_template(found)
        return Mark(self.line, 1)

    def source_line(self, line: int) -> str:
        """The text of one line of the file, for carets in reports (a RenderedLine: rendered text)."""
        if self.lines is not None and type(line) is not int:
            return self.lines.rendered_line(line)
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""


@dataclass(slots=True)
class FileResult:
    name: str
    documents: list[Document]
    problems: list[Problem]
    yaml_documents: int = 0  # YAML documents parsed, empty ones included (Document.index counts them)

    @property
    def is_manifest(self) -> bool:
        """False for YAML/JSON that is not Kubernetes (a workflow, a compose file): see holds_manifests."""
        return holds_manifests(d.data for d in self.documents)


def load_file(name: str, render: RenderOptions | None = None) -> FileResult:
    """Read, decode and parse one file (``-`` is standard input); render it first when it is ``*.j2``."""
    source, problems = read_source(name)
    if source is None:
        return FileResult(name if name != "-" else "<stdin>", [], problems)
    if name.lower().endswith(TEMPLATE_SUFFIX):
        return _load_template(source, problems, render or DEFAULT_RENDER)
    return load_text(source, problems)


def _load_template(source: SourceText, problems: list[Problem], render: RenderOptions) -> FileResult:
    from manikit.source.templates import render_source  # jinja2 is imported only when a template is read

    rendered, render_problems = render_source(source, render)
    if rendered is None:
        return FileResult(source.name, [], [*problems, *render_problems])
    return load_text(rendered.source, problems, rendered.lines)


def load_text(
    source: SourceText, problems: list[Problem] | None = None, lines: LineMap | None = None
) -> FileResult:
    """Documents of a text; with ``lines`` (a rendered template), positions are the template's."""
    problems = list(problems or [])
    raw_docs, yaml_problems = load_yaml(source.text, source.name)
    problems.extend(yaml_problems if lines is None else [_in_template(p, lines) for p in yaml_problems])
    positions = PositionIndex(source.text)
    text = source.text if lines is None else lines.template_text
    documents: list[Document] = []
    for raw in raw_docs:
        if raw.data is None:
            continue  # an empty document (``---`` twice) is not a manifest
        start = raw.line if lines is None else lines.template_line(raw.line)
        doc = Document(source.name, raw.index, raw.data, start, (), positions, text, lines, raw.aliased)
        documents.extend(_unpack_list(doc))
    if not documents and not problems:
        problems.append(_empty(source.name, rendered=lines is not None))
    return FileResult(source.name, documents, problems, len(raw_docs))


def _in_template(problem: Problem, lines: LineMap) -> Problem:
    """A YAML error in rendered text, placed in the template."""
    if problem.line <= 0:
        return problem
    mark = lines.to_template(Mark(problem.line, problem.col))
    return replace(problem, line=mark.line, col=mark.col)


def _empty(name: str, *, rendered: bool) -> Problem:
    if rendered:  # a template that renders nothing with these values is how an object is left out
        level, message = Level.INFO, "the template renders no manifest with these values"
    else:
        level, message = Level.WARNING, "the file holds no manifest (only comments or empty documents)"
    return Problem(name, 0, 0, "MK012", "empty-file", level, message)


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
                doc.lines,
                doc.aliased,
            )
        )
    return items
