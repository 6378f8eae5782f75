"""The consoles every command prints through: color only on a terminal, never with NO_COLOR."""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported when something is printed through it: it costs start-up time
    from rich.console import Console


def _color_system(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def is_colored(stream: object) -> bool:
    """Whether what is printed to ``stream`` gets colors (a terminal, and no NO_COLOR)."""
    return _color_system(stream)


def stdout() -> Console:
    from rich.console import Console

    color = _color_system(sys.stdout)
    return Console(
        file=sys.stdout,
        no_color=not color,
        force_terminal=color,
        highlight=False,
        soft_wrap=True,
        color_system="auto" if color else None,
    )


def stderr() -> Console:
    from rich.console import Console

    color = _color_system(sys.stderr)
    return Console(
        file=sys.stderr,
        no_color=not color,
        force_terminal=color,
        highlight=False,
        soft_wrap=True,
        color_system="auto" if color else None,
    )


def is_interactive() -> bool:
    """A person at a terminal (for prompts and progress bars); never in CI."""
    if os.environ.get("CI"):
        return False
    return sys.stdin.isatty() and sys.stdout.isatty()


def phase(text: str) -> AbstractContextManager[object]:
    """A spinner on stderr while a phase that may take seconds runs, for a person at a terminal only
    (never in CI logs or pipes)."""
    if not is_interactive():
        return nullcontext()
    return stderr().status(text)
