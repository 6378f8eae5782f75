"""``get -w`` and ``events -w``: run the cluster (in simulated time, until it settles or for --for)
and print each change as it happens, as kubectl's watch prints them: one row per changed object,
one line per new or repeated event."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import typer

from manikit.cli.columns import format_table
from manikit.cli.state import ControlPlane
from manikit.cluster import Body
from manikit.cluster.objects import EventRecord

Rows = Callable[[list[Body]], list[list[str]]]


def watch_objects(
    cp: ControlPlane,
    headers: list[str],
    lister: Callable[[], list[Body]],
    rows: Rows,
    run_for: timedelta | None,
) -> None:
    """Print the table, then a row for every object whose row changed after each pass."""
    found = lister()
    seen = {_key(b): b["metadata"].get("resourceVersion") for b in found}
    first = rows(found)
    widths = [len(h) for h in headers]
    for row in first:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=False)]
    typer.echo(format_table(headers, first))

    def look() -> bool:
        current = lister()
        changed = [b for b in current if seen.get(_key(b)) != b["metadata"].get("resourceVersion")]
        for body, row in zip(changed, rows(changed), strict=True):
            seen[_key(body)] = body["metadata"].get("resourceVersion")
            typer.echo("   ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)).rstrip())
        return False

    cp.reconcile(run_for, observe=look)
    look()


def _key(body: Body) -> tuple[str, str, str]:
    meta = body["metadata"]
    return (body.get("kind", ""), meta.get("namespace", ""), meta["name"])


def watch_events(
    cp: ControlPlane, lister: Callable[[], list[EventRecord]], render: Callable[[list[EventRecord]], str],
    run_for: timedelta | None,
) -> None:  # fmt: skip
    """Print the events listed so far, then each new event (or new count of one) as it comes."""
    seen = {(e.id, e.count) for e in lister()}

    def look() -> bool:
        fresh = [e for e in lister() if (e.id, e.count) not in seen]
        if fresh:
            seen.update((e.id, e.count) for e in fresh)
            typer.echo(render(fresh))
        return False

    cp.reconcile(run_for, observe=look)
    look()
