"""``manikit state check|backup|restore|unlock``: look after the state file itself.

Every apply keeps the state as it was in ``<state>.backup`` (terraform keeps terraform.tfstate.backup);
``restore`` puts a backup back after checking it. etcd states are backed up with etcd's snapshots.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from manikit.cli import console
from manikit.cli.state import STATE_OPTION, locate_state
from manikit.cluster.statefile import backup_path, backup_state, break_lock, check_backup, check_state
from manikit.errors import StateDamagedError, StateError, UserError

YES_OPTION = typer.Option(False, "--yes", "-y", help="Do it without asking for confirmation.")

state_app = typer.Typer(
    name="state",
    help="Check, back up and restore the state file, and break a stale lock.",
    no_args_is_help=True,
)


def _sqlite(state: str | None) -> Path:
    path = locate_state(state).target  # found as every command finds it
    if not isinstance(path, Path):
        raise UserError(
            f"{path} is an etcd state: check it with `etcdctl endpoint health` and back it up with "
            "`etcdctl snapshot save FILE` (restore: `etcdutl snapshot restore`)"
        )
    if not path.exists():
        raise StateError(f"state {path} does not exist")
    return path


@state_app.command("check")
def check(state: str | None = STATE_OPTION) -> None:
    """Check the whole state file: SQLite's integrity check and every stored object. Exit 1 if damaged.

    Example: manikit state check
    """
    path = _sqlite(state)
    health = check_state(path)
    if health.problems:
        shown = "; ".join(health.problems[:5])
        raise StateDamagedError(f"state {path} is damaged: {shown}; restore it with `manikit state restore`")
    typer.echo(f"state {path} is healthy: {health.objects} objects, revision {health.revision}")


@state_app.command("backup")
def backup(
    state: str | None = STATE_OPTION,
    out: str | None = typer.Option(
        None, "--out", metavar="FILE", help="Where to write it (default: <state>.backup).", show_default=False
    ),
) -> None:
    """Copy the state (consistently, while others may use it) to a backup file.

    Example: manikit state backup --out before-upgrade.db
    """
    path = _sqlite(state)
    target = Path(out) if out else backup_path(str(path))
    backup_state(path, target)
    typer.echo(f"backed up state {path} to {target}")


@state_app.command("restore")
def restore(
    backup_file: str | None = typer.Argument(
        None, metavar="FILE", help="The backup (default: <state>.backup).", show_default=False
    ),
    state: str | None = STATE_OPTION,
    yes: bool = YES_OPTION,
) -> None:
    """Replace the state with a backup, after checking the backup. No other command may run meanwhile.

    Example: manikit state restore --yes
    """
    path = locate_state(state).target  # found as every command finds it
    if not isinstance(path, Path):
        _sqlite(state)  # explains etcd's own way
        return
    source = Path(backup_file) if backup_file else backup_path(str(path))
    if not source.is_file():
        raise StateError(f"no backup {source}: give the backup file to restore")
    temp = path.with_name(f".{path.name}.restore-{os.getpid()}")
    try:
        temp.write_bytes(source.read_bytes())
        summary = check_backup(temp, source)
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


@state_app.command("unlock")
def unlock(
    lock_id: str = typer.Argument(
        ..., metavar="LOCK_ID", help="The lock's ID, as a locked state's error message gives it."
    ),
    state: str | None = STATE_OPTION,
    yes: bool = YES_OPTION,
) -> None:
    """Break a lock on purpose (terraform's force-unlock): only when its holder is surely gone.

    Example: manikit state unlock 3f2a9c --yes
    """
    path = _sqlite(state)
    break_lock(
        path,
        lock_id,
        lambda holder: _confirm(
            yes,
            f"Break the {holder.name} lock of pid {holder.pid} on {holder.host} ({holder.command}), "
            f"held since {holder.acquired_at}? If that process still runs, two writers will collide.",
        ),
    )
    typer.echo(f"lock {lock_id} of state {path} broken")


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
