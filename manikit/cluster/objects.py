"""What a client reads off objects the cluster returns: the controller that owns one, whether a pod is
Ready, what the API server sets that a client comparing objects ignores, and the record type of
events (kubectl's helpers, over the same rules the API server and controllers use)."""

from __future__ import annotations

from manikit.runtime.api.bootstrap import NAME_LABEL
from manikit.runtime.api.deletion import is_default_toleration
from manikit.runtime.store import Body, EventRecord

__all__ = ["NAME_LABEL", "EventRecord", "controller_uid", "is_default_toleration", "is_ready"]


# The controllers' own rules, imported when first asked for: importing one of their modules imports
# them all (and the scheduler and numpy), which a plan or a validation never runs.
def controller_uid(body: Body) -> str | None:
    """The uid of the object's controlling owner, if any."""
    from manikit.runtime.controllers.common import controller_uid as uid

    return uid(body)


def is_ready(pod: Body) -> bool:
    """Whether the pod's Ready condition is True."""
    from manikit.runtime.controllers.common import is_ready as ready

    return ready(pod)
