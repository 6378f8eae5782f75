"""The server's one door into the runtime: the Api, the reconcile loop and the clock.

Calls that use the store run one at a time (one writer at a time is what the store wants anyway), on
the store's thread (``manikit.server.worker``); the async routes await it, and a short read runs
inline when the store is idle. Issue 13 replaces the runtime behind this module with a ``Cluster``;
nothing else in ``manikit.server`` imports ``manikit.runtime``.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

from manikit.runtime.api import Api
from manikit.runtime.clock import TimerPending, WallClock, human_age, parse_time, rfc3339
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.controllers.scheduling import NOTE_TOPIC as SCHEDULING_NOTE
from manikit.runtime.reconcile import ReconcileResult, reconcile
from manikit.runtime.store import (
    Body,
    EventRecord,
    HistoryEntry,
    LockHolder,
    Store,
    StoredObject,
    open_store,
)
from manikit.server.worker import StoreWorker

P = ParamSpec("P")
T = TypeVar("T")
Propagation = Literal["Background", "Orphan", "Foreground"]
#: Below this many objects, a namespace's list is read from the store rather than the cache.
SMALL_NAMESPACE = 500
#: The note where the CLI keeps the simulated clock (``manikit.cli.state``): the same one.
CLOCK_NOTE = ("clock", "now")

__all__ = [
    "Backend",
    "Body",
    "EventRecord",
    "HistoryEntry",
    "LockHolder",
    "Propagation",
    "Store",
    "StoredObject",
    "human_age",
    "rfc3339",
]


class Backend:
    """The control plane behind the REST API. Reads use an informer-like cache (shared bodies: the
    routes copy before changing one); writes go through the Api, then wake the reconciler."""

    def __init__(self, store: Store, announce: Callable[[str], None] | None = None) -> None:
        self.store = store
        saved = store.get_note(*CLOCK_NOTE)
        self.clock = WallClock(parse_time(saved) if saved else None)
        self.api = Api(store, self.clock)
        self.view = Api(store, self.clock, cached=True)
        if self.api.find("Namespace", "kube-system") is None:
            self.api.ensure_system_namespaces()
        message = ensure_default_cluster(self.api)
        if message and announce:
            announce(message)
        self._worker = StoreWorker()
        self.last_result: ReconcileResult | None = None
        #: when a controller waits for a moment (a readiness delay): the next reconcile is due then
        self.timer: datetime | None = None
        self.reconciled_at = -1
        #: called on the store's thread after each reconcile pass that wrote (the server wakes its
        #: watches with it)
        self.on_pass: Callable[[], object] | None = None

    @classmethod
    def open(cls, state: str | Path, announce: Callable[[str], None] | None = None) -> Backend:
        return cls(open_store(state), announce)

    # Threading -------------------------------------------------------------------------------------
    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on the store's thread, after the calls queued before it."""
        return await self._worker.run(fn, *args, **kwargs)

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run a short read of the store: at once on this thread when the store is idle, else queued."""
        return await self._worker.read(fn, *args, **kwargs)

    def close(self) -> None:
        """Finish the queued calls, save the clock, close the store (all on the store's thread)."""
        self._worker.call(self._save_clock)
        self._worker.stop()
        self.store.close()

    # Reads -----------------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self.clock.now()

    def rfc3339_now(self) -> str:
        return rfc3339(self.clock.now())

    def revision(self) -> int:
        return self.store.revision()

    def find(self, kind: str, name: str, namespace: str | None) -> Body | None:
        return self.view.find(kind, name, namespace)

    def get(self, kind: str, name: str, namespace: str | None) -> Body:
        return self.view.get(kind, name, namespace)

    def list(self, kind: str, namespace: str | None, labels: str | None) -> tuple[builtins.list[Body], int]:
        """The objects and the revision they are the state of (a list's resourceVersion). A small
        namespace is read from the store's index; the cache would walk every object of the kind."""
        if namespace and self.store.count(kind, namespace) < SMALL_NAMESPACE:
            return self.api.list(kind, namespace, labels), self.store.revision()
        return self.view.list(kind, namespace, labels), self.store.revision()

    def warm(self, kinds: builtins.list[str]) -> None:
        """Load the read cache of ``kinds`` now: else the first list of each pays for it (seconds
        for 10,000 pods), after ``/readyz`` has already said the server is ready."""
        for kind in kinds:
            self.view.list(kind)

    def events(self, namespace: str | None) -> builtins.list[EventRecord]:
        return self.store.events(namespace=namespace)

    def history(self, since: int, kinds: builtins.list[str] | None) -> builtins.list[HistoryEntry]:
        return builtins.list(self.api.watch(since, kinds))

    def object_history(self, kind: str, namespace: str, name: str) -> builtins.list[HistoryEntry]:
        """Every stored write of one object, oldest first (for the dashboard)."""
        return [e for e in self.store.history(0, [kind]) if (e.namespace, e.name) == (namespace, name)]

    def scheduling_note(self, uid: str) -> Body | None:
        """The scheduler's last decision about a pod: its message and every node's verdict."""
        note = self.store.get_note(SCHEDULING_NOTE, uid)
        return note if isinstance(note, dict) else None

    # Writes ----------------------------------------------------------------------------------------
    @contextmanager
    def writer(self, dry_run: bool) -> Iterator[Api]:
        """The Api to write through: the real one, or one over a throwaway copy for ``dryRun=All``
        (validated, defaulted and admitted there; nothing stored, no revision spent)."""
        if not dry_run:
            with self.api.transaction():
                yield self.api
            return
        copy = self.api.dry_run()
        try:
            yield copy
        finally:
            copy.store.close()

    def create(self, body: Body, namespace: str | None, dry_run: bool, manager: str | None = None) -> Body:
        with self.writer(dry_run) as api:
            return self._unspent(api.create(body, namespace, manager=manager), dry_run)

    def update(
        self, body: Body, dry_run: bool, manager: str | None = None, subresource: str | None = None
    ) -> Body:
        with self.writer(dry_run) as api:
            return self._unspent(api.update(body, manager=manager, subresource=subresource), dry_run)

    def update_status(self, body: Body, dry_run: bool, manager: str | None = None) -> Body:
        with self.writer(dry_run) as api:
            return self._unspent(api.update_status(body, manager=manager), dry_run)

    def apply(self, config: Body, manager: str, force: bool, dry_run: bool) -> tuple[bool, Body]:
        """Server-side apply; (whether it created the object, the object)."""
        meta = config.get("metadata") or {}
        with self.writer(dry_run) as api:
            created = api.find(config.get("kind", ""), meta.get("name", ""), meta.get("namespace")) is None
            return created, self._unspent(api.apply(config, manager, force), dry_run)

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None,
        propagation: Propagation,
        rv: str | None,
        dry_run: bool,
        grace_period: int | None = None,
    ) -> Body:
        with self.writer(dry_run) as api:
            return api.delete(
                kind,
                name,
                namespace,
                propagation=propagation,
                resource_version=rv,
                grace_period=grace_period,
            )

    def _unspent(self, body: Body, dry_run: bool) -> Body:
        """A dry run's answer carries the live object's resourceVersion (none for a create): the
        revision the copy spent is not one the real state has."""
        if dry_run:
            meta = body["metadata"]
            live = self.store.get(body["kind"], meta.get("namespace") or "", meta["name"])
            if live is None:
                meta.pop("resourceVersion", None)
            else:
                meta["resourceVersion"] = str(live.revision)
        return body

    def delete_many(
        self,
        kind: str,
        bodies: builtins.list[Body],
        propagation: Propagation,
        dry_run: bool,
        grace_period: int | None = None,
    ) -> builtins.list[Body]:
        with self.writer(dry_run) as api:
            return [
                api.delete(
                    kind,
                    b["metadata"]["name"],
                    b["metadata"].get("namespace"),
                    propagation=propagation,
                    grace_period=grace_period,
                )
                for b in bodies
            ]

    def bind(self, namespace: str, name: str, node: str, dry_run: bool) -> Body:
        with self.writer(dry_run) as api:
            return api.bind(namespace, name, node)

    def modify(self, kind: str, name: str, namespace: str | None, change: Callable[[Body], Any]) -> Any:
        """Read an object and hand it to ``change`` on the store's thread, so nothing writes between
        the read and the write ``change`` makes (a read-modify-write such as a patch)."""
        return change(self.get(kind, name, namespace))

    # The reconciler --------------------------------------------------------------------------------
    def needs_reconcile(self) -> bool:
        """Something was written since the last reconcile (here or by another process on the same
        state), or a controller's timer is due."""
        due = self.timer is not None and self.timer <= self.clock.now()
        return due or self.store.revision() != self.reconciled_at

    def reconcile(self) -> ReconcileResult | None:
        """Controllers and scheduler until the cluster settles or waits for a timer (``timer``).
        Each pass is its own transaction, so stopping between passes leaves the state consistent."""
        self.timer = None
        try:
            return self._reconcile()
        finally:
            self.reconciled_at = self.store.revision()

    def _reconcile(self) -> ReconcileResult | None:
        try:
            self.last_result = reconcile(self.api, self.clock, observe=self._between_passes)
        except TimerPending as pending:
            self.timer = pending.moment
            return None
        return self.last_result

    def _between_passes(self) -> bool:
        """After a reconcile pass that wrote, its transaction committed: the watches are told, and the
        reads that came in meanwhile run now rather than after the last pass. Never stops the loop."""
        if self.on_pass is not None:
            self.on_pass()
        self._worker.serve_reads()
        return False

    def seconds_to_timer(self) -> float | None:
        if self.timer is None:
            return None
        return max((self.timer - self.clock.now()).total_seconds(), 0.0)

    def _save_clock(self) -> None:
        self.store.put_note(*CLOCK_NOTE, rfc3339(self.clock.now()))
