"""The ``--state`` option, finding the state as git finds its repository, and opening the local
control plane for a command.

Which state: ``--state`` (before or after the subcommand), else ``MANIKIT_STATE``, else the nearest
``.manikit/state.db`` in the current directory or a parent, else ``.manikit/state.db`` here (created
by the first write). Read-only commands never create a state: without one they read an empty cluster
in memory. A state in a directory that does not exist is an error, never created.

Time is simulated: the clock starts at the later of the wall clock and the state's own clock (it
moves ahead of the wall when a reconcile fast-forwards a readiness delay) and is saved when it moved.
``MANIKIT_NOW`` (RFC3339) stands in for the wall clock, for reproducible output in tests and docs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import typer

from manikit.cli import console
from manikit.errors import ConfigError
from manikit.runtime.api import Api
from manikit.runtime.clock import SimulatedClock, parse_time, rfc3339
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.reconcile import ReconcileResult, reconcile
from manikit.runtime.store import DEFAULT_STATE, STATE_ENV, Store, open_store, resolve_state_path

STATE_OPTION = typer.Option(
    None,
    "--state",
    metavar="PATH|URL",
    help="The state: a file (default: the nearest .manikit/state.db here or in a parent directory) or "
    "etcd://host:port[,host:port...]/prefix for a shared etcd cluster; env MANIKIT_STATE.",
    show_default=False,
)
_GLOBAL: dict[str, str | None] = {"state": None}  # ``manikit --state X get ...``: set by the root callback


def set_global_state(value: str | None) -> None:
    _GLOBAL["state"] = value


@dataclass(frozen=True)
class StateLocation:
    target: Path | str  # a file, or an etcd:// URL
    source: str  # "--state", "MANIKIT_STATE", "a parent directory" or "" (the nearest default, here)

    def exists(self) -> bool:
        return not isinstance(self.target, Path) or self.target.exists()


def locate_state(option: str | None, cwd: Path | None = None) -> StateLocation:
    """The state a command uses, and where that choice came from."""
    here = (cwd or Path.cwd()).absolute()
    chosen, source = option or _GLOBAL["state"], "--state"
    if not chosen and os.environ.get(STATE_ENV):
        chosen, source = os.environ[STATE_ENV], STATE_ENV
    if chosen:
        target = resolve_state_path(chosen, here)
        if isinstance(target, Path) and not target.parent.is_dir():
            raise ConfigError(
                f"{source} {chosen}: the directory {target.parent} does not exist; create it, or name "
                "a state in an existing directory"
            )
        return StateLocation(target, source)
    for directory in (here, *here.parents):
        candidate = directory / DEFAULT_STATE
        if candidate.is_file():
            return StateLocation(candidate, "" if directory == here else "a parent directory")
    return StateLocation(here / DEFAULT_STATE, "")


NAMESPACE_OPTION = typer.Option(
    None, "--namespace", "-n", metavar="NAME", help="The namespace (default: default)."
)
NOW_ENV = "MANIKIT_NOW"
CLOCK_NOTE = ("clock", "now")


@dataclass
class ControlPlane:
    store: Store
    api: Api
    clock: SimulatedClock

    def reconcile(self) -> ReconcileResult:
        """Run the controllers until the cluster settles; warn on stderr if it does not."""
        result = reconcile(self.api, self.clock)
        self.save_clock()
        if not result.settled:
            console.stderr().print(f"warning: {result.summary()}", markup=False)
        return result

    def save_clock(self) -> None:
        self.store.put_note(*CLOCK_NOTE, rfc3339(self.clock.now()))


def _start_time(store: Store) -> datetime:
    """The later of "now" (the wall clock, or MANIKIT_NOW in its place) and the state's saved clock."""
    pinned = os.environ.get(NOW_ENV)
    if pinned:
        try:
            now = parse_time(pinned)
        except ValueError as exc:
            raise ConfigError(
                f"{NOW_ENV}={pinned!r} is not an RFC3339 time like 2025-01-01T00:00:00Z"
            ) from exc
    else:
        now = datetime.now(UTC).replace(microsecond=0)
    saved = store.get_note(*CLOCK_NOTE)
    return max(now, parse_time(saved)) if saved else now


@contextmanager
def control_plane(
    state: str | None, *, default_cluster: bool = True, read_only: bool = False
) -> Iterator[ControlPlane]:
    """Open the state (creating it, its namespaces and, unless ``default_cluster`` is False because the
    command brings its own nodes, the default cluster on first use). ``read_only`` commands never
    create a state: without one, they read an empty cluster in memory."""
    where = locate_state(state)
    err = console.stderr()
    if where.source and where.source != "--state":  # what the command line does not show
        err.print(f"using state {where.target} (from {where.source})", markup=False)
    if read_only and not where.exists():
        err.print(
            f"note: no state at {where.target} yet (nothing applied): reading an empty cluster; "
            "`manikit apply` creates it",
            markup=False,
        )
        store = open_store(":memory:")
    else:
        store = open_store(where.target)
    try:
        start = _start_time(store)
        clock = SimulatedClock(start)
        api = Api(store, clock)
        if api.find("Namespace", "kube-system") is None:
            api.ensure_system_namespaces()
        announcement = ensure_default_cluster(api) if default_cluster else None
        if announcement and store.location != ":memory:":
            console.stderr().print(announcement, markup=False)
        plane = ControlPlane(store, api, clock)
        yield plane
        if clock.now() > start:  # simulated time moved on (a reconcile fast-forwarded): keep it
            plane.save_clock()
    finally:
        store.close()
