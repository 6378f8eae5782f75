"""The store: current objects, an append-only revision history, events, notes and locks.

``open_store(path)`` opens (creating and migrating) a SQLite state file; everything above this
package uses only the ``Store`` protocol of ``base``, so another backend (etcd) can replace it.
"""

from __future__ import annotations

import os

from manikit.runtime.store.base import Body, EventRecord, HistoryEntry, LockHolder, Store, StoredObject
from manikit.runtime.store.etcd_client import is_etcd_url, parse_etcd_url
from manikit.runtime.store.paths import DEFAULT_STATE, STATE_ENV, resolve_state_path
from manikit.runtime.store.schema import SCHEMA_VERSION
from manikit.runtime.store.sqlite import SqliteStore
from manikit.runtime.store.sqlite_checks import state_failures


def open_store(path: str | os.PathLike[str]) -> Store:
    """Open the state at ``path`` (``":memory:"`` for a throwaway in-memory store), or the etcd
    cluster an ``etcd://host:port[,host:port...]/prefix`` URL names."""
    if isinstance(path, str) and is_etcd_url(path):
        from manikit.runtime.store.etcd import EtcdStore  # only etcd users need its client installed

        return EtcdStore.open(parse_etcd_url(path))
    return SqliteStore.open(path)


__all__ = [
    "DEFAULT_STATE",
    "SCHEMA_VERSION",
    "STATE_ENV",
    "Body",
    "EventRecord",
    "HistoryEntry",
    "LockHolder",
    "SqliteStore",
    "Store",
    "StoredObject",
    "open_store",
    "resolve_state_path",
    "state_failures",
]
