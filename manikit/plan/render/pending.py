"""Pending pods grouped by kube-scheduler's message: one line per reason with a count and a few names,
so that 557 Pending pods read as a handful of lines."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from manikit.plan.actions import PendingPod

EXAMPLES = 3


@dataclass(frozen=True)
class PendingGroup:
    message: str
    count: int
    examples: tuple[str, ...]  # namespace/name of the first few pods

    def names(self) -> str:
        """``shop/web-1, shop/web-2, shop/web-3 and 9 more``."""
        rest = self.count - len(self.examples)
        shown = ", ".join(self.examples)
        return f"{shown} and {rest} more" if rest > 0 else shown


def group_pending(pods: Iterable[PendingPod]) -> list[PendingGroup]:
    """Groups by message, the largest first (ties by message)."""
    groups: dict[str, list[str]] = {}
    for pod in pods:
        groups.setdefault(pod.message, []).append(f"{pod.namespace}/{pod.name}")
    ordered = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    return [PendingGroup(message, len(names), tuple(names[:EXAMPLES])) for message, names in ordered]


def pods(count: int) -> str:
    """``1 pod`` / ``557 pods``."""
    return f"{count:,} pod{'' if count == 1 else 's'}"
