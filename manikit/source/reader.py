"""Where manifests come from: files, directories (recursive), and ``-`` for standard input.

Reading is bounded: huge, binary and non-UTF-8 files become Problems with a clear message, never a
traceback or a hang. Discovery is safe for ``--prune``: a directory that cannot be listed, a FIFO or
device, or a symlink is a SourceError, never skipped in silence (symlinks are followed only when asked
with ``MANIKIT_FOLLOW_SYMLINKS=1``, and then only to targets inside the repository).
"""

from __future__ import annotations

import functools
import os
import stat
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from manikit.diagnostics import Level, Problem
from manikit.errors import SourceError

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
TEMPLATE_SUFFIX = ".j2"
VALUES_FILE = "manikit.values.yaml"  # marks a template tree: base values, never a manifest
VALUES_DIR = "values"  # beside VALUES_FILE: per-environment values files, never manifests
MAX_FILE_BYTES = 32 * 1024 * 1024
STDIN_NAME = "<stdin>"
FOLLOW_SYMLINKS_ENV = "MANIKIT_FOLLOW_SYMLINKS"
_SKIP_DIRS = frozenset({".git", ".venv", "venv", "node_modules", "__pycache__", ".manikit", ".tox"})


@dataclass(frozen=True, slots=True)
class SourceText:
    """The decoded text of one manifest file, named as the user should see it."""

    name: str
    text: str


def is_manifest_file(path: Path) -> bool:
    name = path.name.lower()
    if name.endswith(TEMPLATE_SUFFIX):
        name = name[: -len(TEMPLATE_SUFFIX)]
    return name.endswith(MANIFEST_SUFFIXES)


def expand_paths(
    paths: Sequence[str], exclude: Iterable[str] = (), *, follow_symlinks: bool | None = None
) -> list[str]:
    """Files named, and manifest files below directories named, in a stable order.

    A path that does not exist, a directory that cannot be listed, a FIFO or device, and a symlink
    (unless ``follow_symlinks``, or ``MANIKIT_FOLLOW_SYMLINKS=1``, and its target is inside the
    repository) are SourceErrors: an input skipped in silence would be pruned. ``-`` is standard input.
    """
    follow = os.environ.get(FOLLOW_SYMLINKS_ENV) == "1" if follow_symlinks is None else follow_symlinks
    patterns = tuple(exclude)
    found: list[str] = []
    for raw in paths:
        if raw == "-":
            found.append("-")
            continue
        path = Path(raw)
        if not path.exists() and not path.is_symlink():
            raise SourceError(f"{raw}: no such file or directory")
        if _excluded(path, patterns):
            continue
        guard = _Guard(_repository_root(path), follow)
        guard.check(path)
        if path.is_dir():
            found.extend(str(p) for p in _walk(path, patterns, guard))
        else:
            found.append(raw)
    return list(dict.fromkeys(found))


def _repository_root(path: Path) -> Path:
    """The nearest directory at or above ``path`` holding ``.git``; else the directory given."""
    start = Path(os.path.abspath(path))
    return _root_of(start if start.is_dir() else start.parent)


@functools.lru_cache(maxsize=1024)
def _root_of(start: Path) -> Path:
    """Per directory, once: hundreds of files named on one command line share a few directories."""
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


@dataclass(frozen=True, slots=True)
class _Guard:
    """What discovery may read: regular files and directories; symlinks only when asked, inside ``root``."""

    root: Path
    follow: bool

    def check(self, path: Path) -> None:
        if path.is_symlink():
            self._check_link(path)
        try:
            mode = path.stat().st_mode
        except OSError as exc:
            raise SourceError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            what = "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
            raise SourceError(
                f"{path}: is {what}, not a regular file: manikit reads only regular files; remove it or "
                "exclude it"
            )

    def _check_link(self, path: Path) -> None:
        target = os.path.realpath(path)
        if not self.follow:
            raise SourceError(
                f"{path}: is a symlink (to {target}); manikit does not follow symlinks unless asked: set "
                f"{FOLLOW_SYMLINKS_ENV}=1 to follow those inside the repository, or replace it with the file"
            )
        root = os.path.realpath(self.root)
        if os.path.commonpath([target, root]) != root:
            raise SourceError(
                f"{path}: is a symlink leading out of the repository {root} (to {target}); manikit reads "
                "nothing outside it: copy the file into the repository instead"
            )


def _walk(root: Path, patterns: tuple[str, ...], guard: _Guard) -> list[Path]:
    files: list[Path] = []
    seen: set[str] = set()  # real directories already walked: a symlink loop is walked once
    for dirpath, dirnames, filenames in os.walk(root, onerror=_unlistable, followlinks=guard.follow):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        values_tree = VALUES_FILE in filenames
        kept = []
        for d in sorted(dirnames):
            if d in _SKIP_DIRS or (values_tree and d == VALUES_DIR):
                continue
            sub = Path(dirpath) / d
            if _excluded(sub, patterns) or _excluded_dir(sub, patterns):
                continue
            guard.check(sub)
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            if values_tree and name == VALUES_FILE:
                continue
            candidate = Path(dirpath) / name
            if is_manifest_file(candidate) and not _excluded(candidate, patterns):
                guard.check(candidate)
                files.append(candidate)
    return files


def _unlistable(exc: OSError) -> None:
    raise SourceError(
        f"{exc.filename}: cannot list this directory: {exc.strerror or exc}; nothing below it can be "
        "read, so manikit stops rather than miss manifests (fix its permissions, or exclude it)"
    ) from exc


def _excluded_dir(path: Path, patterns: tuple[str, ...]) -> bool:
    return any(path.as_posix() == p.rstrip("/*") for p in patterns if p.rstrip("/*"))


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    return any(path.match(p) or path.as_posix().startswith(p.rstrip("/*") + "/") for p in patterns if p)


def read_source(name: str) -> tuple[SourceText | None, list[Problem]]:
    """Read and decode one file (or stdin for ``-``)."""
    if name == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        display = STDIN_NAME
    else:
        display = name
        try:
            size = os.path.getsize(name)
            if size > MAX_FILE_BYTES:
                return None, [
                    _unreadable(
                        display,
                        f"the file is {size / 2**20:.1f} MiB, over manikit's "
                        f"{MAX_FILE_BYTES // 2**20} MiB limit for one manifest file",
                    )
                ]
            with open(name, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise SourceError(f"{name}: cannot read: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        return None, [_unreadable(display, f"input is over manikit's {MAX_FILE_BYTES // 2**20} MiB limit")]
    return decode(display, data)


def decode(display: str, data: bytes) -> tuple[SourceText | None, list[Problem]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return SourceText(display, data.decode("utf-16")), []
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        return None, [_unreadable(display, "this is a binary file, not YAML or JSON")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [
            Problem(
                display,
                line,
                col,
                "MK009",
                "unreadable-file",
                Level.ERROR,
                f"byte 0x{data[exc.start]:02x} is not valid UTF-8; save the file as UTF-8",
            )
        ]
    if not text.strip():
        return None, [
            Problem(
                display, 0, 0, "MK012", "empty-file", Level.WARNING, "the file is empty: it holds no manifest"
            )
        ]
    return SourceText(display, text), []


def _unreadable(display: str, message: str) -> Problem:
    return Problem(display, 0, 0, "MK009", "unreadable-file", Level.ERROR, message)
