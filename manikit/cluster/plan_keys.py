"""The plan-signing key of a cluster that has no room for manikit's notes (a real Kubernetes cluster):
kept on this machine, one file per cluster identity, mode 0600, never sent to the cluster.

Where: ``$XDG_CONFIG_HOME/manikit/plan-keys/`` (else ``~/.config/manikit/plan-keys/``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from manikit.errors import ConfigError

KEYS_DIR = Path("manikit") / "plan-keys"


def keys_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path("~/.config").expanduser())
    return Path(base) / KEYS_DIR


def _key_path(identity: str) -> Path:
    return keys_dir() / hashlib.sha256(identity.encode()).hexdigest()[:32]


def local_signing_key(identity: str, *, create: bool = False) -> str:
    """The key for the cluster ``identity`` ("" if none yet and not ``create``)."""
    path = _key_path(identity)
    try:
        key = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the plan-signing key: {exc.strerror}") from exc
    if key or not create:
        return key
    key = secrets.token_hex(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text(encoding="ascii").strip()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot keep the plan-signing key: {exc.strerror}") from exc
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
    return key
