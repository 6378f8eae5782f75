"""Where a cluster is: a state file (``--state``, ``MANIKIT_STATE``, ``.manikit/state.db``), an
``etcd://`` URL or the ``https://`` address of a running ``manikit serve``."""

from __future__ import annotations

from manikit.runtime.store import DEFAULT_STATE, STATE_ENV, resolve_state_path
from manikit.server.client import is_served

__all__ = ["DEFAULT_STATE", "STATE_ENV", "is_served", "resolve_state_path"]
