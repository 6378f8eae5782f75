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


MIGRATIONS: tuple[Migration, ...] = (_v1, _v2)
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
