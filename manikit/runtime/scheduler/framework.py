"""kube-scheduler's framework in small: a Status value and one Protocol per extension point.

A plugin is a plain object with a ``name`` and the methods of the extension points it implements;
the profile (``profile.py``) says which plugins run, in which order, with which score weights.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo

MAX_NODE_SCORE = 100
MIN_NODE_SCORE = 0


class Code(enum.Enum):
    SUCCESS = "Success"
    UNSCHEDULABLE = "Unschedulable"  # preemption might help
    UNSCHEDULABLE_AND_UNRESOLVABLE = "UnschedulableAndUnresolvable"
    SKIP = "Skip"  # a PreScore plugin with nothing to say for this pod


@dataclass(frozen=True)
class Status:
    """The outcome of one plugin at one extension point; ``reasons`` are Kubernetes' strings."""

    code: Code = Code.SUCCESS
    reasons: tuple[str, ...] = ()
    plugin: str = ""

    def is_success(self) -> bool:
        return self.code is Code.SUCCESS

    def is_skip(self) -> bool:
        return self.code is Code.SKIP


SUCCESS = Status()


def unschedulable(plugin: str, *reasons: str, resolvable: bool = True) -> Status:
    code = Code.UNSCHEDULABLE if resolvable else Code.UNSCHEDULABLE_AND_UNRESOLVABLE
    return Status(code, tuple(reasons), plugin)


@dataclass
class CycleState:
    """Per-pod scratch space shared between a plugin's PreScore, Score and NormalizeScore."""

    data: dict[str, Any] = field(default_factory=dict)
    skipped_filters: set[str] = field(default_factory=set)


@runtime_checkable
class PreFilterPlugin(Protocol):
    """Computes, once per pod, what its Filter needs from all nodes; SKIP means "no filtering"."""

    name: str

    def pre_filter(self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Status: ...


@runtime_checkable
class FilterPlugin(Protocol):
    name: str

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status: ...


@runtime_checkable
class PreScorePlugin(Protocol):
    name: str

    def pre_score(
        self, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], all_nodes: Sequence[NodeInfo]
    ) -> Status: ...


@runtime_checkable
class ScorePlugin(Protocol):
    name: str

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int: ...


@runtime_checkable
class NormalizeScorePlugin(Protocol):
    name: str

    def normalize(
        self, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo], scores: list[int]
    ) -> list[int]: ...


def default_normalize(scores: Sequence[int], reverse: bool = False) -> list[int]:
    """kube-scheduler's helper.DefaultNormalizeScore: scale to 0..100 by the maximum, optionally reversed."""
    highest = max(scores, default=0)
    if highest == 0:
        return [MAX_NODE_SCORE if reverse else 0 for _ in scores]
    scaled = [MAX_NODE_SCORE * s // highest for s in scores]
    return [MAX_NODE_SCORE - s for s in scaled] if reverse else scaled
