"""What a client reads off objects the cluster returns: the controller that owns one, whether a pod is
Ready, what the API server sets that a client comparing objects ignores, and the record type of
events (kubectl's helpers, over the same rules the API server and controllers use)."""

from __future__ import annotations

from manikit.runtime.api.bootstrap import NAME_LABEL
from manikit.runtime.api.deletion import is_default_toleration
from manikit.runtime.controllers.common import controller_uid, is_ready
from manikit.runtime.store import EventRecord

__all__ = ["NAME_LABEL", "EventRecord", "controller_uid", "is_default_toleration", "is_ready"]
