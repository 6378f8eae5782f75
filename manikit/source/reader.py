"""Where manifests come from: files, directories (recursive), and ``-`` for standard input.

Reading is bounded: huge, binary and non-UTF-8 files become Problems with a clear message, never a
traceback or a hang.
"""

from __future__ import annotations

import os
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


def expand_paths(paths: Sequence[str], exclude: Iterable[str] = ()) -> list[str]:
    """Files named, and manifest files below directories named, in a stable order.

    A path that does not exist is a SourceError; ``-`` stands for standard input.
    """
    patterns = tuple(exclude)
    found: list[str] = []
    for raw in paths:
        if raw == "-":
            found.append("-")
            continue
        path = Path(raw)
        if path.is_dir():
            found.extend(str(p) for p in _walk(path) if not _excluded(p, patterns))
        elif path.exists():
            if not _excluded(path, patterns):
                found.append(raw)
        else:
            raise SourceError(f"{raw}: no such file or directory")
    return list(dict.fromkeys(found))


def _walk(root: Path) -> list[Path]:
    files: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        values_tree = VALUES_FILE in filenames
        dirnames[:] = sorted(
            d for d in dirnames if d not in _SKIP_DIRS and not (values_tree and d == VALUES_DIR)
        )
        for name in sorted(filenames):
            if values_tree and name == VALUES_FILE:
                continue
            candidate = Path(dirpath) / name
            if is_manifest_file(candidate):
                files.append(candidate)
    return files


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
