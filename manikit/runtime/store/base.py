"""The store's narrow interface: what the API needs from a key-value store with revisions.

SQLite implements it today (``sqlite.SqliteStore``); a later etcd backend implements the same
protocol, so nothing above this package knows about SQL.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

Body = dict[str, Any]
Op = Literal["ADDED", "MODIFIED", "DELETED"]


@dataclass(frozen=True)
class StoredObject:
    """One current object: its body (Kubernetes JSON) and the revision that last wrote it."""

    kind: str
    namespace: str  # "" for cluster-scoped kinds
    name: str
    revision: int
    body: Body


@dataclass(frozen=True)
class HistoryEntry:
    """One write in the append-only history, like an etcd watch event."""

    revision: int
    op: Op
    kind: str
    namespace: str
    name: str
    body: Body  # the object after the write; for DELETED, the last body before it


@dataclass(frozen=True)
class EventRecord:
    """A Kubernetes Event about one object (``involvedObject``), aggregated by reason and message."""

    kind: str
    namespace: str
    name: str
    uid: str
    type: str  # Normal or Warning
    reason: str
    message: str
    source: str
    first_timestamp: str
    last_timestamp: str
    count: int = 1
    id: int = 0

    @classmethod
    def new(
        cls,
        kind: str,
        namespace: str,
        name: str,
        uid: str,
        type_: str,
        reason: str,
        message: str,
        source: str,
        timestamp: str,
    ) -> EventRecord:
        """A first occurrence (count 1) at ``timestamp``: the same record as the constructor's,
        without its per-field frozen ``__setattr__`` (the kubelet records 50,000 events in a large
        rollout)."""
        record = object.__new__(cls)
        record.__dict__.update(
            kind=kind,
            namespace=namespace,
            name=name,
            uid=uid,
            type=type_,
            reason=reason,
            message=message,
            source=source,
            first_timestamp=timestamp,
            last_timestamp=timestamp,
            count=1,
            id=0,
        )
        return record


@dataclass(frozen=True)
class LockHolder:
    """Who holds a named lock: enough to say so in an error and to detect a dead holder."""

    name: str
    pid: int
    host: str
    command: str
    acquired_at: str
    token: str = ""
    extra: Mapping[str, str] = field(default_factory=dict, compare=False)  # lease and takeover details


class Store(Protocol):
    """A transactional object store with a global, monotonically increasing revision.

    Writes assign the next revision, set ``metadata.resourceVersion`` in the body they are given
    (the caller hands over ownership of that dict) and append it to the history. ``update`` and
    ``delete`` with ``expected`` refuse a stale revision with ``ConflictError``.
    """

    @property
    def identity(self) -> str: ...

    @property
    def location(self) -> str: ...

    def revision(self) -> int: ...

    def transaction(self) -> AbstractContextManager[None]: ...

    @property
    def in_transaction(self) -> bool: ...

    def get(self, kind: str, namespace: str, name: str) -> StoredObject | None: ...

    def list(
        self, kind: str, namespace: str | None = None, labels: Mapping[str, str] | None = None
    ) -> list[StoredObject]: ...

    def count(self, kind: str, namespace: str | None = None) -> int: ...

    def namespaces_in_use(self) -> dict[str, int]: ...

    def create(self, kind: str, namespace: str, name: str, body: Body) -> int: ...

    def update(self, kind: str, namespace: str, name: str, body: Body, expected: int | None) -> int: ...

    def delete(self, kind: str, namespace: str, name: str, expected: int | None = None) -> int: ...

    def history(self, since: int, kinds: Sequence[str] | None = None) -> Iterator[HistoryEntry]: ...

    def record_event(self, event: EventRecord) -> None: ...

    def events(
        self, namespace: str | None = None, uid: str | None = None, kind: str | None = None
    ) -> builtins.list[EventRecord]: ...

    def delete_events(self, namespace: str) -> None: ...

    def put_note(self, topic: str, key: str, value: Any) -> None: ...

    def get_note(self, topic: str, key: str) -> Any: ...

    def delete_note(self, topic: str, key: str) -> None: ...

    def acquire_lock(
        self, name: str, command: str, timeout: float = 0.0
    ) -> AbstractContextManager[LockHolder]: ...

    def lock_holder(self, name: str) -> LockHolder | None: ...

    def copy_in_memory(self) -> Store: ...

    def close(self) -> None: ...
