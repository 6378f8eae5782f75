"""``--for DURATION``: how long a command that runs the cluster lets simulated time pass.

Without it a command runs the cluster until it settles (crash loops go on in the background); with it
the cluster runs exactly that long, so what happens part way (ContainerCreating, a rollout half done,
a pod Terminating) can be seen, and ``manikit advance`` moves it on later.
"""

from __future__ import annotations

from datetime import timedelta

import typer

from manikit.cluster.times import parse_duration


def duration(value: str | None, option: str = "--for") -> timedelta | None:
    """The option's duration; a usage error (exit 2) naming the option when it does not parse."""
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from exc


def _checked(value: str | None) -> str | None:
    """Parsed as the command line is read, so that a bad duration stops a command before any write."""
    duration(value)
    return value


FOR_OPTION = typer.Option(
    None,
    "--for",
    metavar="DURATION",
    callback=_checked,
    help="Run the cluster for this much simulated time (30s, 5m, 1m30s) instead of until it settles.",
)
