"""Where the lint configuration is: ``.manikit.yaml`` (or pyproject.toml with ``[tool.manikit]``),
found from a directory upward.

Apart from config.py so that a command finding no configuration imports nothing of lint: ``manikit
validate`` reads only the ``exclude`` globs of a configuration file, and most trees have none.
"""

from __future__ import annotations

from pathlib import Path

CONFIG_NAMES = (".manikit.yaml", ".manikit.yml")


def find_config(start: Path) -> Path | None:
    """The nearest ``.manikit.yaml``, or pyproject.toml with a ``[tool.manikit]`` table, upward."""
    for directory in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "[tool.manikit" in pyproject.read_text(encoding="utf-8", errors="replace"):
            return pyproject
    return None
