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
from manikit.errors import ConfigError, UserError
from manikit.models.registry import KindInfo, resolve_kind_name
from manikit.runtime.api import Api
from manikit.runtime.clock import SimulatedClock, parse_time, rfc3339
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.reconcile import ReconcileResult, reconcile
from manikit.runtime.store import STATE_ENV, Store, open_store, resolve_state_path
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
def control_plane(state: str | None, *, default_cluster: bool = True) -> Iterator[ControlPlane]:
    """Open the state (creating it, its namespaces and, unless ``default_cluster`` is False because the
    command brings its own nodes, the default cluster on first use)."""
    chosen = state or os.environ.get(STATE_ENV)
    store: Store = ServedStore(chosen) if is_served(chosen) else open_store(resolve_state_path(state))
    try:
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
    finally:
        store.close()


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
