"""The SQLite schema as an ordered list of migrations; ``meta.schema_version`` says how far a file got.

A migration runs inside the opening transaction, so a file is always at exactly one version.
Add a migration by appending a function; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from manikit.errors import StateError
from manikit.runtime.store.sqlite_checks import APPLICATION_ID, damaged

if TYPE_CHECKING:  # sqlite_utils (and the numpy it imports) only where a migration runs
    import sqlite_utils

Migration = Callable[["sqlite_utils.Database"], None]


def _v1(db: sqlite_utils.Database) -> None:
    db.table("meta").create({"key": str, "value": str}, pk="key")
    # Current objects: the unique index (kind, namespace, name) serves every listing, so a list by
    # kind or by kind and namespace never reads the history. A rowid table, not WITHOUT ROWID: bodies
    # are kilobytes, far above the row size WITHOUT ROWID suits (measured 1.5x faster on writes).
    db.execute(
        "CREATE TABLE objects (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, namespace TEXT NOT NULL,"
        " name TEXT NOT NULL, rev INTEGER NOT NULL, body TEXT NOT NULL)"
    )
    db.execute("CREATE UNIQUE INDEX objects_key ON objects (kind, namespace, name)")
    # The append-only history: one row per write; AUTOINCREMENT so a revision is never reused.
    db.execute(
        "CREATE TABLE revisions (rev INTEGER PRIMARY KEY AUTOINCREMENT, op TEXT NOT NULL,"
        " kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, body TEXT NOT NULL)"
    )
    db.table("events").create(
        {
            "id": int,
            "kind": str,
            "namespace": str,
            "name": str,
            "uid": str,
            "type": str,
            "reason": str,
            "message": str,
            "source": str,
            "first_timestamp": str,
            "last_timestamp": str,
            "count": int,
        },
        pk="id",
    )
    db.table("events").create_index(["uid", "type", "reason", "source", "message"], unique=True)
    db.table("events").create_index(["namespace"])
    db.table("notes").create({"topic": str, "key": str, "value": str}, pk=("topic", "key"))
    db.table("locks").create(
        {"name": str, "pid": int, "host": str, "command": str, "acquired_at": str, "token": str},
        pk="name",
    )
    db.table("meta").insert({"key": "identity", "value": str(uuid.uuid4())})
    db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES ('revisions', 0)")


def _v2(db: sqlite_utils.Database) -> None:
    """The file says it is a manikit state (SQLite's application_id); locks are leases."""
    db.execute(f"PRAGMA application_id={APPLICATION_ID}")
    db.execute("ALTER TABLE locks ADD COLUMN renewed_at REAL")


def _v3(db: sqlite_utils.Database) -> None:
    """Each body is stored once, in the history (as etcd's MVCC keeps key -> revision -> value): an
    object's row points at the revision that holds its current body, and ``current_objects`` joins them.

    Every object's revision row is made to hold its current body first: a file whose history row at
    ``objects.rev`` is missing, or disagrees with the object (another body, key or a DELETED op), keeps
    what its objects row says. Two objects claiming one revision (hand-edited damage) get fresh ones."""
    conn = db.conn
    seq_row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'revisions'").fetchone()
    seq = int(seq_row[0]) if seq_row else 0
    shared = conn.execute(
        "SELECT id FROM objects WHERE id NOT IN (SELECT min(id) FROM objects GROUP BY rev) ORDER BY id"
    ).fetchall()
    for (object_id,) in shared:
        seq = max(seq, _max_rev(conn)) + 1
        conn.execute("UPDATE objects SET rev = ? WHERE id = ?", (seq, object_id))
    conn.execute(
        "INSERT INTO revisions (rev, op, kind, namespace, name, body)"
        " SELECT o.rev, CASE WHEN r.op IS NULL OR r.op = 'DELETED' THEN 'MODIFIED' ELSE r.op END,"
        " o.kind, o.namespace, o.name, o.body"
        " FROM objects o LEFT JOIN revisions r ON r.rev = o.rev"
        " WHERE r.rev IS NULL OR r.body IS NOT o.body OR r.op = 'DELETED' OR r.kind IS NOT o.kind"
        " OR r.namespace IS NOT o.namespace OR r.name IS NOT o.name"
        " ORDER BY o.rev"
        " ON CONFLICT(rev) DO UPDATE SET op = excluded.op, kind = excluded.kind,"
        " namespace = excluded.namespace, name = excluded.name, body = excluded.body"
    )
    conn.execute("ALTER TABLE objects DROP COLUMN body")
    _current_view(db)


def _max_rev(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT max(rev) FROM (SELECT max(rev) AS rev FROM objects UNION ALL SELECT max(rev) FROM revisions)"
    ).fetchone()
    return int(row[0] or 0)


def _current_view(db: sqlite_utils.Database) -> None:
    # A LEFT JOIN: an object whose revision row is gone reads as a damaged body (NULL), never as absent.
    # SQLite flattens the view, so a query on it walks objects_key and fetches each body by its rowid.
    db.execute(
        "CREATE VIEW current_objects AS SELECT o.id AS id, o.kind AS kind, o.namespace AS namespace,"
        " o.name AS name, o.rev AS rev, r.body AS body"
        " FROM objects AS o LEFT JOIN revisions AS r ON r.rev = o.rev"
    )


MIGRATIONS: tuple[Migration, ...] = (_v1, _v2, _v3)
SCHEMA_VERSION = len(MIGRATIONS)


def migrate(db: sqlite_utils.Database, location: str) -> None:
    """Bring the file to ``SCHEMA_VERSION``; the caller holds the write transaction."""
    current = schema_version(db, location)
    if current > SCHEMA_VERSION:
        raise StateError(
            f"state {location} has schema version {current}, newer than this manikit understands "
            f"({SCHEMA_VERSION}); upgrade manikit or use another --state"
        )
    for version in range(current, SCHEMA_VERSION):
        MIGRATIONS[version](db)
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [str(version + 1)],
        )


def needs_migration(conn: sqlite3.Connection, location: str) -> bool:
    """Whether the file is short of ``SCHEMA_VERSION`` or newer (``migrate`` then says so), read
    without sqlite_utils: opening a state at the current version imports none of it."""
    return _version(conn, location) != SCHEMA_VERSION


def schema_version(db: sqlite_utils.Database, location: str = "") -> int:
    return _version(db.conn, location)


def _version(conn: sqlite3.Connection, location: str) -> int:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if found is None:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        return 0
    if not str(row[0]).isdigit():
        raise damaged(location, f"its schema version is {str(row[0])[:20]!r}")
    return int(row[0])
