"""Which pods the scheduler sees and in what order: kube-scheduler's PrioritySort queue."""

from __future__ import annotations

from collections.abc import Iterable

from manikit.models.pod import Pod
from manikit.runtime.scheduler.nodeinfo import PodInfo


def is_live(pod: Pod) -> bool:
    """Terminated pods (Succeeded, Failed) and pods being deleted hold no resources here."""
    phase = pod.status.phase if pod.status else None
    return pod.metadata.deletion_timestamp is None and phase not in ("Succeeded", "Failed")


def queue_order(pods: Iterable[PodInfo]) -> list[PodInfo]:
    """Highest priority first, then oldest (creationTimestamp), then namespace/name: a total order."""
    return sorted(pods, key=lambda p: (-p.priority, p.created, p.namespace, p.name))
