"""The etcd v3 store: the ``Store`` protocol over a key prefix of an etcd cluster, for shared state.

Keys under ``/<prefix>/``: ``meta/{format,identity,revision,pending}``, ``objects/<kind>/<ns>/<name>``
(``{"rev": N, "body": ...}``), ``history/<rev>``, ``events/<uid>/<digest>``, ``notes/<topic>/<key>``,
``locks/<name>`` (attached to a lease) and ``staged/<txid>/<n>``.

Concurrency and atomicity. ``meta/revision`` holds manikit's own revision counter and is the one point
every commit serializes on. A transaction reads at the etcd revision it began at (a snapshot), buffers
its writes (reads see them), and commits with one etcd txn guarded by ``meta/revision``'s mod_revision:
if anyone committed since, nothing is written and the caller gets ``ConflictError``. A guarded
``update``/``delete`` refuses a stale ``expected`` revision against that snapshot, so the guard is
exactly Kubernetes' resourceVersion check.

A commit too large for one txn (``max_txn_ops`` ops, or about 700 kB) uses a two-phase protocol that
never shows half of it: (1) its ops are written as chunks under ``staged/<txid>/``, which no reader
looks at; (2) one txn, guarded as above, bumps ``meta/revision`` and sets ``meta/pending`` to the txid;
that is the commit point. (3) The chunks are then applied, each in a txn guarded by ``meta/pending``
still naming this txid, and a last txn clears ``meta/pending`` and the chunks. Every reader takes its
snapshot only when ``meta/pending`` is empty, rolling a pending batch forward itself first, so a
writer that dies after the commit point is finished by the next reader; one that dies before it
leaves only unreferenced chunks.

The apply lock is a key attached to an etcd lease that the holder keeps alive from a thread: a
holder that dies stops renewing and etcd deletes the key when the lease's TTL runs out.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import time
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, unquote

from manikit.errors import AlreadyExistsError, ConflictError, LockError, NotFoundError, StateError
from manikit.runtime.store import codec
from manikit.runtime.store.base import Body, EventRecord, HistoryEntry, LockHolder, Op, Store, StoredObject
from manikit.runtime.store.etcd_client import (
    EtcdUrl,
    Gateway,
    compare,
    decode_kvs,
    delete_op,
    put_op,
    range_op,
)
from manikit.runtime.store.etcd_commit import Committer
from manikit.runtime.store.etcd_copy import sqlite_copy
from manikit.runtime.store.etcd_lock import KeepAlive, read_holder, try_lock
from manikit.runtime.store.locks import lock_message, new_holder
from manikit.runtime.store.names import group_of, resource_name

FORMAT = "manikit-state/1"
_dumps = codec.dumps
_INSIDE: AbstractContextManager[None] = nullcontext()
_ABSENT = object()


@dataclass
class _Txn:
    """One open transaction: its snapshot and its buffered writes (value None: a deletion)."""

    snapshot: int  # the etcd revision reads are made at
    meta_mod: int  # meta/revision's mod_revision at the snapshot: the commit's guard
    rev: int  # manikit's revision of the last write (the committed one at first)
    objects: dict[str, dict[str, str | None]] = field(default_factory=dict)  # kind -> key -> value
    other: dict[str, str | None] = field(default_factory=dict)  # events and notes
    history: list[tuple[str, str]] = field(default_factory=list)
    undo: list[tuple[dict[str, str | None], str, object]] = field(default_factory=list)
    cache: dict[str, str | None] = field(default_factory=dict)  # object values read at the snapshot
    loaded: set[str] = field(default_factory=set)  # prefixes read whole into the cache
    misses: dict[str, int] = field(default_factory=dict)  # point reads per namespace prefix

    def put(self, table: dict[str, str | None], key: str, value: str | None) -> None:
        self.undo.append((table, key, table.get(key, _ABSENT)))
        table[key] = value

    def rollback_to(self, mark: tuple[int, int, int]) -> None:
        undo_len, history_len, rev = mark
        while len(self.undo) > undo_len:
            table, key, before = self.undo.pop()
            if before is _ABSENT:
                table.pop(key, None)
            else:
                table[key] = before  # type: ignore[assignment]
        del self.history[history_len:]
        self.rev = rev

    def mark(self) -> tuple[int, int, int]:
        return len(self.undo), len(self.history), self.rev


class EtcdStore:
    """The ``Store`` protocol over ``/<prefix>/`` of an etcd v3 cluster."""

    def __init__(self, gateway: Gateway, url: EtcdUrl) -> None:
        self._gw = gateway
        self._url = url
        self._root = f"/{url.prefix}/"
        self._txn: _Txn | None = None
        self._depth = 0
        self._identity = ""
        self._committer = Committer(gateway, self._root, url.max_txn_ops)

    # Opening -----------------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: EtcdUrl) -> EtcdStore:
        """Connect (failing fast when no member answers) and initialize an empty prefix."""
        store = cls(Gateway(url), url)
        store._prepare()
        return store

    def _key(self, *parts: str) -> str:
        return self._root + "/".join(parts)

    def _prepare(self) -> None:
        fmt, ident = self._key("meta", "format"), self._key("meta", "identity")
        for _ in range(3):
            response = self._gw.txn([], [range_op(fmt), range_op(ident)], deadline=2.0)
            found = [decode_kvs(r["response_range"]) for r in response["responses"]]
            if found[0]:
                if found[0][0].value != FORMAT:
                    raise StateError(
                        f"etcd prefix {self._root} at {self._url} holds state in format "
                        f"{found[0][0].value!r}, not {FORMAT!r}; upgrade manikit or use another prefix"
                    )
                self._identity = found[1][0].value if found[1] else ""
                return
            self._initialize(fmt, ident)
        raise StateError(f"cannot initialize manikit state under {self._root} at {self._url}")

    def _initialize(self, fmt: str, ident: str) -> None:
        for kv in self._gw.range(self._root, keys_only=True):
            raise StateError(
                f"etcd prefix {self._root} at {self._url} holds data that is not manikit state "
                f"(key {kv.key!r}); choose another prefix in --state etcd://HOSTS/PREFIX"
            )
        revision = _dumps({"rev": 0, "txid": ""})
        ops = [put_op(fmt, FORMAT), put_op(ident, str(uuid.uuid4())), put_op(self._meta_rev, revision)]
        self._gw.txn([compare(fmt, "VERSION", 0)], ops)

    @property
    def _meta_rev(self) -> str:
        return self._key("meta", "revision")

    @property
    def _pending(self) -> str:
        return self._key("meta", "pending")

    @property
    def identity(self) -> str:
        """A uuid created with the prefix's state: saved plans record it to refuse another state."""
        return self._identity

    @property
    def location(self) -> str:
        return str(self._url)

    def close(self) -> None:
        """Nothing is held between calls (HTTP keep-alive connections close with the process)."""

    def copy_in_memory(self) -> Store:
        """An in-memory SQLite copy of the committed state (same identity and revisions): dry runs."""
        if self._depth:
            raise StateError(
                "an in-memory copy of the state needs a committed state: copy outside transaction()"
            )
        snap = self._snapshot()[0]
        objects = [(kv.key, kv.value) for kv in self._gw.range(self._key("objects", ""), snap)]
        history = [kv.value for kv in self._gw.range(self._key("history", ""), snap)]
        notes = [(kv.key, kv.value) for kv in self._gw.range(self._key("notes", ""), snap)]
        return sqlite_copy(
            objects=[(*self._split_object_key(key), json.loads(value)) for key, value in objects],
            history=[json.loads(value) for value in history],
            events=self._events_at(snap),
            notes=[(*self._split_note_key(key), value) for key, value in notes],
            identity=self._identity,
            location=f"{self.location} (in-memory copy)",
        )

    # Snapshots and the commit protocol ---------------------------------------------------------------
    def _snapshot(self) -> tuple[int, tuple[int, int]]:
        """(etcd revision, (manikit revision, meta mod_revision)) with no batch pending."""
        for _ in range(10):
            response = self._gw.txn([], [range_op(self._meta_rev), range_op(self._pending)])
            meta, pending = [decode_kvs(r["response_range"]) for r in response["responses"]]
            if not pending:
                if not meta:
                    raise StateError(f"etcd prefix {self._root} at {self._url} lost its manikit metadata")
                rev = int(json.loads(meta[0].value)["rev"])
                return int(response["header"]["revision"]), (rev, meta[0].mod_revision)
            self._committer.roll_forward(pending[0].value)
        raise StateError(f"etcd prefix {self._root} at {self._url}: a pending commit does not settle")

    def _read_revision(self) -> int:
        return self._txn.snapshot if self._txn is not None else self._snapshot()[0]

    def _commit(self, txn: _Txn) -> None:
        ops = [
            put_op(key, value) if value is not None else delete_op(key)
            for table in (*txn.objects.values(), txn.other)
            for key, value in table.items()
        ]
        ops.extend(put_op(key, value) for key, value in txn.history)
        if ops:
            self._committer.commit(ops, txn.rev, txn.meta_mod)

    # Transactions ------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes, committed as described in the module docstring."""
        if self._txn is None:
            snap, (rev, meta_mod) = self._snapshot()
            self._txn = txn = _Txn(snap, meta_mod, rev)
            self._depth = 1
            try:
                yield
            except BaseException:
                self._txn, self._depth = None, 0
                raise
            self._txn, self._depth = None, 0
            self._commit(txn)
            return
        mark = self._txn.mark()
        self._depth += 1
        try:
            yield
        except BaseException:
            self._txn.rollback_to(mark)
            raise
        finally:
            self._depth -= 1

    @property
    def in_transaction(self) -> bool:
        return self._txn is not None

    def _writing(self) -> AbstractContextManager[None]:
        return _INSIDE if self._txn is not None else self.transaction()

    def _open(self) -> _Txn:
        assert self._txn is not None, "a write outside a transaction"
        return self._txn

    def revision(self) -> int:
        if self._txn is not None:
            return self._txn.rev
        return self._snapshot()[1][0]

    # Objects -----------------------------------------------------------------------------------------
    def _object_key(self, kind: str, namespace: str, name: str) -> str:
        return self._key("objects", kind, namespace, name)

    def _split_object_key(self, key: str) -> tuple[str, str, str]:
        kind, namespace, name = key[len(self._key("objects", "")) :].split("/", 2)
        return kind, namespace, name

    def get(self, kind: str, namespace: str, name: str) -> StoredObject | None:
        key = self._object_key(kind, namespace, name)
        value: object = _ABSENT
        if self._txn is not None:
            value = self._txn.objects.get(kind, {}).get(key, _ABSENT)
            if value is _ABSENT:
                value = self._snapshot_value(self._txn, kind, namespace, key)
        if value is _ABSENT:
            kv = self._gw.get(key, self._read_revision())
            value = kv.value if kv else None
        if value is None:
            return None
        record = json.loads(str(value))
        return StoredObject(kind, namespace, name, record["rev"], record["body"])

    def _snapshot_value(self, txn: _Txn, kind: str, namespace: str, key: str) -> str | None:
        """A key's value at the transaction's snapshot, which never changes: answered from what this
        transaction already read, and after a few point reads in one namespace, by reading it whole
        (an apply reads many objects of a kind and namespace, one by one)."""
        if key in txn.cache:
            return txn.cache[key]
        ns_prefix = self._object_key(kind, namespace, "")
        if ns_prefix in txn.loaded or self._key("objects", kind, "") in txn.loaded:
            return None
        txn.misses[ns_prefix] = txn.misses.get(ns_prefix, 0) + 1
        if txn.misses[ns_prefix] >= 3:
            self._load(txn, ns_prefix)
            return txn.cache.get(key)
        kv = self._gw.get(key, txn.snapshot)
        txn.cache[key] = kv.value if kv else None
        return txn.cache[key]

    def _load(self, txn: _Txn, prefix: str) -> None:
        txn.cache.update((kv.key, kv.value) for kv in self._gw.range(prefix, txn.snapshot))
        txn.loaded.add(prefix)

    def _values(self, prefix: str, kind: str, *, keys_only: bool = False) -> dict[str, str | None]:
        """Current values under ``prefix`` as this transaction sees them (buffered writes included)."""
        txn = self._txn
        if txn is None:
            return {
                kv.key: kv.value for kv in self._gw.range(prefix, self._read_revision(), keys_only=keys_only)
            }
        if prefix not in txn.loaded and self._key("objects", kind, "") not in txn.loaded:
            self._load(txn, prefix)
        found = {key: value for key, value in txn.cache.items() if key.startswith(prefix)}
        for key, value in txn.objects.get(kind, {}).items():
            if key.startswith(prefix):
                found[key] = value
        return found

    def list(
        self, kind: str, namespace: str | None = None, labels: Mapping[str, str] | None = None
    ) -> builtins.list[StoredObject]:
        """Objects of a kind, optionally in one namespace and with the given labels; by namespace, name."""
        prefix = (
            self._key("objects", kind, "") if namespace is None else self._object_key(kind, namespace, "")
        )
        out = []
        for key, value in self._values(prefix, kind).items():
            if value is None:
                continue
            record = json.loads(value)
            body_labels = record["body"].get("metadata", {}).get("labels") or {}
            if all(body_labels.get(k) == v for k, v in (labels or {}).items()):
                _, ns, name = self._split_object_key(key)
                out.append(StoredObject(kind, ns, name, record["rev"], record["body"]))
        out.sort(key=lambda obj: (obj.namespace, obj.name))
        return out

    def count(self, kind: str, namespace: str | None = None) -> int:
        prefix = (
            self._key("objects", kind, "") if namespace is None else self._object_key(kind, namespace, "")
        )
        return sum(value is not None for value in self._values(prefix, kind, keys_only=True).values())

    def namespaces_in_use(self) -> dict[str, int]:
        """How many objects each namespace holds (namespaced kinds only)."""
        keys = {
            kv.key for kv in self._gw.range(self._key("objects", ""), self._read_revision(), keys_only=True)
        }
        if self._txn is not None:
            for table in self._txn.objects.values():
                keys.update(key for key, value in table.items() if value is not None)
                keys.difference_update(key for key, value in table.items() if value is None)
        counts: dict[str, int] = {}
        for key in keys:
            namespace = self._split_object_key(key)[1]
            if namespace:
                counts[namespace] = counts.get(namespace, 0) + 1
        return counts

    def _write(self, op: Op, kind: str, namespace: str, name: str, body: Body) -> int:
        txn = self._open()
        txn.rev += 1
        text = _dumps(body)
        if op != "DELETED":
            body["metadata"]["resourceVersion"] = str(txn.rev)
            text = _dumps(body)
        key = self._object_key(kind, namespace, name)
        table = txn.objects.setdefault(kind, {})
        txn.put(table, key, None if op == "DELETED" else f'{{"rev":{txn.rev},"body":{text}}}')
        head = _dumps({"rev": txn.rev, "op": op, "kind": kind, "namespace": namespace, "name": name})
        txn.history.append((self._key("history", f"{txn.rev:016d}"), f'{head[:-1]},"body":{text}}}'))
        return txn.rev

    def create(self, kind: str, namespace: str, name: str, body: Body) -> int:
        with self._writing():
            if self.get(kind, namespace, name) is not None:
                raise AlreadyExistsError.of(resource_name(kind), name, group_of(kind))
            return self._write("ADDED", kind, namespace, name, body)

    def update(self, kind: str, namespace: str, name: str, body: Body, expected: int | None) -> int:
        with self._writing():
            self._check(kind, namespace, name, expected)
            return self._write("MODIFIED", kind, namespace, name, body)

    def delete(self, kind: str, namespace: str, name: str, expected: int | None = None) -> int:
        with self._writing():
            current = self._check(kind, namespace, name, expected)
            return self._write("DELETED", kind, namespace, name, current.body)

    def _check(self, kind: str, namespace: str, name: str, expected: int | None) -> StoredObject:
        current = self.get(kind, namespace, name)
        plural, group = resource_name(kind), group_of(kind)
        if current is None:
            raise NotFoundError.of(plural, name, group)
        if expected is not None and current.revision != expected:
            raise ConflictError.of(plural, name, group=group)
        return current

    def history(self, since: int, kinds: Sequence[str] | None = None) -> Iterator[HistoryEntry]:
        """Every write after revision ``since``, oldest first (a watch from ``since``)."""
        prefix = self._key("history", "")
        start = prefix + f"{since + 1:016d}"
        values = [kv.value for kv in self._gw.range(prefix, self._read_revision(), start=start)]
        if self._txn is not None:
            values.extend(value for _, value in self._txn.history)
        for value in values:
            record = json.loads(value)
            if record["rev"] > since and (not kinds or record["kind"] in kinds):
                yield HistoryEntry(
                    record["rev"],
                    record["op"],
                    record["kind"],
                    record["namespace"],
                    record["name"],
                    record["body"],
                )

    # Events and notes ---------------------------------------------------------------------------------
    def _event_key(self, event: EventRecord) -> str:
        digest = hashlib.sha1("\0".join((event.type, event.reason, event.source, event.message)).encode())
        return self._key("events", quote(event.uid, safe=""), digest.hexdigest()[:20])

    def record_event(self, event: EventRecord) -> None:
        """Add an event, or bump the count and last timestamp of the same one (as the kubelet does)."""
        with self._writing():
            txn = self._open()
            key = self._event_key(event)
            value = txn.other.get(key, _ABSENT)
            if value is _ABSENT:
                kv = self._gw.get(key, txn.snapshot)
                value = kv.value if kv else None
            record = {**event.__dict__, "id": 0}
            if value is not None:
                before = json.loads(str(value))
                record = {**before, "count": before["count"] + 1, "last_timestamp": event.last_timestamp}
            txn.put(txn.other, key, _dumps(record))

    def _events_at(self, revision: int) -> builtins.list[EventRecord]:
        events = []
        for kv in self._gw.range(self._key("events", ""), revision):
            events.append(EventRecord(**{**json.loads(kv.value), "id": kv.create_revision}))
        return events

    def events(
        self, namespace: str | None = None, uid: str | None = None, kind: str | None = None
    ) -> builtins.list[EventRecord]:
        by_key = {self._event_key(event): event for event in self._events_at(self._read_revision())}
        if self._txn is not None:
            for key, value in self._txn.other.items():
                if value is not None and key.startswith(self._key("events", "")):
                    record = json.loads(value)
                    old = by_key.get(key)
                    by_key[key] = EventRecord(**{**record, "id": old.id if old else 1 << 62})
        selected = [
            event
            for event in by_key.values()
            if (namespace is None or event.namespace == namespace)
            and (uid is None or event.uid == uid)
            and (kind is None or event.kind == kind)
        ]
        return sorted(selected, key=lambda event: (event.last_timestamp, event.id))

    def delete_events(self, namespace: str) -> None:
        """Events go with their namespace."""
        with self._writing():
            txn = self._open()
            for event in self.events(namespace=namespace):
                txn.put(txn.other, self._event_key(event), None)

    def _note_key(self, topic: str, key: str) -> str:
        return self._key("notes", quote(topic, safe=""), quote(key, safe=""))

    def _split_note_key(self, key: str) -> tuple[str, str]:
        topic, name = key[len(self._key("notes", "")) :].split("/", 1)
        return unquote(topic), unquote(name)

    def put_note(self, topic: str, key: str, value: Any) -> None:
        """Side data that is not an object (e.g. the scheduler's verdicts per pod)."""
        with self._writing():
            txn = self._open()
            txn.put(txn.other, self._note_key(topic, key), _dumps(value))

    def get_note(self, topic: str, key: str) -> Any:
        note = self._note_key(topic, key)
        value: object = _ABSENT
        if self._txn is not None:
            value = self._txn.other.get(note, _ABSENT)
        if value is _ABSENT:
            kv = self._gw.get(note, self._read_revision())
            value = kv.value if kv else None
        return None if value is None else json.loads(str(value))

    def delete_note(self, topic: str, key: str) -> None:
        with self._writing():
            txn = self._open()
            txn.put(txn.other, self._note_key(topic, key), None)

    # The apply lock ----------------------------------------------------------------------------------
    @contextmanager
    def acquire_lock(self, name: str, command: str, timeout: float = 0.0) -> Iterator[LockHolder]:
        """Hold the named lock for the block; wait up to ``timeout`` seconds for another holder.

        The lock key lives on a lease kept alive by a thread; a holder that dies loses the lock when
        its lease expires (``lock_ttl`` seconds), or at once when it was on this host.
        """
        holder = new_holder(name, command)
        lease = int(self._gw.call("lease/grant", {"TTL": self._url.lock_ttl})["ID"])
        keeper = KeepAlive(Gateway(self._url), lease, self._url.lock_ttl)
        deadline = time.monotonic() + timeout
        try:
            while not try_lock(self._gw, self._key("locks", name), holder, lease):
                if time.monotonic() >= deadline:
                    raise LockError(lock_message(self.lock_holder(name), self.location))
                time.sleep(0.05)
            yield holder
        finally:
            keeper.stop()
            self._gw.call("lease/revoke", {"ID": lease})

    def lock_holder(self, name: str) -> LockHolder | None:
        return read_holder(self._gw, self._key("locks", name))
