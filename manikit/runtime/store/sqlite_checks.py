"""What makes a SQLite file a manikit state, how one is created, and what its failures mean to a user.

A state is identified by SQLite's ``application_id`` (files from before it was set: by their tables);
any other file is refused before anything writes to it. SQLite's and JSON's errors become StateErrors
that name the file and what to do: damaged ("restore it"), read-only, disk full, vanished files.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from manikit.errors import StateDamagedError, StateError

APPLICATION_ID = 0x4D4B5354  # "MKST"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: The page size of a new state (SQLite's default is 4096). A pod body of a few KiB and its history
#: row share pages with their neighbours instead of spilling into overflow chains, so a reconcile
#: pass of 10,000 pod writes dirties, and commits to the WAL, far fewer pages (measured: the bench's
#: commits 0.85 s -> 0.32 s of CPU, the whole reconcile about 1.2 s less). The price: a transaction
#: of one write commits larger pages (``bench/store.py --batch 1``: about a quarter fewer writes per
#: CPU second; batched writes gain about 15%). A state created with another page size keeps it:
#: SQLite fixes it when the file is made.
PAGE_SIZE = 16384
#: quick_check reads every page: on open only below this size (``manikit state check`` always).
QUICK_CHECK_MAX_BYTES = 16 * 2**20
_MANIKIT_TABLES = frozenset({"meta", "objects", "revisions", "events", "notes", "locks"})
RESTORE_HINT = "restore it with `manikit state restore`"

# SQLite's primary result codes (the low byte of an extended code)
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN = 5, 6, 8, 10, 11, 13, 14


def damaged(location: str, what: str) -> StateDamagedError:
    return StateDamagedError(f"state {location} is damaged: {what}; {RESTORE_HINT}")


def check_existing_file(path: Path) -> None:
    """Refuse, without writing to it, a file that is not a manikit state (or is empty or damaged)."""
    location = str(path)
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StateDamagedError(f"state {location} cannot be read: {exc.strerror or exc}") from exc
    if not header:
        raise StateDamagedError(
            f"state {location} is an empty file, not a state: it may have been truncated; {RESTORE_HINT}, "
            "or delete it to start a new cluster"
        )
    if not header.startswith(SQLITE_MAGIC):
        raise StateDamagedError(
            f"state {location} is not a manikit state (not an SQLite database): it is damaged or another "
            f"file; check --state, or {RESTORE_HINT}"
        )
    if len(header) < 100:
        raise damaged(location, "the file ends inside its header")
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == APPLICATION_ID:
        return
    if app_id != 0:
        raise _foreign(location, f"its application_id is {app_id:#x}, not manikit's")
    tables = _tables(path)
    if not tables >= _MANIKIT_TABLES:
        shown = ", ".join(sorted(tables)[:8]) or "no tables"
        raise _foreign(location, f"it holds {shown}")


def _tables(path: Path) -> set[str]:
    """Table names, read through a read-only connection (an unrelated database is never written)."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise damaged(str(path), f"its schema cannot be read ({exc})") from exc
    return {str(name) for (name,) in rows}


def _foreign(location: str, why: str) -> StateDamagedError:
    return StateDamagedError(
        f"state {location} is not a manikit state: it is another application's SQLite database ({why}); "
        "manikit leaves it untouched: pass the right --state (or MANIKIT_STATE)"
    )


def quick_check(conn: sqlite3.Connection, location: str) -> None:
    """SQLite's quick_check where it is cheap (small files); a full check is ``manikit state check``."""
    if location == ":memory:" or os.path.getsize(location) > QUICK_CHECK_MAX_BYTES:
        return
    problems = [row[0] for row in conn.execute("PRAGMA quick_check(3)").fetchall()]
    if problems != ["ok"]:
        raise damaged(location, "; ".join(str(p) for p in problems))


@contextmanager
def state_failures(location: str) -> Iterator[None]:
    """SQLite's and decoding errors raised in the block, as StateErrors naming the state."""
    try:
        yield
    except (sqlite3.Error, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise failure(exc, location) from exc


def failure(exc: BaseException, location: str) -> StateError:
    """A StateError for an error SQLite or JSON decoding raised while using the state at ``location``."""
    if isinstance(exc, StateError):
        return exc
    if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
        return damaged(location, f"a stored value is not JSON ({exc})")
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    detail = str(exc) or type(exc).__name__
    unchanged = "the change that failed was not written (every change is all or nothing)"
    if code == _FULL:
        return StateDamagedError(
            f"state {location}: the disk is full ({detail}); {unchanged}; free some space and run it again"
        )
    if code == _READONLY:
        return StateDamagedError(
            f"state {location} is read-only ({detail}); {unchanged}; make the file and its directory "
            "writable (SQLite writes -wal and -shm files beside it), or use another --state"
        )
    if code in (_BUSY, _LOCKED):
        return StateError(f"state {location} is busy ({detail}); try again")
    if code in (_IOERR, _CANTOPEN):
        return StateDamagedError(
            f"state {location} could not be read or written ({detail}): a file of it (the -wal or -shm "
            f"beside it) may have been removed or made unreadable while in use; {unchanged}; run it again, "
            "and if it fails again, check it with `manikit state check`"
        )
    return damaged(location, detail)


def use_wal(conn: sqlite3.Connection) -> None:
    """WAL mode, except on a state that cannot be written (read commands still work on it)."""
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.OperationalError as exc:
        if "readonly" not in str(exc):
            raise


def create_if_missing(path: Path) -> None:
    """A new state is built beside ``path`` and linked into place: a state file is complete or absent,
    never the empty file a process killed while creating it would leave."""
    if path.exists() or path.is_symlink():
        return
    import sqlite_utils  # only to create a state: opening one imports none of it (nor numpy)

    from manikit.runtime.store.schema import migrate  # schema names APPLICATION_ID from here

    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.new-{os.getpid()}")
    temp.unlink(missing_ok=True)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute("BEGIN IMMEDIATE")
            migrate(sqlite_utils.Database(conn), str(path))
            conn.execute("COMMIT")
        finally:
            conn.close()
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            os.link(temp, path)
    finally:
        temp.unlink(missing_ok=True)
