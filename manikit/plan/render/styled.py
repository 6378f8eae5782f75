"""The text plan in colour, byte for byte as a rich Console prints it line by line, at a fraction of the
cost: rich renders each style's escape codes once, and prints itself the rare line it would change."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from manikit.plan.render.text import Line

if TYPE_CHECKING:  # rich is imported by the caller that made the console
    from rich.console import Console

#: a line rich prints otherwise than its characters: control characters (stripped, tabs expanded,
#: newlines split). ``:emoji:`` codes are not among them: a plan shows values as written, so rich's
#: emoji replacement is off (``a:smile:b`` in an annotation stays that, as without colour)
_RICH_CHANGES = re.compile(r"[\x00-\x1f\x7f]")
_MARK = "\ue000"  # a private-use character rich passes through untouched
_CHUNK = 4096  # lines per write


def print_styled(lines: Iterable[Line], console: Console) -> None:
    """What ``console.print(line.text, style=line.style or None, markup=False, highlight=False,
    emoji=False)`` for each line writes, in a few large writes instead of one rich render per line."""
    codes: dict[str, tuple[str, str]] = {}
    out: list[str] = []
    for line in lines:
        text = line.text
        if _RICH_CHANGES.search(text):
            _write(console, out)
            console.print(text, style=line.style or None, markup=False, highlight=False, emoji=False)
            continue
        if not text:  # rich draws no codes around nothing
            out.append("\n")
            continue
        style = codes.get(line.style)
        if style is None:
            style = codes[line.style] = _codes(console, line.style)
        out.append(f"{style[0]}{text}{style[1]}\n")
        if len(out) >= _CHUNK:
            _write(console, out)
    _write(console, out)


def _codes(console: Console, style: str) -> tuple[str, str]:
    """The escape codes rich writes before and after a line's text in ``style`` (none without colour)."""
    with console.capture() as capture:
        console.print(_MARK, style=style or None, markup=False, highlight=False, emoji=False)
    before, _, after = capture.get().partition(_MARK)
    return before, after.removesuffix("\n")


def _write(console: Console, out: list[str]) -> None:
    if out:
        console.file.write("".join(out))
        console.file.flush()
        out.clear()
