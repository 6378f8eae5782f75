"""Which pods a ReplicaSet deletes first when it scales down: controller.ActivePodsWithRanks.Less
(pkg/controller/controller_utils.go) with pod-deletion-cost and LogarithmicScaleDown, both on by
default upstream.

1. unscheduled before scheduled; 2. Pending before Unknown before Running; 3. not ready before
ready; 4. lower ``controller.kubernetes.io/pod-deletion-cost`` first; 5. more pods of the same owner
on its node (its rank) first; 6. both ready: ready more recently first, compared by the logarithmic
bucket of how long (the same bucket: the lower uid first); 7. more restarts first; 8. created more
recently first, by bucket the same way; else as listed.
"""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from manikit.runtime.clock import parse_time
from manikit.runtime.controllers.common import is_ready, ready_since
from manikit.runtime.store import Body

DELETION_COST = "controller.kubernetes.io/pod-deletion-cost"
_PHASE = {"Pending": 0, "Unknown": 1, "Running": 2}


def ranks(pods: Iterable[Body], related: Iterable[Body]) -> dict[str, int]:
    """Each pod's rank: how many related pods (of the same owner's ReplicaSets) share its node."""
    per_node = Counter(p["spec"].get("nodeName") for p in related if p["spec"].get("nodeName"))
    return {p["metadata"]["name"]: per_node.get(p["spec"].get("nodeName"), 0) for p in pods}


def deletion_order(pods: list[Body], rank: dict[str, int], now: datetime) -> list[Body]:
    """``pods`` sorted so that the ones to delete first come first (a stable sort, as Go's)."""

    def less(a: Body, b: Body) -> int:
        return -1 if _less(a, b, rank, now) else (1 if _less(b, a, rank, now) else 0)

    return sorted(pods, key=functools.cmp_to_key(less))


def _cost(pod: Body) -> int:
    value = (pod["metadata"].get("annotations") or {}).get(DELETION_COST)
    try:
        return int(value) if value is not None else 0
    except ValueError:
        return 0


def _bucket(moment: datetime, now: datetime) -> int:
    nanos = (now - moment).total_seconds() * 1e9
    return int(math.log2(nanos)) if nanos > 0 else -1


def _by_time(ta: datetime | None, tb: datetime | None, a: Body, b: Body, now: datetime) -> bool | None:
    """Newer first by logarithmic bucket, the lower uid on a tie; None when the times are equal."""
    if ta == tb:
        return None
    if ta is None or tb is None:
        return ta is None  # an empty time counts as the newest
    diff = _bucket(ta, now) - _bucket(tb, now)
    if diff == 0:
        return str(a["metadata"].get("uid", "")) < str(b["metadata"].get("uid", ""))
    return diff < 0


def _restarts(pod: Body) -> int:
    return max(
        (c.get("restartCount", 0) for c in (pod.get("status") or {}).get("containerStatuses") or []),
        default=0,
    )


def _less(a: Body, b: Body, rank: dict[str, int], now: datetime) -> bool:
    na, nb = bool(a["spec"].get("nodeName")), bool(b["spec"].get("nodeName"))
    if na != nb:
        return not na
    pa = _PHASE.get((a.get("status") or {}).get("phase", "Pending"), 0)
    pb = _PHASE.get((b.get("status") or {}).get("phase", "Pending"), 0)
    if pa != pb:
        return pa < pb
    ra, rb = is_ready(a), is_ready(b)
    if ra != rb:
        return not ra
    ca, cb = _cost(a), _cost(b)
    if ca != cb:
        return ca < cb
    ka, kb = rank.get(a["metadata"]["name"], 0), rank.get(b["metadata"]["name"], 0)
    if ka != kb:
        return ka > kb
    if ra and rb:
        decided = _by_time(ready_since(a), ready_since(b), a, b, now)
        if decided is not None:
            return decided
    xa, xb = _restarts(a), _restarts(b)
    if xa != xb:
        return xa > xb
    created_a, created_b = a["metadata"].get("creationTimestamp"), b["metadata"].get("creationTimestamp")
    decided = _by_time(
        parse_time(created_a) if created_a else None, parse_time(created_b) if created_b else None, a, b, now
    )
    return bool(decided)
