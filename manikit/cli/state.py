"""The ``--state`` option, finding the state as git finds its repository, and opening the local
control plane for a command.

Which state: ``--state`` (before or after the subcommand), else ``MANIKIT_STATE``, else the nearest
``.manikit/state.db`` in the current directory or a parent, else ``.manikit/state.db`` here (created
by the first write). Read-only commands never create a state: without one they read an empty cluster
in memory. A state in a directory that does not exist is an error, never created.

Time is simulated and moves only when a command runs the cluster: a new state starts at the wall
clock (or ``MANIKIT_NOW``, RFC3339, for reproducible output), and every later command starts where
the state's clock was saved (``MANIKIT_NOW`` later than that moves it on). Same commands, same history.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer

from manikit.cli import console
from manikit.errors import ConfigError, StateDamagedError
from manikit.runtime.api import Api
from manikit.runtime.api.bootstrap import is_bootstrapped
from manikit.runtime.api.damage import find_damage
from manikit.runtime.clock import SimulatedClock, parse_time, rfc3339
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.reconcile import ReconcileResult, reconcile
from manikit.runtime.store import (
    DEFAULT_STATE,
    STATE_ENV,
    Store,
    open_store,
    resolve_state_path,
    state_failures,
)
from manikit.server.client import ServedStore, is_served

STATE_OPTION = typer.Option(
    None,
    "--state",
    metavar="PATH|URL",
    help="The state: a file (default: the nearest .manikit/state.db here or in a parent directory), "
    "etcd://host:port[,host:port...]/prefix for a shared etcd cluster, or the https://host:port of a "
    "running `manikit serve` (read only); env MANIKIT_STATE.",
    show_default=False,
)
_GLOBAL: dict[str, str | None] = {"state": None}  # ``manikit --state X get ...``: set by the root callback


def set_global_state(value: str | None) -> None:
    _GLOBAL["state"] = value


@dataclass(frozen=True)
class StateLocation:
    target: Path | str  # a file, an etcd:// URL or a served https:// URL
    source: str  # "--state", "MANIKIT_STATE", "a parent directory" or "" (the nearest default, here)

    def exists(self) -> bool:
        return not isinstance(self.target, Path) or self.target.exists()


def locate_state(option: str | None, cwd: Path | None = None) -> StateLocation:
    """The state a command uses, and where that choice came from."""
    here = (cwd or Path.cwd()).absolute()
    chosen, source = option or _GLOBAL["state"], "--state"
    if not chosen and os.environ.get(STATE_ENV):
        chosen, source = os.environ[STATE_ENV], STATE_ENV
    if chosen and is_served(chosen):
        return StateLocation(chosen, source)
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
#: MANIKIT_NOW's range: simulated time moves on by days at most, far from datetime's year 9999.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)


@dataclass
class ControlPlane:
    store: Store
    api: Api
    clock: SimulatedClock

    def reconcile(
        self, run_for: timedelta | None = None, observe: Callable[[], bool] | None = None
    ) -> ReconcileResult:
        """Run the controllers until the cluster settles, or for ``run_for`` of simulated time
        (``observe``: see ``runtime.reconcile``); warn on stderr if it does not settle."""
        until = None if run_for is None else self.clock.now() + run_for
        result = reconcile(self.api, self.clock, until=until, observe=observe)
        self.save_clock()
        if not result.settled:
            console.stderr().print(f"warning: {result.summary()}", markup=False)
        return result

    def save_clock(self) -> None:
        self.store.put_note(*CLOCK_NOTE, rfc3339(self.clock.now()))


def _start_time(store: Store) -> datetime:
    """The state's saved clock (moved on to MANIKIT_NOW if that is later); for a new state,
    MANIKIT_NOW or the wall clock."""
    pinned = os.environ.get(NOW_ENV)
    now: datetime | None = None
    if pinned:
        try:
            now = parse_time(pinned)
        except (ValueError, OverflowError) as exc:
            raise ConfigError(
                f"{NOW_ENV}={pinned[:40]!r} is not an RFC3339 time like 2025-01-01T00:00:00Z"
            ) from exc
        if not EARLIEST <= now <= LATEST:
            raise ConfigError(
                f"{NOW_ENV}={pinned[:40]!r} is out of range: give a time from {rfc3339(EARLIEST)} to "
                f"{rfc3339(LATEST)}"
            )
    saved = store.get_note(*CLOCK_NOTE)
    if not saved:
        return now or datetime.now(UTC).replace(microsecond=0)
    try:
        clock = parse_time(saved)
    except (TypeError, ValueError, OverflowError) as exc:
        raise StateDamagedError(
            f"state {store.location} is damaged: its clock {str(saved)[:40]!r} is not a time; "
            "restore it with `manikit state restore`"
        ) from exc
    return max(now, clock) if now else clock


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
        target = where.target
        store = ServedStore(target) if isinstance(target, str) and is_served(target) else open_store(target)
    try:
        with state_failures(store.location):
            try:
                yield from _opened(store, default_cluster)
            except _UNEXPECTED as exc:
                _raise_if_damaged(store, exc)
                raise
    finally:
        store.close()


#: what code meeting a stored object of the wrong shape raises; also what a bug raises
_UNEXPECTED = (LookupError, TypeError, AttributeError, ValueError, ArithmeticError)


def _raise_if_damaged(store: Store, exc: BaseException) -> None:
    """A command failed unexpectedly: if stored objects are not what their kinds allow, the state is
    damaged (exit 1, with what to do); else it is a bug, and the caller re-raises it as one."""
    if store.in_transaction:
        return
    try:
        damage = find_damage(store)
    except Exception:  # the search itself met the damage: report the original failure
        return
    if damage:
        raise StateDamagedError(
            f"state {store.location} is damaged: {'; '.join(damage)}; restore it with "
            "`manikit state restore`, or delete those objects with `manikit delete KIND NAME`"
        ) from exc


def _opened(store: Store, default_cluster: bool) -> Iterator[ControlPlane]:
    start = _start_time(store)
    clock = SimulatedClock(start)
    api = Api(store, clock)
    if not is_bootstrapped(api):
        api.ensure_system_namespaces()
    announcement = ensure_default_cluster(api) if default_cluster else None
    if announcement and store.location != ":memory:":
        console.stderr().print(announcement, markup=False)
    plane = ControlPlane(store, api, clock)
    if store.get_note(*CLOCK_NOTE) is None and store.location != ":memory:":
        plane.save_clock()  # the state's time starts here
    yield plane
    if clock.now() > start:  # simulated time moved on (a reconcile fast-forwarded): keep it
        plane.save_clock()
