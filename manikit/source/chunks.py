"""One big YAML stream cut into pieces of whole documents, so that several processes parse one file.

A line that starts with ``---`` followed by a space, a tab or the end of the line always starts a
document: YAML forbids that line inside any scalar (the spec's *c-forbidden*), and libyaml ends a block
or quoted scalar there. Every piece after the first starts at such a line. A piece is parsed behind as
many empty lines as the file has before it (``padded``), so every line number it yields (positions,
messages, the line under a caret) is the file's own, without any arithmetic afterwards.

Streams a cut could change are never cut: directives (``%YAML``, ``%TAG``) belong to the document after
them, and line breaks other than ``\\n`` and ``\\r\\n`` would make line numbers disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|\Z)", re.MULTILINE)
_OTHER_BREAKS = ("\x85", "\u2028", "\u2029")


@dataclass(frozen=True, slots=True)
class Piece:
    """Whole documents of a stream: their text, and the stream's line number of the first one."""

    text: str
    first_line: int  # 1-based

    def padded(self) -> str:
        """The piece behind empty lines, so that a parser counts lines as in the whole stream."""
        return "\n" * (self.first_line - 1) + self.text


def can_split(text: str) -> bool:
    """False for the streams a cut could change (see the module docstring)."""
    if text.startswith("%") or "\n%" in text:  # a directive: a line that starts with "%"
        return False
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return False
    return not any(c in text for c in _OTHER_BREAKS)


def split_stream(text: str, pieces: int) -> list[Piece]:
    """``text`` in at most ``pieces`` pieces of about equal size, each cut at a document start; the
    whole text as one piece when it cannot be cut safely or has no document start to cut at."""
    if pieces <= 1 or not can_split(text):
        return [Piece(text, 1)]
    size = len(text) // pieces
    cuts: list[int] = []
    for i in range(1, pieces):
        found = _DOCUMENT_START.search(text, max(i * size, cuts[-1] + 1 if cuts else 1))
        if found is None:
            break
        if not cuts or found.start() > cuts[-1]:
            cuts.append(found.start())
    result: list[Piece] = []
    line = 1
    start = 0
    for cut in [*cuts, len(text)]:
        if cut <= start:
            continue
        result.append(Piece(text[start:cut], line))
        line += text.count("\n", start, cut)
        start = cut
    return result
