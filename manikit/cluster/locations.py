"""Where a cluster is: a state file (``--state``, ``MANIKIT_STATE``, ``.manikit/state.db``), an
``etcd://`` URL, or an API server's ``https://`` address that a kubeconfig names."""

from __future__ import annotations

from manikit.runtime.store import DEFAULT_STATE, STATE_ENV, resolve_state_path

SCHEMES = ("https://", "http://")

__all__ = ["DEFAULT_STATE", "SCHEMES", "STATE_ENV", "is_served", "resolve_state_path"]


def is_served(target: str | None) -> bool:
    """Whether a ``--state`` names an API server's URL rather than a state file or etcd."""
    return target is not None and target.startswith(SCHEMES)
