"""The SQLite store: WAL mode, one write transaction at a time, a global revision, kill -9 safe.

Writes take SQLite's write lock with ``BEGIN IMMEDIATE`` (other processes wait up to the busy
timeout), so a read-check-write inside ``transaction()`` is atomic across processes; nested
transactions are savepoints. A process killed at any point leaves the last committed state: SQLite's
WAL guarantees it, and every write of an object touches the history in the same transaction.

Each body is stored once, as etcd's MVCC stores it: ``revisions`` is the append-only history (one row
per write, with the body after it), and ``objects`` is the key index, (kind, namespace, name) -> the
revision that holds the current body; the ``current_objects`` view joins the two. On a machine that
writes a few hundred MB/s, bytes dominate a bulk write (each page goes to the WAL, then to the file at
the checkpoint), and a body written once instead of twice is most of a reconcile's commit cost.
"""

from __future__ import annotations

import builtins
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

from manikit.errors import AlreadyExistsError, ConflictError, LockError, NotFoundError, StateError
from manikit.runtime.store import codec
from manikit.runtime.store.base import Body, EventRecord, HistoryEntry, LockHolder, Op, StoredObject
from manikit.runtime.store.checkpoints import Checkpointer, checkpoints_aside
from manikit.runtime.store.locks import lock_message, new_holder
from manikit.runtime.store.names import group_of, resource_name
from manikit.runtime.store.schema import migrate, needs_migration
from manikit.runtime.store.sqlite_checks import (
    PAGE_SIZE,
    check_existing_file,
    create_if_missing,
    damaged,
    failure,
    quick_check,
    use_wal,
)
from manikit.runtime.store.sqlite_lease import (
    Renewer,
    holder_with_id,
    read_holder,
    renew,
    takeover_message,
    try_lock,
)

BUSY_TIMEOUT_SECONDS = 60.0
_dumps = codec.dumps
_loads = codec.loads
_INSIDE: AbstractContextManager[None] = nullcontext()
#: Queued appends are written in batches of this many rows (inside the open transaction): the
#: speed of executemany without holding a whole reconcile pass of bodies in memory until the commit.
FLUSH_ROWS = 5_000


class SqliteStore:
    """The ``Store`` protocol over one SQLite file (or an in-memory copy of one)."""

    def __init__(self, conn: sqlite3.Connection, location: str) -> None:
        self._conn = conn
        self._location = location
        self._depth = 0
        self._rev: int | None = None  # the revision counter while a write transaction is open
        self._identity = ""
        # Appends that nothing can refuse are queued and written with executemany before the commit
        # (and before any read of them, and every FLUSH_ROWS rows): events, notes. History rows are
        # written at once: the current bodies live in them, and every read must see them.
        self._pending_events: list[tuple[str, ...]] = []
        self._pending_notes: dict[tuple[str, str], str | None] = {}
        self._leases: builtins.list[LockHolder] = []  # locks this store holds, renewed at each commit

    # Opening -----------------------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> SqliteStore:
        """Open the state file at ``path``, creating it (complete, or not at all) when it does not exist.

        An existing file must be a manikit state: anything else is refused before anything writes to
        it. Every SQLite or decoding failure is a StateError naming the file."""
        location = str(path)
        try:
            if location != ":memory:":
                create_if_missing(Path(location))
                check_existing_file(Path(location))
            conn = sqlite3.connect(
                location, isolation_level=None, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False
            )
        except (sqlite3.Error, OSError) as exc:
            raise StateError(f"cannot open state {location}: {exc}") from exc
        try:
            if location != ":memory:":
                use_wal(conn)
            else:  # a new in-memory state is made here, not by create_if_missing
                conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            # NORMAL in WAL mode survives a killed process (not a power cut), at far less fsync cost.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache for bulk passes
            quick_check(conn, location)
            store = cls(conn, location)
            store._prepare()
        except BaseException as exc:
            conn.close()
            if isinstance(exc, (sqlite3.Error, ValueError, TypeError)):
                raise failure(exc, location) from exc
            raise
        return store

    def _prepare(self) -> None:
        self._conn.execute("PRAGMA foreign_keys=OFF")
        with self.transaction():
            if needs_migration(self._conn, self._location):
                import sqlite_utils  # only to migrate: opening a current state imports none of it

                migrate(sqlite_utils.Database(self._conn), self._location)
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
        if row is None or not isinstance(row[0], str):
            raise damaged(self._location, "its identity is missing")
        self._identity = row[0]

    @property
    def identity(self) -> str:
        """A uuid created once with the file: saved plans record it to refuse another state."""
        return self._identity

    @property
    def location(self) -> str:
        return self._location

    def close(self) -> None:
        self._conn.close()

    def checkpoints_aside(self) -> AbstractContextManager[Checkpointer | None]:
        """Commits without checkpoints while a thread checkpoints (``runtime/store/checkpoints.py``)."""
        return checkpoints_aside(self._conn, self._location)

    def copy_in_memory(self) -> SqliteStore:
        """An in-memory copy (SQLite's backup API) with the same identity: for dry runs.
        Outside a transaction only (the copy is of committed state)."""
        if self._depth:
            # SQLite's backup cannot read through a connection that holds an open write transaction.
            raise StateError(
                "an in-memory copy of the state needs a committed state: copy outside transaction()"
            )
        mem = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._conn.backup(mem)
        copy = SqliteStore(mem, f"{self._location} (in-memory copy)")
        copy._identity = self._identity
        return copy

    def backup_to(self, target: str | os.PathLike[str]) -> None:
        """A consistent copy of the committed state in ``target``, written beside it and moved into
        place (SQLite's online backup API: readers and writers go on meanwhile)."""
        if self._depth:
            raise StateError("a backup of the state needs a committed state: back up outside transaction()")
        target = Path(target)
        temp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        temp.unlink(missing_ok=True)
        try:
            dest = sqlite3.connect(temp)
            try:
                self._conn.backup(dest)
                dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dest.close()
            os.replace(temp, target)
        finally:
            temp.unlink(missing_ok=True)

    def size(self) -> int:
        """How many objects the state holds."""
        return int(self._conn.execute("SELECT count(*) FROM objects").fetchone()[0])

    def check(self) -> list[str]:
        """Every problem SQLite's integrity_check and a decode of every object find (empty: healthy)."""
        problems = [str(r[0]) for r in self._conn.execute("PRAGMA integrity_check(20)") if r[0] != "ok"]
        if problems:
            return problems
        rows = self._conn.execute("SELECT kind, namespace, name, body FROM current_objects")
        for kind, ns, name, body in rows:
            try:
                self._body(body)
            except StateError as exc:
                problems.append(f"{kind}/{ns}/{name}: {exc}")
        for (body,) in self._conn.execute("SELECT body FROM revisions"):
            try:
                self._body(body)
            except StateError as exc:
                problems.append(f"history: {exc}")
                break
        return problems

    # Transactions ------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes. The outermost level holds SQLite's write lock until it ends."""
        if self._depth == 0:
            self._begin()
            self._depth = 1
            try:
                yield
            except BaseException:
                self._depth = 0
                self._rev = None
                self._drop_pending()
                self._rollback()
                raise
            self._depth = 0
            self._rev = None
            self._execute_commit()
            return
        savepoint = f"sp{self._depth}"
        saved_rev = self._rev
        self._flush()  # so that a rollback to the savepoint drops exactly what is pending
        self._conn.execute(f"SAVEPOINT {savepoint}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._conn.execute(f"ROLLBACK TO {savepoint}")
            self._conn.execute(f"RELEASE {savepoint}")
            self._rev = saved_rev
            self._drop_pending()
            raise
        finally:
            self._depth -= 1
        self._conn.execute(f"RELEASE {savepoint}")

    def _begin(self) -> None:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise failure(exc, self._location) from exc
        self._rev = self._committed_revision()

    def _committed_revision(self) -> int:
        try:
            row = self._conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'revisions'").fetchone()
        except sqlite3.OperationalError:  # a brand-new file, before the first migration
            return 0
        return int(row[0]) if row else 0

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def _execute_commit(self) -> None:
        try:
            self._flush()
            for holder in self._leases:  # a holder at work renews its lease with every commit
                renew(self._conn, holder)
            self._conn.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()
            raise

    def _rollback(self) -> None:
        """Roll back, unless SQLite already did (it does on a full disk or an I/O error): the error
        that ended the transaction is the one to report, not "no transaction is active"."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")

    def _writing(self) -> AbstractContextManager[None]:
        """The open transaction, or a new one for a single write."""
        return _INSIDE if self._depth else self.transaction()

    def _next_revision(self) -> int:
        assert self._rev is not None, "a write outside a transaction"
        self._rev += 1
        return self._rev

    def revision(self) -> int:
        """The revision of the last committed write (or of the open transaction's last write)."""
        if self._rev is not None:
            return self._rev
        return self._committed_revision()

    # Objects -----------------------------------------------------------------------------------------
    def get(self, kind: str, namespace: str, name: str) -> StoredObject | None:
        row = self._conn.execute(
            "SELECT rev, body FROM current_objects WHERE kind = ? AND namespace = ? AND name = ?",
            (kind, namespace, name),
        ).fetchone()
        if row is None:
            return None
        return StoredObject(kind, namespace, name, row[0], self._body(row[1], row[0]))

    def list(
        self, kind: str, namespace: str | None = None, labels: Mapping[str, str] | None = None
    ) -> builtins.list[StoredObject]:
        """Objects of a kind, optionally in one namespace and carrying the given labels (equality).

        The primary key narrows by kind and namespace; label equality is checked by SQLite's JSON
        functions before any row is decoded in Python. Ordered by namespace, then name.
        """
        sql = "SELECT namespace, name, rev, body FROM current_objects WHERE kind = ?"
        args: builtins.list[Any] = [kind]
        if namespace is not None:
            sql += " AND namespace = ?"
            args.append(namespace)
        for key, value in (labels or {}).items():
            sql += " AND json_extract(body, ?) = ?"
            args.extend([f'$.metadata.labels."{key}"', value])
        sql += " ORDER BY namespace, name"
        return [
            StoredObject(kind, ns, name, rev, self._body(body, rev))
            for ns, name, rev, body in self._conn.execute(sql, args)
        ]

    def list_keys(
        self, kind: str, labels: Mapping[str, str] | None = None
    ) -> builtins.list[tuple[str, str, str, int]]:
        """``(namespace, name, apiVersion, rev)`` of each object of a kind carrying the given labels
        (equality), as ``list`` finds them, without decoding a body in Python."""
        sql = (
            "SELECT namespace, name, json_extract(body, '$.apiVersion'), rev FROM current_objects"
            " WHERE kind = ?"
        )
        args: builtins.list[Any] = [kind]
        for key, value in (labels or {}).items():
            sql += " AND json_extract(body, ?) = ?"
            args.extend([f'$.metadata.labels."{key}"', value])
        rows = self._conn.execute(sql + " ORDER BY namespace, name", args)
        return [(ns, name, str(api_version or ""), rev) for ns, name, api_version, rev in rows]

    def names(self, kind: str) -> set[str]:
        """The names of the objects of a kind, in every namespace, from the key index alone (no body
        read: a plan into a state of 10,000 objects asks it of each kind it plans many of)."""
        return {name for (name,) in self._conn.execute("SELECT name FROM objects WHERE kind = ?", (kind,))}

    def list_pruned(self, kind: str, drop: Sequence[str]) -> builtins.list[StoredObject]:
        """``list(kind)`` with the JSON paths ``drop`` (``$.spec.template``...) removed from each body by
        SQLite before it is decoded here: for a reader of a few fields of many big bodies."""
        removed = "".join(", ?" for _ in drop)
        sql = f"SELECT namespace, name, rev, json_remove(body{removed}) FROM current_objects"
        sql += " WHERE kind = ?"
        rows = self._conn.execute(sql + " ORDER BY namespace, name", [*drop, kind])
        return [StoredObject(kind, ns, name, rev, self._body(body, rev)) for ns, name, rev, body in rows]

    def texts(self, keys: Iterable[tuple[str, str, str]]) -> Iterator[tuple[tuple[str, str, str], int, str]]:
        """Each of ``keys`` (kind, namespace, name) that exists, with its revision and its body as the
        JSON text stored, not decoded (for a reader that digests bodies it mostly does not keep)."""
        wanted: dict[str, set[tuple[str, str]]] = {}
        for kind, namespace, name in keys:
            wanted.setdefault(kind, set()).add((namespace, name))
        for kind, names in wanted.items():
            # many of a kind: one scan of its rows (in C), not a query each
            sql = "SELECT namespace, name, rev, body FROM current_objects WHERE kind = ?"
            for namespace, name, rev, body in self._conn.execute(sql, (kind,)):
                if (namespace, name) in names:
                    yield (kind, namespace, name), rev, body

    def versions(self) -> dict[tuple[str, str, str], int]:
        """The revision of every object, by (kind, namespace, name): no body is read."""
        rows = self._conn.execute("SELECT kind, namespace, name, rev FROM objects")
        return {(kind, ns, name): rev for kind, ns, name, rev in rows}

    def notes_of(self, topic: str) -> dict[str, Any]:
        """Every note of ``topic`` at once (a side table kept in the notes), pending ones included."""
        self._flush_notes()
        rows = self._conn.execute("SELECT key, value FROM notes WHERE topic = ?", (topic,))
        return {key: _loads(value) for key, value in rows}

    def moved_notes(
        self, topic: str, *, bodies: bool = True
    ) -> Iterator[tuple[str, str, tuple[str, str, str], int, str | None]]:
        """The notes of ``topic`` keyed ``kind/namespace/name`` of an existing object, as ``(key, value
        text, (kind, namespace, name), revision, body text)``, leaving out only those whose value is a
        JSON array holding the object's revision (an integer) second: a narrowing for a reader of the
        notes of objects written since (the caller checks each row it gets); no body or note is decoded
        here. SQLite finds them: each object's note by its key, and the body only of those kept
        (without ``bodies``, none: the body text is None)."""
        self._flush_notes()
        body = "r.body" if bodies else "NULL"
        join = " LEFT JOIN revisions AS r ON r.rev = o.rev" if bodies else ""
        sql = (
            f"SELECT n.key, n.value, o.kind, o.namespace, o.name, o.rev, {body} FROM objects AS o"
            " JOIN notes AS n ON n.topic = ? AND n.key = o.kind || '/' || o.namespace || '/' || o.name"
            f"{join}"
            " WHERE CASE WHEN json_valid(n.value) THEN json_type(n.value, '$[1]') IS NOT 'integer'"
            " OR json_extract(n.value, '$[1]') != o.rev ELSE 1 END"
        )
        for key, value, kind, namespace, name, rev, body in self._conn.execute(sql, (topic,)):
            yield key, value, (kind, namespace, name), rev, body

    def _body(self, text: Any, rev: int | None = None) -> Body:
        """A stored body: a JSON object with a metadata object, else the state is damaged. The row's
        revision is the object's resourceVersion (a body that disagrees is repaired on read)."""
        if text is None:  # the objects row points at a revision the history does not hold
            raise damaged(self._location, "an object's current revision is missing from the history")
        try:
            body = _loads(text)
        except (TypeError, ValueError) as exc:
            raise damaged(self._location, f"an object is not JSON ({exc})") from exc
        if type(body) is not dict or type(body.get("metadata")) is not dict:
            raise damaged(self._location, f"an object is not a Kubernetes object ({str(text)[:60]!r})")
        if rev is not None:
            body["metadata"]["resourceVersion"] = str(rev)
        return body

    def count(self, kind: str, namespace: str | None = None) -> int:
        if namespace is None:
            row = self._conn.execute("SELECT count(*) FROM objects WHERE kind = ?", (kind,)).fetchone()
        else:
            row = self._conn.execute(
                "SELECT count(*) FROM objects WHERE kind = ? AND namespace = ?", (kind, namespace)
            ).fetchone()
        return int(row[0])

    def namespaces_in_use(self) -> dict[str, int]:
        """How many objects each namespace holds (namespaced kinds only)."""
        rows = self._conn.execute(
            "SELECT namespace, count(*) FROM objects WHERE namespace != '' GROUP BY namespace"
        )
        return {ns: n for ns, n in rows}

    def create(self, kind: str, namespace: str, name: str, body: Body) -> int:
        with self._writing():
            rev = self._next_revision()
            body["metadata"]["resourceVersion"] = str(rev)
            text = _dumps(body)
            try:
                self._conn.execute(
                    "INSERT INTO objects (kind, namespace, name, rev) VALUES (?, ?, ?, ?)",
                    (kind, namespace, name, rev),
                )
            except sqlite3.IntegrityError as exc:
                self._rev = rev - 1
                raise AlreadyExistsError.of(resource_name(kind), name, group_of(kind)) from exc
            self._append(rev, "ADDED", kind, namespace, name, text)
            return rev

    def update(self, kind: str, namespace: str, name: str, body: Body, expected: int | None) -> int:
        with self._writing():
            rev = self._next_revision()
            body["metadata"]["resourceVersion"] = str(rev)
            text = _dumps(body)
            sql = "UPDATE objects SET rev = ? WHERE kind = ? AND namespace = ? AND name = ?"
            args: tuple[Any, ...] = (rev, kind, namespace, name)
            if expected is not None:
                sql += " AND rev = ?"
                args = (*args, expected)
            if self._conn.execute(sql, args).rowcount != 1:
                self._rev = rev - 1
                self._raise_missing_or_conflict(kind, namespace, name)
            self._append(rev, "MODIFIED", kind, namespace, name, text)
            return rev

    def delete(self, kind: str, namespace: str, name: str, expected: int | None = None) -> int:
        with self._writing():
            row = self._conn.execute(
                "SELECT rev, body FROM current_objects WHERE kind = ? AND namespace = ? AND name = ?",
                (kind, namespace, name),
            ).fetchone()
            if row is None or (expected is not None and row[0] != expected):
                self._raise_missing_or_conflict(kind, namespace, name)
            rev = self._next_revision()
            self._conn.execute(
                "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?", (kind, namespace, name)
            )
            last = row[1]
            if last is None:  # damage (its revision row is gone) can still be deleted: a bare body
                meta = {"name": name, "namespace": namespace} if namespace else {"name": name}
                last = _dumps({"kind": kind, "metadata": meta})
            self._append(rev, "DELETED", kind, namespace, name, last)
            return rev

    def _append(self, rev: int, op: Op, kind: str, namespace: str, name: str, text: str) -> None:
        """The history row of a write: for ADDED and MODIFIED, also where the current body is read."""
        self._conn.execute(
            "INSERT INTO revisions (rev, op, kind, namespace, name, body) VALUES (?, ?, ?, ?, ?, ?)",
            (rev, op, kind, namespace, name, text),
        )

    def _flush(self) -> None:
        self._flush_events()
        self._flush_notes()

    def _flush_notes(self) -> None:
        if self._pending_notes:
            notes = self._pending_notes.items()
            self._conn.executemany(
                "INSERT INTO notes (topic, key, value) VALUES (?, ?, ?)"
                " ON CONFLICT(topic, key) DO UPDATE SET value = excluded.value",
                [(t, k, v) for (t, k), v in notes if v is not None],
            )
            self._conn.executemany(
                "DELETE FROM notes WHERE topic = ? AND key = ?", [key for key, v in notes if v is None]
            )
            self._pending_notes.clear()

    def _drop_pending(self) -> None:
        self._pending_events.clear()
        self._pending_notes.clear()

    def _raise_missing_or_conflict(self, kind: str, namespace: str, name: str) -> None:
        exists = self._conn.execute(
            "SELECT 1 FROM objects WHERE kind = ? AND namespace = ? AND name = ?", (kind, namespace, name)
        ).fetchone()
        plural, group = resource_name(kind), group_of(kind)
        if exists is None:
            raise NotFoundError.of(plural, name, group)
        raise ConflictError.of(plural, name, group=group)

    def history(self, since: int, kinds: Sequence[str] | None = None) -> Iterator[HistoryEntry]:
        """Every write after revision ``since``, oldest first (a watch from ``since``)."""
        self._flush()
        sql = "SELECT rev, op, kind, namespace, name, body FROM revisions WHERE rev > ?"
        args: builtins.list[Any] = [since]
        if kinds:
            sql += f" AND kind IN ({', '.join('?' for _ in kinds)})"
            args.extend(kinds)
        for rev, op, kind, ns, name, body in self._conn.execute(sql + " ORDER BY rev", args):
            yield HistoryEntry(rev, op, kind, ns, name, self._body(body, None if op == "DELETED" else rev))

    # Events and notes ---------------------------------------------------------------------------------
    def record_event(self, event: EventRecord) -> None:
        """Add an event, or bump the count and last timestamp of the same one (as the kubelet does).

        Inside a transaction events are queued and written together just before the commit."""
        row = (
            event.kind,
            event.namespace,
            event.name,
            event.uid,
            event.type,
            event.reason,
            event.message,
            event.source,
            event.first_timestamp,
            event.last_timestamp,
        )
        if not self._depth:
            with self.transaction():
                self._pending_events.append(row)
            return
        self._pending_events.append(row)
        if len(self._pending_events) >= FLUSH_ROWS:
            self._flush_events()

    def _flush_events(self) -> None:
        if not self._pending_events:
            return
        self._conn.executemany(
            "INSERT INTO events (kind, namespace, name, uid, type, reason, message, source,"
            " first_timestamp, last_timestamp, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
            " ON CONFLICT(uid, type, reason, source, message) DO UPDATE SET"
            " count = count + 1, last_timestamp = excluded.last_timestamp",
            self._pending_events,
        )
        self._pending_events.clear()

    def events(
        self, namespace: str | None = None, uid: str | None = None, kind: str | None = None
    ) -> builtins.list[EventRecord]:
        self._flush()
        sql = (
            "SELECT kind, namespace, name, uid, type, reason, message, source, first_timestamp,"
            " last_timestamp, count, id FROM events WHERE 1 = 1"
        )
        args: builtins.list[Any] = []
        for column, value in (("namespace", namespace), ("uid", uid), ("kind", kind)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        rows = self._conn.execute(sql + " ORDER BY last_timestamp, id", args)
        return [EventRecord(*row) for row in rows]

    def delete_events(self, namespace: str) -> None:
        """Events go with their namespace."""
        with self._writing():
            self._flush_events()
            self._conn.execute("DELETE FROM events WHERE namespace = ?", (namespace,))

    def put_note(self, topic: str, key: str, value: Any) -> None:
        """Side data that is not an object (e.g. the scheduler's verdicts per pod)."""
        with self._writing():
            self._pending_notes[(topic, key)] = _dumps(value)

    def get_note(self, topic: str, key: str) -> Any:
        if (topic, key) in self._pending_notes:
            pending = self._pending_notes[(topic, key)]
            return None if pending is None else _loads(pending)
        row = self._conn.execute(
            "SELECT value FROM notes WHERE topic = ? AND key = ?", (topic, key)
        ).fetchone()
        return None if row is None else _loads(row[0])

    def delete_note(self, topic: str, key: str) -> None:
        with self._writing():
            self._pending_notes[(topic, key)] = None

    # The apply lock: a lease ---------------------------------------------------------------------------
    @contextmanager
    def acquire_lock(self, name: str, command: str, timeout: float = 0.0) -> Iterator[LockHolder]:
        """Hold the named lock for the block; wait up to ``timeout`` seconds for another holder.

        A holder whose lease expired (not renewed for LEASE_SECONDS, or dead on this host) is taken
        over; the holder yielded then names it in ``extra["took_over"]``.
        """
        holder = new_holder(name, command)
        deadline = time.monotonic() + timeout
        while (replaced := self._try_lock(holder)) is False:
            if time.monotonic() >= deadline:
                current = self.lock_holder(name)
                raise LockError(lock_message(current, self._location))
            time.sleep(0.05)
        if isinstance(replaced, LockHolder):
            holder = replace(holder, extra={"took_over": takeover_message(replaced, self._location)})
        self._leases.append(holder)
        renewer = Renewer(self._location, holder) if self._location != ":memory:" else None
        try:
            yield holder
        finally:
            if renewer is not None:
                renewer.stop()
            self._leases.remove(holder)
            with self._writing():
                self._conn.execute(
                    "DELETE FROM locks WHERE name = ? AND token = ?", (holder.name, holder.token)
                )

    def _try_lock(self, holder: LockHolder) -> bool | LockHolder:
        """False while another holder's lease runs; else True, or the expired holder taken over."""
        with self._writing():
            return try_lock(self._conn, holder)

    def lock_holder(self, name: str) -> LockHolder | None:
        return read_holder(self._conn, name)

    def lock_with_id(self, token: str) -> LockHolder | None:
        return holder_with_id(self._conn, token)

    def unlock(self, token: str) -> bool:
        """Break the lock with this ID (``manikit state unlock``); False if there is none."""
        with self._writing():
            return self._conn.execute("DELETE FROM locks WHERE token = ?", (token,)).rowcount == 1
