"""Nothing is destroyed by accident: inputs that cannot be read stop every command, so --prune never
deletes what an unreadable directory, a FIFO, a symlink or a crafted include holds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from manikit.errors import SourceError
from manikit.source.reader import expand_paths
from tests.cli.helpers import run_cli
from tests.conftest import write

CM = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root, "a/ns.yaml", CM.format(name="alpha"))
    write(root, "b/ns.yaml", CM.format(name="beta"))
    return root


def _applied(tmp_path: Path) -> tuple[Path, str]:
    root = _tree(tmp_path)
    state = str(tmp_path / "state.db")
    first = run_cli("apply", "--state", state, "--auto-approve", "--no-preview", str(root))
    assert first.exit_code == 0, first.stderr
    return root, state


def _namespaces(state: str) -> str:
    return run_cli("get", "--state", state, "namespaces", "-o", "name").stdout


def _unlistable(target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The seam a failing listing goes through (chmod 000 does not stop root, which CI runs as)."""
    real = os.scandir

    def scandir(path: object = ".") -> object:
        if os.path.abspath(str(path)) == str(target):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)


def test_prune_over_an_unlistable_directory_destroys_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, state = _applied(tmp_path)
    _unlistable(root / "b", monkeypatch)
    for command in (("plan",), ("apply", "--auto-approve")):
        result = run_cli(*command, "--state", state, "--prune", str(root))
        assert result.exit_code == 2, result.stdout
        assert "b: cannot list this directory: Permission denied" in result.stderr
        assert "exclude it" in result.stderr
    assert "namespace/beta" in _namespaces(state)


def test_an_unreadable_file_stops_prune(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, state = _applied(tmp_path)
    real_open = open
    target = str(root / "b" / "ns.yaml")

    def failing_open(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == target:
            raise PermissionError(13, "Permission denied", target)
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("builtins.open", failing_open)
    result = run_cli("apply", "--state", state, "--auto-approve", "--prune", str(root))
    monkeypatch.undo()
    assert result.exit_code == 2
    assert f"{target}: cannot read: Permission denied" in result.stderr
    assert "namespace/beta" in _namespaces(state)


def test_a_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    root, state = _applied(tmp_path)
    os.mkfifo(root / "b" / "pipe.yaml")
    result = run_cli("apply", "--state", state, "--auto-approve", "--prune", str(root))
    assert result.exit_code == 2
    assert "pipe.yaml: is a FIFO, not a regular file" in result.stderr
    assert "namespace/beta" in _namespaces(state)


def test_symlinks_are_refused_unless_asked_and_never_leave_the_repository(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    secret = write(tmp_path, "home/.aws/credentials.yaml", "aws_secret_access_key: hunter2\n")
    (root / "a" / "creds.yaml").symlink_to(secret)
    for args in ((), ("MANIKIT_FOLLOW_SYMLINKS", "1")):
        env = {args[0]: args[1]} if args else None
        for command in ("validate", "lint", "render"):
            result = run_cli(command, str(root), env=env)
            assert result.exit_code == 2, (command, result.stdout)
            assert "hunter2" not in result.stdout + result.stderr
            assert "creds.yaml: is a symlink" in result.stderr
    (root / "a" / "creds.yaml").unlink()
    (root / "a" / "inside.yaml").symlink_to(root / "b" / "ns.yaml")
    refused = run_cli("validate", str(root / "a"))
    assert refused.exit_code == 2 and "MANIKIT_FOLLOW_SYMLINKS=1" in refused.stderr
    followed = run_cli("validate", str(root / "a"), env={"MANIKIT_FOLLOW_SYMLINKS": "1"})
    assert followed.exit_code == 0, followed.stderr


def test_a_symlinked_directory_is_not_skipped_in_silence(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "a" / "c").symlink_to(root / "b", target_is_directory=True)
    with pytest.raises(SourceError, match="c: is a symlink"):
        expand_paths([str(root / "a")])
    found = expand_paths([str(root / "a")], follow_symlinks=True)
    assert str(root / "a" / "c" / "ns.yaml") in found
    (root / "b" / "loop").symlink_to(root, target_is_directory=True)
    looped = expand_paths([str(root)], follow_symlinks=True)  # a loop is walked once, not forever
    assert len(looped) == len(set(looped)) <= 4


def test_an_excluded_unlistable_directory_is_not_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    _unlistable(root / "b", monkeypatch)
    assert expand_paths([str(root)], exclude=[str(root / "b")]) == [str(root / "a" / "ns.yaml")]


def test_a_crafted_include_of_the_loaders_internal_name_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, "manikit.values.yaml", "n: 1\n")
    write(root, "a.yaml.j2", '{% include "\\0top:b.yaml.j2" %}\n' + CM.format(name="alpha"))
    write(root, "b.yaml.j2", CM.format(name="beta"))
    state = str(tmp_path / "state.db")
    write(tmp_path, "plain/a.yaml", CM.format(name="alpha"))
    write(tmp_path, "plain/b.yaml", CM.format(name="beta"))
    assert run_cli("apply", "--state", state, "-y", "--no-preview", str(tmp_path / "plain")).exit_code == 0
    result = run_cli("apply", "--state", state, "-y", "--prune", "--applyset", "default", str(root))
    assert result.exit_code == 1
    assert (
        "a.yaml.j2:1: error MK022 template-refused: refused: '\\x00top:b.yaml.j2' is not a template name"
        in (result.stderr)
    )
    assert "namespace/beta" in _namespaces(state)


def test_an_include_of_a_fifo_is_refused_not_a_hang(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    write(root, "a.yaml.j2", '{% include "pipe.j2" %}\n')
    os.mkfifo(root / "pipe.j2")
    result = run_cli("render", str(root / "a.yaml.j2"))
    assert result.exit_code == 1
    assert "'pipe.j2' is not a regular file" in result.stdout + result.stderr
