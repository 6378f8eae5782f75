"""Graceful deletion and finalizers, as the API server's registry does them (rest.BeforeDelete,
pod strategy's CheckGracefulDelete), and the DefaultTolerationSeconds admission plugin."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from manikit.errors import Cause, InvalidError
from manikit.runtime.clock import rfc3339
from manikit.runtime.store import Body
from manikit.runtime.store.names import group_of

FOREGROUND = "foregroundDeletion"
DEFAULT_GRACE_SECONDS = 30
DEFAULT_TOLERATION_SECONDS = 300
#: store notes keyed by a pod's uid, removed with the pod
POD_NOTES = ("scheduling", "kubelet")


def grace_period(kind: str, old: Body, given: int | None) -> int:
    """Only pods are deleted gracefully; one never scheduled, or already finished, goes at once."""
    if kind != "Pod":
        return 0
    if given is not None:
        return max(0, given)
    status = old.get("status") or {}
    if not old["spec"].get("nodeName") or status.get("phase") in ("Succeeded", "Failed"):
        return 0
    grace = old["spec"].get("terminationGracePeriodSeconds")
    return DEFAULT_GRACE_SECONDS if grace is None else max(0, int(grace))


def mark(old: Body, finalizers: list[str], grace: int, now: datetime) -> Body:
    """The object marked for deletion (deletionTimestamp = now + grace); ``old`` itself when that
    changes nothing (deleting again with no shorter grace period)."""
    meta = old["metadata"]
    current = meta.get("deletionGracePeriodSeconds")
    if "deletionTimestamp" in meta and current is not None and grace >= int(current):
        if finalizers == list(meta.get("finalizers") or []):
            return old
        grace = int(current)
    new_meta = {**meta, "deletionGracePeriodSeconds": grace}
    if "deletionTimestamp" not in meta or current is None or grace < int(current):
        new_meta["deletionTimestamp"] = rfc3339(now + timedelta(seconds=grace))
    if finalizers:
        new_meta["finalizers"] = finalizers
    return {**old, "metadata": new_meta}


def released(kind: str, body: Body) -> bool:
    """An object being deleted whose last finalizer is gone (a pod: once its kubelet confirmed)."""
    meta = body["metadata"]
    if "deletionTimestamp" not in meta or meta.get("finalizers"):
        return False
    return kind != "Pod" or int(meta.get("deletionGracePeriodSeconds", 0) or 0) == 0


def check_finalizers(kind: str, old: Body, body: Body) -> None:
    """No new finalizer on an object that is being deleted."""
    if "deletionTimestamp" not in old["metadata"]:
        return
    before = set(old["metadata"].get("finalizers") or [])
    added = sorted(set(body["metadata"].get("finalizers") or []) - before)
    if added:
        name = old["metadata"]["name"]
        why = (
            "Forbidden: no new finalizers can be added if the object is being deleted, "
            f"found new finalizers {added}"
        )
        raise InvalidError.of(kind, name, [Cause.of("metadata.finalizers", why)], group_of(kind))


def add_default_tolerations(spec: dict[str, Any]) -> None:
    """DefaultTolerationSeconds: tolerate not-ready and unreachable nodes for 300 s, unless the pod
    already tolerates them (any toleration of the key with effect NoExecute or none)."""
    tolerations = list(spec.get("tolerations") or [])
    for key in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"):
        if any(_covers(t, key) for t in tolerations):
            continue
        tolerations.append(
            {
                "key": key,
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": DEFAULT_TOLERATION_SECONDS,
            }
        )
    spec["tolerations"] = tolerations


def _covers(toleration: dict[str, Any], key: str) -> bool:
    if toleration.get("effect") not in (None, "", "NoExecute"):
        return False
    return toleration.get("key") in (None, "", key) and (
        toleration.get("key") == key or toleration.get("operator") == "Exists"
    )


def is_default_toleration(toleration: dict[str, Any]) -> bool:
    """One that add_default_tolerations adds (for a plan, which does not compare them)."""
    return (
        toleration.get("key") in ("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")
        and toleration.get("operator") == "Exists"
        and toleration.get("effect") == "NoExecute"
        and toleration.get("tolerationSeconds") == DEFAULT_TOLERATION_SECONDS
    )
