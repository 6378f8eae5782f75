"""Named locks in a SQLite state as leases: the holder renews ``renewed_at`` while it works (at every
commit it makes, and from a thread while it waits, e.g. for a confirmation), so a lock whose holder
died, here or on another host, or whose pid now belongs to another process, expires and is taken over.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from manikit.runtime.store.base import LockHolder
from manikit.runtime.store.locks import is_stale

#: A lease not renewed for this long is taken over (renewals come every LEASE_SECONDS / 6).
LEASE_SECONDS = 30.0


def lease_expired(holder: LockHolder, now: float | None = None, lease: float = LEASE_SECONDS) -> bool:
    """A holder that died on this host, or that has not renewed its lease within ``lease`` seconds."""
    if is_stale(holder):
        return True
    renewed = holder.extra.get("renewed_at")
    if not renewed:
        return False  # a lock from before leases: only its own host can tell it is dead
    return (now if now is not None else time.time()) - float(renewed) > lease


def takeover_message(old: LockHolder, location: str) -> str:
    renewed = old.extra.get("renewed_at")
    if is_stale(old) or not renewed:
        since = "its process is gone"
    else:
        since = f"its lease was not renewed for {time.time() - float(renewed):.0f} s"
    return (
        f"warning: took over the {old.name} lock of state {location} from pid {old.pid} on {old.host} "
        f"({old.command}), held since {old.acquired_at}: {since}"
    )


class Renewer:
    """Renews one lease from a daemon thread, on its own connection, until stopped."""

    def __init__(self, location: str, holder: LockHolder, every: float = LEASE_SECONDS / 6) -> None:
        self._location = location
        self._holder = holder
        self._every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="manikit-lease", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            conn = sqlite3.connect(self._location, timeout=1.0, isolation_level=None)
        except sqlite3.Error:
            return  # renewal is a courtesy to waiters; commits renew too
        try:
            while not self._stop.wait(self._every):
                try:
                    renew(conn, self._holder)
                except sqlite3.Error:
                    continue  # busy: the holder's own transaction renews at its commit
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def renew(conn: sqlite3.Connection, holder: LockHolder) -> None:
    conn.execute(
        "UPDATE locks SET renewed_at = ? WHERE name = ? AND token = ?",
        (time.time(), holder.name, holder.token),
    )


def try_lock(conn: sqlite3.Connection, holder: LockHolder) -> bool | LockHolder:
    """Inside the caller's write transaction: take the lock unless a live lease holds it."""
    current = read_holder(conn, holder.name)
    if current is not None and not lease_expired(current):
        return False
    conn.execute(
        "INSERT OR REPLACE INTO locks (name, pid, host, command, acquired_at, token, renewed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (holder.name, holder.pid, holder.host, holder.command, holder.acquired_at, holder.token, time.time()),
    )
    return current if current is not None else True


def read_holder(conn: sqlite3.Connection, name: str) -> LockHolder | None:
    row = conn.execute(
        "SELECT name, pid, host, command, acquired_at, token, renewed_at FROM locks WHERE name = ?", (name,)
    ).fetchone()
    if row is None:
        return None
    name, pid, host, command, acquired_at, token, renewed = row
    extra = {} if renewed is None else {"renewed_at": str(renewed)}
    return LockHolder(name, pid, host, command, acquired_at, token, extra)


def holder_with_id(conn: sqlite3.Connection, token: str) -> LockHolder | None:
    row = conn.execute("SELECT name FROM locks WHERE token = ?", (token,)).fetchone()
    return None if row is None else read_holder(conn, row[0])
