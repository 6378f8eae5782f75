"""``manikit state check|backup|restore|unlock``: look after the state file itself.

Every apply keeps the state as it was in ``<state>.backup`` (terraform keeps terraform.tfstate.backup);
``restore`` puts a backup back after checking it. etcd states are backed up with etcd's snapshots.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import typer

from manikit.cli import console
from manikit.cli.state import STATE_OPTION
from manikit.errors import StateDamagedError, StateError, UserError
from manikit.runtime.api.damage import find_damage
from manikit.runtime.store import SqliteStore, Store, open_store, resolve_state_path, state_failures

BACKUP_SUFFIX = ".backup"
YES_OPTION = typer.Option(False, "--yes", "-y", help="Do it without asking for confirmation.")

state_app = typer.Typer(
    name="state",
    help="Check, back up and restore the state file, and break a stale lock.",
    no_args_is_help=True,
)


def backup_path(location: str) -> Path:
    return Path(location + BACKUP_SUFFIX)


def keep_backup(store: Store) -> None:
    """Before an apply writes: the state as it is, in ``<state>.backup`` (SQLite files only)."""
    if isinstance(store, SqliteStore) and store.location != ":memory:":
        with state_failures(store.location):
            store.backup_to(backup_path(store.location))


def _sqlite(state: str | None) -> SqliteStore:
    path = resolve_state_path(state)
    if not isinstance(path, Path):
        raise UserError(
            f"{path} is an etcd state: check it with `etcdctl endpoint health` and back it up with "
            "`etcdctl snapshot save FILE` (restore: `etcdutl snapshot restore`)"
        )
    if not path.exists():
        raise StateError(f"state {path} does not exist")
    store = open_store(path)
    assert isinstance(store, SqliteStore)
    return store


@state_app.command("check")
def check(state: str | None = STATE_OPTION) -> None:
    """Check the whole state file: SQLite's integrity check and every stored object. Exit 1 if damaged."""
    store = _sqlite(state)
    try:
        with state_failures(store.location):
            problems = store.check() or find_damage(store)
            objects = store.size()
            revision = store.revision()
    finally:
        store.close()
    if problems:
        shown = "; ".join(problems[:5])
        raise StateDamagedError(
            f"state {store.location} is damaged: {shown}; restore it with `manikit state restore`"
        )
    typer.echo(f"state {store.location} is healthy: {objects} objects, revision {revision}")


@state_app.command("backup")
def backup(
    state: str | None = STATE_OPTION,
    out: str | None = typer.Option(None, "--out", "-o", help="Where to write it (default: <state>.backup)."),
) -> None:
    """Copy the state (consistently, while others may use it) to a backup file."""
    store = _sqlite(state)
    target = Path(out) if out else backup_path(store.location)
    try:
        with state_failures(store.location):
            store.backup_to(target)
    except OSError as exc:
        raise StateError(f"cannot write backup {target}: {exc.strerror or exc}") from exc
    finally:
        store.close()
    typer.echo(f"backed up state {store.location} to {target}")


@state_app.command("restore")
def restore(
    backup_file: str | None = typer.Argument(
        None, help="The backup (default: <state>.backup).", show_default=False
    ),
    state: str | None = STATE_OPTION,
    yes: bool = YES_OPTION,
) -> None:
    """Replace the state with a backup, after checking the backup. No other command may run meanwhile."""
    path = resolve_state_path(state)
    if not isinstance(path, Path):
        _sqlite(state)  # explains etcd's own way
        return
    source = Path(backup_file) if backup_file else backup_path(str(path))
    if not source.is_file():
        raise StateError(f"no backup {source}: give the backup file to restore")
    temp = path.with_name(f".{path.name}.restore-{os.getpid()}")
    try:
        temp.write_bytes(source.read_bytes())
        summary = _checked(temp, source)
        _confirm(yes, f"Replace state {path} with {source} ({summary})?")
        for suffix in ("-wal", "-shm"):  # they belong to the file being replaced
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.replace(temp, path)
    except OSError as exc:
        raise StateError(f"cannot restore {path} from {source}: {exc.strerror or exc}") from exc
    finally:
        temp.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(str(temp) + suffix).unlink(missing_ok=True)
    typer.echo(f"restored state {path} from {source} ({summary})")


def _checked(copy: Path, source: Path) -> str:
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


@state_app.command("unlock")
def unlock(
    lock_id: str = typer.Argument(..., help="The lock's ID, as a locked state's error message gives it."),
    state: str | None = STATE_OPTION,
    yes: bool = YES_OPTION,
) -> None:
    """Break a lock on purpose (terraform's force-unlock): only when its holder is surely gone."""
    store = _sqlite(state)
    try:
        with state_failures(store.location):
            holder = store.lock_with_id(lock_id)
            if holder is None:
                raise StateError(f"state {store.location} holds no lock with ID {lock_id}")
            _confirm(
                yes,
                f"Break the {holder.name} lock of pid {holder.pid} on {holder.host} ({holder.command}), "
                f"held since {holder.acquired_at}? If that process still runs, two writers will collide.",
            )
            store.unlock(lock_id)
    finally:
        store.close()
    typer.echo(f"lock {lock_id} of state {store.location} broken")


def _confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not console.is_interactive():
        raise StateError(f"{question} Refusing without confirmation: this is not a terminal; pass --yes")
    typer.echo(question)
    if typer.prompt("  Only 'yes' will be accepted", default="", show_default=False).strip() != "yes":
        typer.echo("Cancelled.")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(state_app)
