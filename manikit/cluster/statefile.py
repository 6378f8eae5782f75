"""A local state file itself (``manikit state check|backup|restore|unlock``): SQLite's integrity and
every stored object, consistent backups, checking a backup before it is restored, breaking a lock."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path

from manikit.cluster.local import LocalCluster
from manikit.cluster.protocol import Cluster
from manikit.errors import StateDamagedError, StateError
from manikit.runtime.api.damage import find_damage
from manikit.runtime.store import LockHolder, SqliteStore, state_failures

BACKUP_SUFFIX = ".backup"


def backup_path(location: str) -> Path:
    return Path(location + BACKUP_SUFFIX)


def keep_backup(cluster: Cluster) -> None:
    """Before an apply writes: the state as it is, in ``<state>.backup`` (SQLite files only)."""
    store = cluster.store if isinstance(cluster, LocalCluster) else None
    if isinstance(store, SqliteStore) and store.location != ":memory:":
        with state_failures(store.location):
            store.backup_to(backup_path(store.location))


def checkpoints_aside(cluster: Cluster) -> AbstractContextManager[object]:
    """While an apply writes and reconciles: the log's checkpoints on a thread of their own instead of
    in each commit (``manikit.runtime.store.checkpoints``; SQLite files only)."""
    store = cluster.store if isinstance(cluster, LocalCluster) else None
    if isinstance(store, SqliteStore) and store.location != ":memory:":
        return store.checkpoints_aside()
    return nullcontext()


@dataclass(frozen=True)
class Health:
    problems: list[str]
    objects: int
    revision: int


def check_state(path: Path) -> Health:
    """SQLite's integrity check, then every stored object against its kind."""
    store = SqliteStore.open(path)
    try:
        with state_failures(store.location):
            return Health(store.check() or find_damage(store), store.size(), store.revision())
    finally:
        store.close()


def backup_state(path: Path, target: Path) -> None:
    """Copy the state consistently (others may be using it) to ``target``."""
    store = SqliteStore.open(path)
    try:
        with state_failures(store.location):
            store.backup_to(target)
    except OSError as exc:
        raise StateError(f"cannot write backup {target}: {exc.strerror or exc}") from exc
    finally:
        store.close()


def check_backup(copy: Path, source: Path) -> str:
    """Check a copy of backup ``source`` and make it one self-contained file; its revision, as words."""
    try:
        store = SqliteStore.open(copy)
    except StateError as exc:
        raise StateDamagedError(f"backup {source} cannot be restored: {exc}") from exc
    try:
        with state_failures(str(source)):
            problems = store.check()
            revision = store.revision()
    finally:
        store.close()
    if problems:
        raise StateDamagedError(f"backup {source} is damaged too: {'; '.join(problems[:3])}")
    with sqlite3.connect(copy) as conn:  # one self-contained file before it is moved into place
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return f"revision {revision}"


def break_lock(path: Path, lock_id: str, confirm: Callable[[LockHolder], None]) -> None:
    """Remove the lock ``lock_id`` once ``confirm`` (told its holder) returns."""
    store = SqliteStore.open(path)
    try:
        with state_failures(store.location):
            holder = store.lock_with_id(lock_id)
            if holder is None:
                raise StateError(f"state {store.location} holds no lock with ID {lock_id}")
            confirm(holder)
            store.unlock(lock_id)
    finally:
        store.close()
