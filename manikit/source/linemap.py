"""From rendered text back to the template: which template line produced each rendered line.

While rendering, a template's own text carries invisible markers (``LINE_MARK``: "what follows comes
from template line N") and ``toyaml`` output carries indentation markers. ``finish`` removes them all and
returns the clean text with a ``LineMap``. A rendered line whose visible text comes from exactly one
template line maps to it; one built from several template lines maps to itself, as a ``RenderedLine``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from manikit.source.positions import Mark

LINE_MARK = "\ue000"  # LINE_MARK + digits + MARK_END: text that follows comes from that template line
MARK_END = "\ue001"
BLOCK_START = "\ue002"  # toyaml output starts here: later lines indent to this column
BLOCK_LINE = "\ue003"  # at the start of a toyaml continuation line
_MARKS = re.compile(f"{LINE_MARK}([0-9]+){MARK_END}|{BLOCK_START}|{BLOCK_LINE}")
_ANY_MARK = re.compile(f"{LINE_MARK}[0-9]+{MARK_END}|[{BLOCK_START}{BLOCK_LINE}]")


class RenderedLine(int):
    """A line of the rendered text, not of the template: it prints as ``12 (rendered)``.

    Used where one rendered line is made from several template lines, so that every ``file:line`` a
    consumer prints says which text the number counts in (``manikit render FILE`` shows it).
    """

    __slots__ = ()

    def __str__(self) -> str:
        return f"{int(self)} (rendered)"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)

    def __repr__(self) -> str:
        return f"RenderedLine({int(self)})"


def strip_marks(text: str) -> str:
    """``text`` without any marker (for values that leave the template, like ``b64encode``'s input)."""
    return _ANY_MARK.sub("", text)


@dataclass(slots=True)
class LineMap:
    """Template line for each rendered line (0: several template lines made it), and both texts."""

    lines: tuple[int, ...]
    template_text: str
    rendered_text: str
    _split: tuple[list[str], list[str]] | None = field(default=None, init=False, repr=False, compare=False)

    def to_template(self, mark: Mark) -> Mark:
        """Where a position of the rendered text came from in the template."""
        source = self.template_line(mark.line)
        if type(source) is not int or mark.line > len(self.lines):
            return Mark(source, mark.col)
        template_lines, rendered_lines = self._texts()
        rendered = _line(rendered_lines, mark.line)
        return Mark(source, align_column(rendered, _line(template_lines, source), mark.col))

    def template_line(self, line: int) -> int:
        """The template line of a rendered line; a RenderedLine when several template lines made it."""
        if line > len(self.lines):  # the end of the text (an unclosed bracket): the end of the template
            return self.template_text.count("\n") + line - len(self.lines)
        source = self.lines[line - 1] if line > 0 else 0
        return source if source > 0 else RenderedLine(line)

    def rendered_line(self, line: int) -> str:
        return _line(self._texts()[1], line)

    def _texts(self) -> tuple[list[str], list[str]]:
        if self._split is None:  # split once, and only for files with findings
            self._split = (self.template_text.splitlines(), self.rendered_text.splitlines())
        return self._split


def _line(lines: list[str], line: int) -> str:
    return lines[line - 1] if 0 < line <= len(lines) else ""


def align_column(rendered: str, template: str, col: int) -> int:
    """The template column of rendered column ``col`` on a line made from that one template line.

    Text before the first and after the last expression is the same in both; a column inside what an
    expression produced points at where the expression starts.
    """
    if col <= 0 or rendered == template:
        return col
    at = col - 1
    prefix = 0
    limit = min(len(rendered), len(template))
    while prefix < limit and rendered[prefix] == template[prefix]:
        prefix += 1
    if at < prefix:
        return col
    suffix = 0
    while (
        suffix < limit - prefix
        and rendered[len(rendered) - 1 - suffix] == template[len(template) - 1 - suffix]
    ):
        suffix += 1
    if at >= len(rendered) - suffix:
        return max(1, len(template) - (len(rendered) - at) + 1)
    return prefix + 1


def finish(marked: str) -> tuple[str, tuple[int, ...]]:
    """The clean rendered text and, for each of its lines, the template line it comes from (0: several)."""
    out: list[str] = []
    lines: list[int] = []
    current = 1  # the template line that the text being read comes from
    block_indent = ""
    for raw in marked.split("\n"):
        simple = _SIMPLE.fullmatch(raw)
        if simple is not None:  # the common line: at most one line mark, at its start
            if simple.group(1):
                current = int(simple.group(1))
            out.append(simple.group(2))
            lines.append(current)
            continue
        text, sources, current, block_indent = _marked_line(raw, current, block_indent)
        out.append(text)
        lines.append(_source_of(sources, current))
    if out and out[-1] == "":
        lines.pop()  # the text ends with a newline: no line after it
    return "\n".join(out), tuple(lines)


_SIMPLE = re.compile(f"(?:{LINE_MARK}([0-9]+){MARK_END})?([^{LINE_MARK}-{BLOCK_LINE}]*)")


def _marked_line(raw: str, current: int, block_indent: str) -> tuple[str, set[int], int, str]:
    """One rendered line with marks inside: its text, the template lines with visible text on it."""
    text: list[str] = []
    sources: set[int] = set()
    column = 0
    pos = 0
    for found in _MARKS.finditer(raw):
        piece = raw[pos : found.start()]
        if piece:
            text.append(piece)
            column += len(piece)
            if piece.strip():
                sources.add(current)
        pos = found.end()
        if found.group(1) is not None:
            current = int(found.group(1))
        elif found.group(0) == BLOCK_START:
            block_indent = " " * column
        elif column == 0:  # a toyaml continuation line not indented by the template itself
            text.append(block_indent)
            column = len(block_indent)
    piece = raw[pos:]
    text.append(piece)
    if piece.strip():
        sources.add(current)
    return "".join(text), sources, current, block_indent


def _source_of(sources: set[int], current: int) -> int:
    """The one template line with visible text on the line; a blank line belongs where it stands."""
    if len(sources) == 1:
        return next(iter(sources))
    return current if not sources else 0
