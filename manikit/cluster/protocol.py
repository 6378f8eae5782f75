"""The one seam between manikit's commands and a cluster (client-go's ``Interface``, controller-runtime's
``client.Client``): what plan, apply and the CLI may ask of the local control plane or, later, of a
real cluster. Nothing above ``manikit.cluster`` reaches past it into the runtime or its store.

Bodies are Kubernetes JSON dicts; kinds are named as in manifests (``"Deployment"``). Errors are
``manikit.errors`` StateErrors (NotFound, AlreadyExists, Conflict, Invalid, Forbidden).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from manikit.models.selector import LabelSelector
from manikit.runtime.store.base import EventRecord

Body = dict[str, Any]
Propagation = Literal["Background", "Orphan", "Foreground"]
Selector = LabelSelector | Mapping[str, str] | str | None
#: one apply-set member as the inventory records it: (kind, namespace, name, apiVersion)
Member = tuple[str, str, str, str]
#: the field manager manikit applies and writes as (server-side apply's ``fieldManager``)
FIELD_MANAGER = "manikit"


@dataclass(frozen=True)
class Settling:
    """How a run of the cluster ended: ``settled`` unless it was still changing, and why."""

    settled: bool
    summary: str


@dataclass(frozen=True)
class Watched:
    """One write seen by ``watch``: ADDED, MODIFIED or DELETED, with the object after it."""

    revision: int
    op: str
    kind: str
    namespace: str
    name: str
    body: Body


@dataclass(frozen=True)
class NodeVerdict:
    """The scheduler's verdict on one node for a pod it left Pending (``describe pod``)."""

    node: str
    feasible: bool
    plugin: str
    reasons: tuple[str, ...]
    score: int


@dataclass(frozen=True)
class SchedulingVerdicts:
    """The last scheduling decision that left a pod Pending: kube-scheduler's message, node by node."""

    message: str
    nodes: tuple[NodeVerdict, ...]


class Cluster(Protocol):
    """A cluster that manikit plans against, applies to, reads and waits on."""

    # Identity and time ------------------------------------------------------------------------------
    @property
    def identity(self) -> str:
        """What a saved plan names: it refuses to apply to another cluster."""
        ...

    @property
    def location(self) -> str:
        """Where it is, for messages (a file, an etcd or https URL)."""
        ...

    def revision(self) -> int:
        """The cluster-wide revision (the resourceVersion of the newest write)."""
        ...

    def now(self) -> datetime:
        """The cluster's clock (simulated for a local state), for ages and timestamps."""
        ...

    @property
    def defaults_locally(self) -> bool:
        """Whether manikit itself defaults and validates writes (the local control plane), or the
        server does (a remote cluster)."""
        ...

    # Reads ------------------------------------------------------------------------------------------
    def get(self, kind: str, name: str, namespace: str | None = None) -> Body: ...

    def find(self, kind: str, name: str, namespace: str | None = None) -> Body | None: ...

    def list(
        self, kind: str, namespace: str | None = None, selector: Selector = None
    ) -> builtins.list[Body]: ...

    def watch(self, since: int, kinds: builtins.list[str] | None = None) -> Iterator[Watched]: ...

    def events(self, namespace: str | None = None, obj: Body | None = None) -> builtins.list[EventRecord]: ...

    # Writes (``dry_run``: validated and admitted, never stored) -------------------------------------
    def create(self, obj: Mapping[str, Any], *, dry_run: bool = False, manager: str | None = None) -> Body:
        """``manager``: sent as ``fieldManager``."""
        ...

    def update(
        self, obj: Mapping[str, Any], *, dry_run: bool = False, manager: str | None = None
    ) -> Body: ...

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
        """An RFC 7386 JSON merge patch."""
        ...

    def apply(
        self,
        obj: Mapping[str, Any],
        *,
        manager: str = FIELD_MANAGER,
        force: bool = False,
        dry_run: bool = False,
    ) -> Body:
        """Server-side apply (application/apply-patch+yaml); a 409 is a ConflictError with the Status
        causes kept (the fields and the managers that own them)."""
        ...

    def delete(
        self,
        kind: str,
        name: str,
        namespace: str | None = None,
        *,
        propagation: Propagation = "Background",
        grace_period: int | None = None,
        dry_run: bool = False,
    ) -> Body: ...

    @property
    def atomic_batches(self) -> bool:
        """Whether the writes inside ``batch()`` land all together or not at all."""
        ...

    def batch(self) -> AbstractContextManager[None]:
        """Group writes: one transaction where ``atomic_batches``, else just in order."""
        ...

    # The apply set and the apply lock ---------------------------------------------------------------
    def applyset_inventory(self, applyset: str) -> builtins.list[Member]: ...

    def save_applyset_inventory(self, applyset: str, members: builtins.list[Member]) -> None: ...

    def apply_lock(self, command: str, timeout: float = 0.0) -> AbstractContextManager[Mapping[str, str]]:
        """Held while one apply runs; yields what to tell the user (``took_over``) if anything."""
        ...

    def signing_key(self, *, create: bool = False) -> str:
        """This cluster's secret for signing saved plans ("" if none and not ``create``)."""
        ...

    # Simulation, running, waiting, the scheduler's view ---------------------------------------------
    def simulation(self) -> Cluster:
        """A throwaway copy with the same identity and revision: writes there never reach this one."""
        ...

    def run(self, run_for: timedelta | None = None, observe: Callable[[], bool] | None = None) -> Settling:
        """Let the controllers and scheduler work until the cluster settles, or for ``run_for``;
        ``observe`` is called after each change and stops the run by returning True."""
        ...

    def wait(self, done: Callable[[], bool], timeout: timedelta, step: timedelta) -> bool:
        """Wait up to ``timeout`` (checking every ``step``) until ``done()``; whether it became so."""
        ...

    def scheduling_verdicts(self, pod: Body) -> SchedulingVerdicts | None:
        """Why the scheduler left ``pod`` Pending, node by node (None if it did not, or is bound)."""
        ...
