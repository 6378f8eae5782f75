"""Capacity bars as text: requests drawn solid, limits beyond the requests shaded, the rest light.

``███████▒▒░░░ 58%`` reads the same in a terminal, a log and a GitHub comment (no image, no escape
codes); colour, where there is any, is added by the caller around these characters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction

from manikit.plan.capacity import NodeUsage, Usage

REQUEST, LIMIT, FREE = "█", "▒", "░"
WIDTH = 20
#: the resources drawn per node (pods is a count, shown as a number beside them)
DRAWN = ("cpu", "memory")
#: nodes drawn in the text plan; the rest are counted
TEXT_NODES = 40


@dataclass(frozen=True)
class Segments:
    """How many cells of a bar are requests, limits above the requests, and free."""

    requests: int
    limits: int
    free: int


def segments(usage: Usage, width: int = WIDTH) -> Segments:
    if not usage.allocatable:
        return Segments(0, 0, width)
    requests = _cells(usage.requested / usage.allocatable, width)
    limited = _cells((usage.limits or 0) / usage.allocatable, width)
    limits = max(limited - requests, 0)
    return Segments(requests, limits, width - requests - limits)


def _cells(share: Fraction, width: int) -> int:
    """Cells for a share: any use shows at least one cell, and only a full node fills the bar."""
    if share <= 0:
        return 0
    if share >= 1:
        return width
    return min(max(round(share * width), 1), width - 1)


def text_bar(usage: Usage, width: int = WIDTH) -> str:
    s = segments(usage, width)
    return REQUEST * s.requests + LIMIT * s.limits + FREE * s.free


def share(usage: Usage) -> str:
    """``97% (3900m of 4)``, with limits when they go further: ``, limits 150%``."""
    if not usage.allocatable:
        return "no allocatable"
    text = f"{usage.percent}% ({usage.shown(usage.requested)} of {usage.shown(usage.allocatable)})"
    if usage.limits and usage.limit_percent > usage.percent:
        text += f", limits {usage.limit_percent}%"
    return text


def labelled(usage: Usage, width: int = WIDTH) -> str:
    return f"{text_bar(usage, width)} {share(usage)}"


@dataclass(frozen=True)
class CapacityRow:
    """One node and resource before and after a change (None: the node is not there then)."""

    node: str
    resource: str
    before: Usage | None
    after: Usage | None

    @property
    def changed(self) -> bool:
        if self.before is None or self.after is None:
            return True
        return (self.before.requested, self.before.limits) != (self.after.requested, self.after.limits)


def capacity_rows(before: Sequence[NodeUsage], after: Sequence[NodeUsage]) -> list[CapacityRow]:
    """Rows for every node of either side, nodes in name order, cpu then memory, then pods."""
    old = {n.node: n for n in before}
    new = {n.node: n for n in after}
    rows = []
    for name in sorted({*old, *new}):
        for resource in (*DRAWN, "pods"):
            rows.append(
                CapacityRow(
                    name,
                    resource,
                    old[name].usage(resource) if name in old else None,
                    new[name].usage(resource) if name in new else None,
                )
            )
    return rows


def full_nodes(nodes: Sequence[NodeUsage]) -> list[str]:
    return [n.node for n in nodes if n.full]


def text_lines(
    before: Sequence[NodeUsage], after: Sequence[NodeUsage], width: int = WIDTH, nodes: int = TEXT_NODES
) -> Iterator[str]:
    """The plan's per-node pictures: ``node-1  cpu     ███░░ 20% (..)  ->  █████ 100% (..)``; only
    the nodes whose requests change (every node when none does), at most ``nodes`` of them."""
    rows = capacity_rows(before, after)
    changed = {r.node for r in rows if r.changed}
    shown = [r for r in rows if r.node in changed] or rows
    names = sorted({r.node for r in shown})
    kept = set(names[:nodes])
    shown = [r for r in shown if r.node in kept]
    name_width = max((len(r.node) for r in shown), default=0)
    lefts = [labelled(r.before, width) if r.before is not None else "(not there)" for r in shown]
    left_width = max((len(text) for text in lefts), default=0)
    for row, left in zip(shown, lefts, strict=True):
        right = labelled(row.after, width) if row.after is not None else "(gone)"
        yield f"{row.node:<{name_width}}  {row.resource:<6}  {left:<{left_width}}  ->  {right}"
    if len(names) > len(kept):
        yield f"... and {len(names) - len(kept)} more nodes (manikit plan --html FILE draws them all)"
