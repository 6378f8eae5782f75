"""``LocalCluster``: the ``Cluster`` protocol over manikit's own control plane (``manikit.runtime``):
the API server over a SQLite or etcd store, a simulated clock, and the controllers and scheduler that
``run`` drives. What the protocol keeps as cluster state (the apply lock,
the clock, the plan-signing key, the scheduler's verdicts) lives here in the store's notes."""

from __future__ import annotations

import builtins
import secrets
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any

from manikit.cluster.guard import guard
from manikit.cluster.patch import merge_patch
from manikit.cluster.protocol import (
    FIELD_MANAGER,
    Body,
    Cluster,
    NodeVerdict,
    Propagation,
    SchedulingVerdicts,
    Selector,
    Settling,
    Watched,
)
from manikit.runtime.api import Api
from manikit.runtime.clock import SimulatedClock, rfc3339
from manikit.runtime.gcpause import paused_gc
from manikit.runtime.store import EventRecord, Store

CLOCK_NOTE = ("clock", "now")
PLAN_KEY_NOTE = ("planfile", "key")
#: the revision and clock at which a run last settled: running again from there changes nothing
SETTLED_NOTE = ("cluster", "settled-at")
LOCK_NAME = "apply"


class _DryRun(Exception):
    """Raised inside a transaction to throw a dry-run write away."""


class LocalCluster:
    """The local control plane as a ``Cluster``. ``api``, ``store`` and ``clock`` are its runtime
    parts, for the runtime's own tests and tools; commands use only the protocol's methods."""

    def __init__(self, api: Api, clock: SimulatedClock, *, writable: bool = True) -> None:
        self.api = api
        self.clock = clock
        self._writable = writable
        #: the one-time news that opening created the default cluster (``open_cluster``), for the CLI
        self.announcement: str | None = None
        self._session: AbstractContextManager[LocalCluster] | None = None

    def __enter__(self) -> LocalCluster:
        self._session = self._used()
        return self._session.__enter__()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        assert self._session is not None
        return self._session.__exit__(kind, exc, tb)

    @contextmanager
    def _used(self) -> Iterator[LocalCluster]:
        """Keep the clock if time moved on, report damage rather than a bug, close at the end."""
        try:
            with guard(self.store):
                start = self.clock.now()
                yield self
                if self.clock.now() > start:
                    self.save_clock()
        finally:
            self.close()

    @property
    def store(self) -> Store:
        return self.api.store

    # Identity and time ------------------------------------------------------------------------------
    @property
    def identity(self) -> str:
        return self.api.identity

    @property
    def location(self) -> str:
        return self.store.location

    def revision(self) -> int:
        return self.api.revision()

    def now(self) -> datetime:
        return self.clock.now()

    # Reads ------------------------------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str | None = None) -> Body:
        return self.api.get(kind, name, namespace)

    def find(self, kind: str, name: str, namespace: str | None = None) -> Body | None:
        return self.api.find(kind, name, namespace)

    def list(self, kind: str, namespace: str | None = None, selector: Selector = None) -> builtins.list[Body]:
        return self.api.list(kind, namespace, selector)

    def watch(self, since: int, kinds: builtins.list[str] | None = None) -> Iterator[Watched]:
        for entry in self.api.watch(since, kinds):
            yield Watched(entry.revision, entry.op, entry.kind, entry.namespace, entry.name, entry.body)

    def events(self, namespace: str | None = None, obj: Body | None = None) -> builtins.list[EventRecord]:
        return self.api.events(namespace, obj)

    # Writes -----------------------------------------------------------------------------------------
    def apply(
        self,
        obj: Mapping[str, Any],
        *,
        manager: str = FIELD_MANAGER,
        force: bool = False,
        dry_run: bool = False,
    ) -> Body:
        return self._write(lambda: self.api.apply(obj, manager, force), dry_run)

    def create(self, obj: Mapping[str, Any], *, dry_run: bool = False, manager: str | None = None) -> Body:
        return self._write(lambda: self.api.create(obj, manager=manager), dry_run)

    def update(self, obj: Mapping[str, Any], *, dry_run: bool = False, manager: str | None = None) -> Body:
        return self._write(lambda: self.api.update(obj, manager=manager), dry_run)

    def patch(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        patch: Mapping[str, Any],
        *,
        dry_run: bool = False,
        manager: str | None = None,
    ) -> Body:
        def patched() -> Body:
            with self.api.transaction():  # read and write as one: no other write between them
                live = self.api.get(kind, name, namespace)
                return self.api.update(merge_patch(live, patch), manager=manager)

        return self._write(patched, dry_run)

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Propagation = "Background",
        grace_period: int | None = None,
        dry_run: bool = False,
    ) -> Body:
        return self._write(
            lambda: self.api.delete(
                kind, name, namespace, propagation=propagation, grace_period=grace_period
            ),
            dry_run,
        )

    def _write(self, write: Callable[[], Body], dry_run: bool) -> Body:
        if not dry_run:
            return write()
        result: Body = {}
        try:
            with self.api.transaction():  # a savepoint inside a batch: rolled back either way
                result = write()
                raise _DryRun
        except _DryRun:
            return result

    @property
    def atomic_batches(self) -> bool:
        return self._writable

    @property
    def defaults_locally(self) -> bool:
        return True

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction; the cyclic garbage collector paused meanwhile (an apply of 10,000 objects
        makes and keeps tens of thousands of dicts, each full collection walking all of them).

        The objects it creates of kinds that held none (an apply into an empty state) are handed to
        the controllers' view as they are (``Api.recording``), not read back by the next ``run``:
        the bodies its writes return are read-only, as they are shared with that view."""
        with paused_gc(), self.api.recording(), self.api.transaction():
            yield

    # The apply lock, the plan key ----------------------------------------------------------------
    @contextmanager
    def apply_lock(self, command: str, timeout: float = 0.0) -> Iterator[Mapping[str, str]]:
        with self.store.acquire_lock(LOCK_NAME, command, timeout) as holder:
            yield holder.extra

    def signing_key(self, *, create: bool = False) -> str:
        key = self.store.get_note(*PLAN_KEY_NOTE)
        if isinstance(key, str) and key:
            return key
        if not create:
            return ""
        key = secrets.token_hex(32)
        with self.api.transaction():
            self.store.put_note(*PLAN_KEY_NOTE, key)
        return key

    # Simulation, running, waiting, the scheduler's view ---------------------------------------------
    def simulation(self) -> LocalCluster:
        dry = self.api.dry_run()
        assert isinstance(dry.clock, SimulatedClock)
        return LocalCluster(dry, dry.clock)

    def run(self, run_for: timedelta | None = None, observe: Callable[[], bool] | None = None) -> Settling:
        from manikit.runtime.reconcile import reconcile  # the controllers: imported by what runs them

        until = None if run_for is None else self.clock.now() + run_for
        result = reconcile(self.api, self.clock, until=until, observe=observe)
        settled = result.settled and until is None and observe is None
        self._note_settled(self._moment() if settled else None)
        self.save_clock()
        return Settling(result.settled, result.summary())

    def is_settled(self) -> bool:
        """Whether the last run settled and nothing was written, and the clock did not move, since:
        the controllers and the scheduler would do nothing now (the scheduling preview's shortcut)."""
        return bool(self.store.get_note(*SETTLED_NOTE) == self._moment())

    def _note_settled(self, moment: builtins.list[Any] | None) -> None:
        if self.store.get_note(*SETTLED_NOTE) != moment:  # no write when nothing changes
            self.store.put_note(*SETTLED_NOTE, moment)

    def _moment(self) -> builtins.list[Any]:
        return [self.store.revision(), rfc3339(self.clock.now())]

    def wait(self, done: Callable[[], bool], timeout: timedelta, step: timedelta) -> bool:
        from manikit.runtime.reconcile import reconcile

        deadline = self.clock.now() + timeout
        finished = done()
        while not finished and self.clock.now() < deadline:
            reconcile(self.api, self.clock, until=min(deadline, self.clock.now() + step))
            finished = done()
        self.save_clock()
        return finished

    def scheduling_verdicts(self, pod: Body) -> SchedulingVerdicts | None:
        from manikit.runtime.controllers.scheduling import NOTE_TOPIC as SCHEDULING_TOPIC

        if pod["spec"].get("nodeName"):
            return None
        note = self.store.get_note(SCHEDULING_TOPIC, pod["metadata"].get("uid", ""))
        if not note or note.get("node"):
            return None
        nodes = tuple(
            NodeVerdict(
                v["node"], bool(v["feasible"]), v.get("plugin", ""), tuple(v.get("reasons") or ()), v["total"]
            )
            for v in note.get("verdicts") or []
        )
        return SchedulingVerdicts(note.get("message", ""), nodes)

    # The local control plane's own ------------------------------------------------------------------
    def save_clock(self) -> None:
        """Keep the simulated clock in the state, so the next command starts where this one ended."""
        if self._writable and self.store.location != ":memory:":
            self.store.put_note(*CLOCK_NOTE, rfc3339(self.clock.now()))

    def set_node_stopped(self, name: str, stopped: bool) -> bool:
        """Stop or start a node's simulated kubelet; False when it already was so."""
        from manikit.runtime.controllers.node_lifecycle import set_stopped

        self.api.get("Node", name)
        self._note_settled(None)  # a note, not a write: the revision would not show it
        return set_stopped(self.api, name, stopped)

    def close(self) -> None:
        self.store.close()


def _conforms(cluster: LocalCluster) -> Cluster:
    """mypy checks here that ``LocalCluster`` implements every method of the protocol."""
    return cluster
