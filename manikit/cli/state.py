"""The ``--state`` option and opening the local control plane for a command.

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

import typer

from manikit.cli import console
from manikit.errors import ConfigError, StateDamagedError, UserError
from manikit.models.registry import KindInfo, resolve_kind_name
from manikit.runtime.api import Api
from manikit.runtime.api.damage import find_damage
from manikit.runtime.clock import SimulatedClock, parse_time, rfc3339
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.reconcile import ReconcileResult, reconcile
from manikit.runtime.store import STATE_ENV, Store, open_store, resolve_state_path, state_failures
from manikit.server.client import ServedStore, is_served

STATE_OPTION = typer.Option(
    None,
    "--state",
    help="The state: a file (default .manikit/state.db under the current directory), "
    "etcd://host:port[,host:port...]/prefix for a shared etcd cluster, or the https://host:port of a "
    "running `manikit serve` (read only); env MANIKIT_STATE.",
    show_default=False,
)
NAMESPACE_OPTION = typer.Option(None, "--namespace", "-n", help="The namespace (default: default).")
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
        except (ValueError, OverflowError) as exc:
            raise ConfigError(
                f"{NOW_ENV}={pinned[:40]!r} is not an RFC3339 time like 2025-01-01T00:00:00Z"
            ) from exc
        if not EARLIEST <= now <= LATEST:
            raise ConfigError(
                f"{NOW_ENV}={pinned[:40]!r} is out of range: give a time from {rfc3339(EARLIEST)} to "
                f"{rfc3339(LATEST)}"
            )
    else:
        now = datetime.now(UTC).replace(microsecond=0)
    saved = store.get_note(*CLOCK_NOTE)
    if not saved:
        return now
    try:
        clock = parse_time(saved)
    except (TypeError, ValueError, OverflowError) as exc:
        raise StateDamagedError(
            f"state {store.location} is damaged: its clock {str(saved)[:40]!r} is not a time; "
            "restore it with `manikit state restore`"
        ) from exc
    return max(now, clock)


@contextmanager
def control_plane(state: str | None, *, default_cluster: bool = True) -> Iterator[ControlPlane]:
    """Open the state (creating it, its namespaces and, unless ``default_cluster`` is False because the
    command brings its own nodes, the default cluster on first use)."""
    chosen = state or os.environ.get(STATE_ENV)
    store: Store = ServedStore(chosen) if is_served(chosen) else open_store(resolve_state_path(state))
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
    if api.find("Namespace", "kube-system") is None:
        api.ensure_system_namespaces()
    announcement = ensure_default_cluster(api) if default_cluster else None
    if announcement:
        console.stderr().print(announcement, markup=False)
    plane = ControlPlane(store, api, clock)
    yield plane
    if clock.now() > start:  # simulated time moved on (a reconcile fast-forwarded): keep it
        plane.save_clock()


def resolve_kind(name: str) -> KindInfo:
    """kubectl's names for a kind (po, pods, pod, Pod, deploy, ...)."""
    info = resolve_kind_name(name)
    if info is None:
        raise UserError(f'the server doesn\'t have a resource type "{name}"')
    return info


def qualified(info: KindInfo) -> str:
    """``deployment.apps`` / ``pod``: how kubectl names a kind in ``-o name`` and messages."""
    group = info.api_version.split("/")[0] if "/" in info.api_version else ""
    return f"{info.kind.lower()}.{group}" if group else info.kind.lower()
