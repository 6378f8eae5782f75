"""Words for people: counts with their nouns, and lists cut with a count of what was left out."""

from __future__ import annotations

from collections.abc import Sequence


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 error``, ``2 errors``, ``3 classes``, with ``plural_form`` for the irregular ones."""
    if count == 1:
        return f"{count} {noun}"
    if plural_form is None:
        plural_form = noun + "es" if noun.endswith(("s", "x", "ch", "sh")) else noun + "s"
    return f"{count:,} {plural_form}"


def listed(names: Sequence[str], limit: int = 5) -> str:
    """``a, b, c and 4 more``: a list cut with a count of what was left out."""
    shown = ", ".join(names[:limit])
    rest = len(names) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown
