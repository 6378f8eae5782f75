"""Write-ahead log checkpoints on the other core while a big apply goes on.

In WAL mode a commit appends its pages to the log, and SQLite then copies them into the database file
(a checkpoint) in the committing call, once the log passes 1,000 pages. After the transaction of a
10,000-object apply that copy is tens of megabytes, and the process waits for it before its next step
(the reconcile), then again after the reconcile's commit. ``checkpoints_aside`` turns the committing
connection's automatic checkpoints off and has a thread with a connection of its own run passive
checkpoints instead, every ``INTERVAL`` seconds: SQLite copies pages without Python's lock, so the copy
runs beside the controllers' Python. Commits, their durability (``synchronous=NORMAL``: a checkpoint
still syncs the log before it copies and the file after) and what any reader sees are unchanged: a
passive checkpoint never blocks a writer or a reader, and copies only committed pages. On leaving, the
thread is stopped and its connection closed, and automatic checkpoints are back; whatever the thread
did not copy, the next checkpoint does (the store's close, when it is the last connection).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: how often the thread asks for a checkpoint (seconds); one with nothing new to copy costs microseconds
INTERVAL = 0.05
#: SQLite's default automatic checkpoint, in log pages, restored on leaving
AUTOCHECKPOINT_PAGES = 1000


class Checkpointer(threading.Thread):
    """Passive checkpoints of the database at ``path`` until stopped; counts the ones that ran."""

    def __init__(self, path: str) -> None:
        super().__init__(name="manikit-checkpoints", daemon=True)
        self._path = path
        self._stopping = threading.Event()
        self._opened = threading.Event()
        self.checkpoints = 0
        self.failure: str | None = None

    def run(self) -> None:
        try:
            # read-write but never create: the store's own file, opened by the store first
            conn = sqlite3.connect(f"{Path(self._path).resolve().as_uri()}?mode=rw", uri=True, timeout=0)
        except sqlite3.Error as exc:
            self.failure = str(exc)
            self._opened.set()
            return
        self._opened.set()
        try:
            while not self._stopping.wait(INTERVAL):
                self._checkpoint(conn)
            self._checkpoint(conn)  # what the last commit appended, while the store is still open
        finally:
            conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        try:
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            self.checkpoints += 1
        except sqlite3.Error as exc:  # busy or failing: the store's next checkpoint copies it
            self.failure = str(exc)

    def stop(self) -> None:
        self._stopping.set()
        self.join()

    def wait_opened(self) -> None:
        self._opened.wait()


@contextmanager
def checkpoints_aside(conn: sqlite3.Connection, path: str) -> Iterator[Checkpointer | None]:
    """``conn`` (the store's connection to the WAL database at ``path``) commits without checkpointing
    while a ``Checkpointer`` thread checkpoints; yields it (None where the database keeps no log)."""
    mode = conn.execute("PRAGMA journal_mode").fetchone()
    if mode is None or str(mode[0]).lower() != "wal":
        yield None
        return
    conn.execute("PRAGMA wal_autocheckpoint=0")
    thread = Checkpointer(path)
    thread.start()
    try:
        thread.wait_opened()
        yield thread
    finally:
        thread.stop()
        conn.execute(f"PRAGMA wal_autocheckpoint={AUTOCHECKPOINT_PAGES}")
