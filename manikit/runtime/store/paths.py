"""Where the state file lives: ``--state PATH``, else ``MANIKIT_STATE``, else ``.manikit/state.db``.

An ``etcd://`` URL names an etcd cluster instead and is returned as it is."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_STATE = Path(".manikit") / "state.db"
STATE_ENV = "MANIKIT_STATE"


def resolve_state_path(option: str | None = None, cwd: Path | None = None) -> Path | str:
    """The state file to use; relative paths are relative to ``cwd`` (default: the current directory)."""
    chosen = option or os.environ.get(STATE_ENV) or str(DEFAULT_STATE)
    if chosen.startswith("etcd://"):
        return chosen
    path = Path(chosen).expanduser()
    if not path.is_absolute():
        path = (cwd or Path.cwd()) / path
    return path
