"""``manikit advance DURATION``: let simulated time pass, running the cluster through every timer."""

from __future__ import annotations

import typer

from manikit.cli.state import STATE_OPTION, control_plane, local_cluster
from manikit.cli.timing import duration
from manikit.cluster.times import format_duration, rfc3339


def advance(
    length: str = typer.Argument(..., metavar="DURATION", help="How long: 30s, 5m, 1m30s, 2h."),
    state: str | None = STATE_OPTION,
) -> None:
    """Run the cluster for DURATION of simulated time (image pulls, probes, back-offs, evictions).

    Example: manikit advance 5m
    """
    delta = duration(length, "DURATION")
    assert delta is not None
    with control_plane(state) as cp:
        local_cluster(cp, "advance")  # a real cluster's time is its own
        cp.reconcile(delta)
        typer.echo(f"advanced {format_duration(delta)}; the cluster's clock is {rfc3339(cp.cluster.now())}")


def register(app: typer.Typer) -> None:
    app.command("advance")(advance)
