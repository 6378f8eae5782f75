"""State files: identified, checked, never a foreign database modified, damage reported (exit 1) and
restorable from the backup every apply keeps; read-only and full disks are clear errors."""

from __future__ import annotations

import hashlib
import json
import random
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manikit.errors import StateDamagedError, StateError
from manikit.runtime.api import Api
from manikit.runtime.store import SqliteStore, sqlite_checks, state_failures
from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES

APP = str(EXAMPLES / "app")
#: the Deployment's current body is the history row at its revision (each body is stored once)
CURRENT_DEPLOYMENT_BODY = (
    "UPDATE revisions SET body = ? WHERE rev IN (SELECT rev FROM objects WHERE kind = 'Deployment')"
)
COMMANDS = (
    ("get", "all", "-A"),
    ("plan", APP),
    ("apply", "-y", APP),
    ("scale", "deploy", "web", "-n", "shop", "--replicas", "1"),
    ("state", "check"),
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _applied(tmp_path: Path) -> Path:
    state = tmp_path / "state.db"
    result = run_cli("apply", "--state", str(state), "-y", "--no-preview", APP)
    assert result.exit_code == 0, result.stderr
    return state


@pytest.mark.parametrize("tables", ["CREATE TABLE t (x)", "CREATE TABLE objects (kind, name)", ""])
def test_a_foreign_database_is_refused_and_never_modified(tmp_path: Path, tables: str) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    if tables:
        conn.execute(tables)
        conn.commit()
    else:
        conn.execute("PRAGMA application_id=42")
        conn.execute("CREATE TABLE meta (key, value)")
        conn.commit()
    conn.close()
    before = _digest(path)
    for args in (("get", "pods"), ("apply", "-y", APP), ("state", "check")):
        result = run_cli(*args, "--state", str(path))
        assert result.exit_code == 1, result.stderr
        assert f"state {path} is not a manikit state: it is another application's SQLite database" in (
            result.stderr
        )
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.db"]


@pytest.mark.parametrize("content", [b"", b"S", b"this is not sqlite at all" * 10])
def test_an_empty_or_truncated_file_is_not_a_new_cluster(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "state.db"
    path.write_bytes(content)
    result = run_cli("apply", "-y", "--state", str(path), APP)
    assert result.exit_code == 1
    assert "manikit state restore" in result.stderr
    assert path.read_bytes() == content


def test_damaged_bodies_are_reported_for_every_command(tmp_path: Path) -> None:
    state = _applied(tmp_path)
    shapes = (
        '{"metadata": {"name": "web", "namespace": "shop"}, "spec": "x"}',
        '{"metadata": {}, "spec": []}',
    )
    # a plan reads the objects it compares: here the Deployment, whose manifest changed (one the state
    # records as its apply left it, at the same revision, is taken from that record unread:
    # tests/plan/test_unchanged.py; damage behind an unchanged revision is `manikit state check`'s)
    changed = tmp_path / "changed"
    changed.mkdir()
    for source in Path(APP).iterdir():
        text = source.read_text(encoding="utf-8").replace("storefront:1.4.2", "storefront:1.4.3")
        (changed / source.name).write_text(text, encoding="utf-8")
    for body in ("{not json", "[1, 2]", '{"kind": "Deployment"}', *shapes):
        conn = sqlite3.connect(state)
        conn.execute(CURRENT_DEPLOYMENT_BODY, (body,))
        conn.commit()
        conn.close()
        for args in (
            ("get", "all", "-A"),
            ("plan", str(changed)),
            ("apply", "-y", APP),
            ("scale", "deploy", "web", "-n", "shop", "--replicas", "1"),
            ("state", "check"),
        ):
            result = run_cli(*args, "--state", str(state))
            assert result.exit_code == 1, (args, result.stderr)
            assert f"error: state {state} is damaged: " in result.stderr
            assert "restore it with `manikit state restore`" in result.stderr


def test_random_damage_never_gives_an_internal_error(tmp_path: Path) -> None:
    state = _applied(tmp_path)
    pristine = state.read_bytes()
    rng = random.Random(12)
    outcomes: dict[int, int] = {}
    for trial in range(24):
        damaged = bytearray(pristine)
        for _ in range(rng.choice((1, 8, 64))):
            damaged[rng.randrange(100, len(damaged))] = rng.randrange(256)
        for suffix in ("-wal", "-shm"):
            Path(str(state) + suffix).unlink(missing_ok=True)
        state.write_bytes(bytes(damaged))
        args = [("get", "pods", "-A"), ("plan", APP), ("apply", "-y", APP), ("state", "check")][trial % 4]
        result = run_cli(*args, "--state", str(state))
        assert result.exit_code != 3 and "internal error" not in result.stderr, (trial, args, result.stderr)
        outcomes[result.exit_code] = outcomes.get(result.exit_code, 0) + 1
    assert set(outcomes) <= {0, 1, 2}


def test_every_apply_keeps_a_backup_and_restore_brings_it_back(tmp_path: Path) -> None:
    state = _applied(tmp_path)
    backup = Path(str(state) + ".backup")
    assert backup.is_file()
    healthy = run_cli("state", "check", "--state", str(state))
    assert healthy.exit_code == 0 and "is healthy" in healthy.stdout
    scaled = run_cli("apply", "-y", "--state", str(state), APP)
    assert scaled.exit_code == 0
    conn = sqlite3.connect(state)
    conn.execute("UPDATE revisions SET body = 'garbage' WHERE rev IN (SELECT rev FROM objects)")
    conn.commit()
    conn.close()
    assert run_cli("get", "pods", "-A", "--state", str(state)).exit_code == 1
    refused = run_cli("state", "restore", "--state", str(state))
    assert refused.exit_code == 1 and "pass --yes" in refused.stderr
    restored = run_cli("state", "restore", "--state", str(state), "--yes")
    assert restored.exit_code == 0, restored.stderr
    # the backup is the state before the last apply that changed something: nodes, not yet the app
    listed = run_cli("get", "nodes", "--state", str(state))
    assert listed.exit_code == 0 and "node-1" in listed.stdout
    assert "No resources found" in run_cli("get", "deploy", "-n", "shop", "--state", str(state)).stderr
    out = tmp_path / "copy.db"
    assert run_cli("state", "backup", "--state", str(state), "--out", str(out)).exit_code == 0
    assert run_cli("state", "check", "--state", str(out)).exit_code == 0


def test_a_damaged_backup_is_not_restored(tmp_path: Path) -> None:
    state = _applied(tmp_path)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\0" * 4096)
    before = _digest(state)
    result = run_cli("state", "restore", str(bad), "--state", str(state), "-y")
    assert result.exit_code == 1 and "cannot be restored" in result.stderr
    assert _digest(state) == before


def test_a_full_disk_and_a_read_only_state_are_clear_errors(tmp_path: Path) -> None:
    store = SqliteStore.open(tmp_path / "s.db")
    api = Api(store)
    api.ensure_system_namespaces()
    system_namespaces = store.count("Namespace")
    pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
    store._conn.execute(f"PRAGMA max_page_count = {pages}")  # as if the disk were full
    big = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "labels": {"x": "y" * 60}}}
    with pytest.raises(StateDamagedError, match=r"the disk is full .*every change is all or nothing"):
        with state_failures(store.location), api.transaction():
            for i in range(200):
                api.create({**big, "metadata": {**big["metadata"], "name": f"n{i}"}})
    assert store.count("Namespace") == system_namespaces  # the failed transaction left nothing behind
    store._conn.execute("PRAGMA query_only = 1")
    with pytest.raises(StateDamagedError, match=r"is read-only .*make the file and its directory writable"):
        with state_failures(store.location):
            api.create({**big, "metadata": {"name": "ro"}})
    store.close()


def test_a_damaged_clock_and_schema_version_are_damage(tmp_path: Path) -> None:
    state = _applied(tmp_path)
    conn = sqlite3.connect(state)
    conn.execute("UPDATE notes SET value = ? WHERE topic = 'clock'", (json.dumps("yesterday"),))
    conn.commit()
    conn.close()
    result = run_cli("get", "pods", "--state", str(state))
    assert result.exit_code == 1 and "its clock 'yesterday' is not a time" in result.stderr
    conn = sqlite3.connect(state)
    conn.execute("UPDATE meta SET value = 'x' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StateError, match="damaged: its schema version is 'x'"):
        SqliteStore.open(state)


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2025-13-01T00:00:00Z"])
def test_manikit_now_out_of_range_is_a_config_error(tmp_path: Path, now: str) -> None:
    result = run_cli("get", "pods", "--state", str(tmp_path / "s.db"), env={"MANIKIT_NOW": now})
    assert result.exit_code == 2 and "MANIKIT_NOW" in result.stderr


@pytest.mark.parametrize(
    ("pragma", "message"),
    [
        ("PRAGMA query_only = 1", "is read-only"),
        ("PRAGMA max_page_count = {pages}", "the disk is full"),
    ],
)
def test_read_only_and_full_states_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pragma: str, message: str
) -> None:
    """chmod does not stop root (CI runs as root): the failure is injected where SQLite meets the file."""
    # small pages, so that the writes below need new ones (a full disk is a page count not to exceed)
    monkeypatch.setattr(sqlite_checks, "PAGE_SIZE", 4096)
    state = _applied(tmp_path)
    before = run_cli("get", "all", "-A", "-o", "yaml", "--state", str(state)).stdout
    opened = SqliteStore.open

    def failing_open(path: object) -> SqliteStore:
        store = opened(path)  # type: ignore[arg-type]
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(pragma.format(pages=pages))
        return store

    monkeypatch.setattr(SqliteStore, "open", staticmethod(failing_open))
    for args in (("scale", "deploy", "web", "-n", "shop", "--replicas", "9"), ("apply", "-y", APP)):
        result = run_cli(*args, "--state", str(state))
        if args[0] == "apply" and result.exit_code == 0:
            continue  # nothing to change: nothing written
        assert result.exit_code == 1, result.stderr
        assert message in result.stderr and "internal error" not in result.stderr
    monkeypatch.undo()
    assert run_cli("get", "all", "-A", "-o", "yaml", "--state", str(state)).stdout == before


def test_a_vanished_wal_is_a_clear_error_for_the_next_command(tmp_path: Path) -> None:
    state = _applied(tmp_path)
    writer = SqliteStore.open(state)
    api = Api(writer)
    api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "late"}})
    Path(str(state) + "-wal").unlink()  # removed while a writer has it open
    result = run_cli("get", "ns", "--state", str(state))
    writer.close()
    # the committed pages lived only in the removed WAL: the file is damaged, and says how to recover
    assert result.exit_code == 1, result.stderr
    assert f"error: state {state} is damaged: " in result.stderr and "internal error" not in result.stderr
    assert run_cli("state", "restore", "-y", "--state", str(state)).exit_code == 0
    assert run_cli("get", "nodes", "--state", str(state)).exit_code == 0


def test_an_impossible_stored_object_is_named_then_healed_or_deleted(tmp_path: Path) -> None:
    """Objects an older manikit stored with values out of range, or damaged into the wrong shape (with a
    resourceVersion that disagrees with its row): state check names them; apply --replace makes a
    manageable one anew from its manifest; one no command can handle is named as damage and can be deleted."""
    state = _applied(tmp_path)

    def store(edit: Callable[[dict[str, Any]], None]) -> None:
        conn = sqlite3.connect(state)
        body = json.loads(
            conn.execute("SELECT body FROM current_objects WHERE kind = 'Deployment'").fetchone()[0]
        )
        edit(body)
        body["metadata"]["resourceVersion"] = "99999"
        conn.execute(CURRENT_DEPLOYMENT_BODY, (json.dumps(body),))
        conn.commit()
        conn.close()

    store(lambda body: body["spec"].update(progressDeadlineSeconds=10**20))
    checked = run_cli("state", "check", "--state", str(state))
    assert checked.exit_code == 1 and "Deployment/shop/web: " in checked.stderr
    assert "progressDeadlineSeconds" in checked.stderr
    # a field the manifests do not set is not manikit's to put back: --replace makes the object anew
    healed = run_cli("apply", "-y", "--state", str(state), APP, "--replace", "Deployment/shop/web")
    assert healed.exit_code == 0 and "1 replaced" in healed.stdout
    assert run_cli("state", "check", "--state", str(state)).exit_code == 0

    store(lambda body: (body["metadata"].pop("uid"), body.update(spec="x")))
    refused = run_cli("apply", "-y", "--state", str(state), APP)
    assert refused.exit_code == 1 and "is damaged: Deployment/shop/web: " in refused.stderr
    assert "or delete those objects with `manikit delete KIND NAME`" in refused.stderr
    assert run_cli("delete", "deploy", "web", "-n", "shop", "--state", str(state)).exit_code == 0
    again = run_cli("apply", "-y", "--state", str(state), APP)
    assert again.exit_code == 0 and "1 added" in again.stdout
