"""The plugin path: one pod through the profile's Filter, PreScore, Score and NormalizeScore points.

This is the readable definition of a scheduling decision; the vectorised path (``vectorpath.py``) must
agree with it on every cluster, and ``explain`` uses it to give ``describe pod`` every node's verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from manikit.runtime.scheduler.framework import SUCCESS, CycleState, PreFilterPlugin, Status
from manikit.runtime.scheduler.message import fit_error_message
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.profile import Profile
from manikit.runtime.scheduler.types import NodeVerdict


@dataclass(frozen=True)
class Outcome:
    node: str | None
    message: str
    verdicts: tuple[NodeVerdict, ...]


def run_pre_filters(profile: Profile, state: CycleState, pod: PodInfo, nodes: Sequence[NodeInfo]) -> None:
    """PreFilter of the filters that have one; a plugin that answers SKIP does not filter this pod."""
    for plugin in profile.filters:
        if isinstance(plugin, PreFilterPlugin) and plugin.pre_filter(state, pod, nodes).is_skip():
            state.skipped_filters.add(plugin.name)


def run_filters(profile: Profile, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
    """The first filter that rejects the node decides its status (upstream stops there too)."""
    for plugin in profile.filters:
        if plugin.name in state.skipped_filters:
            continue
        status = plugin.filter(state, pod, node)
        if not status.is_success():
            return status
    return SUCCESS


def run_scores(
    profile: Profile, state: CycleState, pod: PodInfo, feasible: Sequence[NodeInfo], nodes: Sequence[NodeInfo]
) -> list[dict[str, int]]:
    """Weighted, normalized score of every feasible node, per plugin (skipped plugins left out)."""
    per_node: list[dict[str, int]] = [{} for _ in feasible]
    for entry in profile.scores:
        pre = entry.pre_score()
        if pre is not None and pre.pre_score(state, pod, feasible, nodes).is_skip():
            continue
        scores = [entry.plugin.score(state, pod, node) for node in feasible]
        normalizer = entry.normalizer()
        if normalizer is not None:
            scores = normalizer.normalize(state, pod, feasible, scores)
        for row, score in zip(per_node, scores, strict=True):
            row[entry.name] = score * entry.weight
    return per_node


def schedule_one(profile: Profile, pod: PodInfo, nodes: Sequence[NodeInfo]) -> Outcome:
    """Place one pod on ``nodes`` (sorted by name): highest total wins, ties go to the first name."""
    state = CycleState()
    run_pre_filters(profile, state, pod, nodes)
    statuses = [run_filters(profile, state, pod, node) for node in nodes]
    feasible = [node for node, status in zip(nodes, statuses, strict=True) if status.is_success()]
    if not feasible:
        message = fit_error_message(len(nodes), (s.reasons for s in statuses))
        rejected = (
            NodeVerdict(n.name, False, s.plugin, s.reasons) for n, s in zip(nodes, statuses, strict=True)
        )
        return Outcome(None, message, tuple(rejected))
    scores = iter(run_scores(profile, state, pod, feasible, nodes))
    verdicts: list[NodeVerdict] = []
    best: NodeVerdict | None = None
    for node, status in zip(nodes, statuses, strict=True):
        if not status.is_success():
            verdicts.append(NodeVerdict(node.name, False, status.plugin, status.reasons))
            continue
        row = next(scores)
        verdict = NodeVerdict(node.name, True, scores=row, total=sum(row.values()))
        verdicts.append(verdict)
        if best is None or verdict.total > best.total:
            best = verdict
    assert best is not None  # feasible is not empty
    return Outcome(best.node, "", tuple(verdicts))
