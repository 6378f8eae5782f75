"""A dry run's in-memory copy of etcd-held state: an in-memory SQLite store with the same identity,
objects, revisions, history, events and notes, so a dry run behaves exactly as a real apply would."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from typing import Any

import sqlite_utils

from manikit.runtime.store.base import EventRecord
from manikit.runtime.store.schema import migrate
from manikit.runtime.store.sqlite import SqliteStore


class InMemoryCopy(SqliteStore):
    """A SQLite store that reports the identity of the state it was copied from."""

    def __init__(self, conn: sqlite3.Connection, location: str, identity: str) -> None:
        super().__init__(conn, location)
        self._source_identity = identity

    @property
    def identity(self) -> str:
        return self._source_identity


def sqlite_copy(
    *,
    objects: Sequence[tuple[str, str, str, dict[str, Any]]],
    history: Sequence[dict[str, Any]],
    events: Sequence[EventRecord],
    notes: Sequence[tuple[str, str, str]],
    identity: str,
    location: str,
) -> InMemoryCopy:
    """Build the copy; ``objects`` are (kind, namespace, name, {"rev", "body"}), ``history`` records
    carry rev/op/kind/namespace/name/body, ``notes`` are (topic, key, JSON text)."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute("BEGIN")
    migrate(sqlite_utils.Database(conn), location)
    conn.execute("UPDATE meta SET value = ? WHERE key = 'identity'", (identity,))
    conn.executemany(
        "INSERT INTO revisions (rev, op, kind, namespace, name, body) VALUES (?, ?, ?, ?, ?, ?)",
        [(h["rev"], h["op"], h["kind"], h["namespace"], h["name"], json.dumps(h["body"])) for h in history],
    )
    # An object's current body lives in the history row of its revision: etcd's history may have been
    # compacted past it, so that row is written from the object (which wins over what history holds).
    conn.executemany(
        "INSERT INTO revisions (rev, op, kind, namespace, name, body) VALUES (?, 'MODIFIED', ?, ?, ?, ?)"
        " ON CONFLICT(rev) DO UPDATE SET body = excluded.body",
        sorted((rec["rev"], k, ns, n, json.dumps(rec["body"])) for k, ns, n, rec in objects),
    )
    conn.executemany(
        "INSERT INTO objects (kind, namespace, name, rev) VALUES (?, ?, ?, ?)",
        [(k, ns, n, rec["rev"]) for k, ns, n, rec in objects],
    )
    # SQLite numbers the events anew, in etcd's order (several share the revision that created them).
    conn.executemany(
        "INSERT INTO events (kind, namespace, name, uid, type, reason, message, source,"
        " first_timestamp, last_timestamp, count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                e.kind,
                e.namespace,
                e.name,
                e.uid,
                e.type,
                e.reason,
                e.message,
                e.source,
                e.first_timestamp,
                e.last_timestamp,
                e.count,
            )
            for e in sorted(events, key=lambda e: e.id)
        ],
    )
    conn.executemany("INSERT INTO notes (topic, key, value) VALUES (?, ?, ?)", notes)
    conn.execute("COMMIT")
    return InMemoryCopy(conn, location, identity)
