"""The vectorised extension points: what a plugin offers, beside its per-node form, so that the engine
can evaluate it on every node at once (numpy vectors over ``ClusterArrays``, per pod template).

- ``NodeFilterVector`` / ``NodeScoreVector``: the plugin reads only the node (labels, taints, cordon,
  name); evaluated once per template.
- ``UsageFilterVector`` / ``UsageScoreVector``: the plugin reads what the node holds (resources,
  ports); refreshed on the nodes that received a pod, as vectors, or node by node with the plugin's
  per-node ``filter`` / ``score`` when few did.
- ``PodScoreVector``: the score depends on the pod beyond its template (its controller); a scorer
  object keeps its own state for one ``schedule`` call.
- ``PodCoverage``: the vector form decides only the pods it ``covers``; the others take the per-node
  path. A plugin that offers nothing else has a trivial vector form: for the pods it covers its
  filter passes every node and its score is skipped (upstream's PreFilter / PreScore Skip).

The engine takes the vectorised path when every plugin of the profile has a vector form
(``vector_profile``); property tests hold each plugin's two forms to the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from manikit.runtime.scheduler.framework import MAX_NODE_SCORE, CycleState, Status
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.vectors import Bools, ClusterArrays, Ints

if TYPE_CHECKING:
    from manikit.runtime.scheduler.profile import Profile


class TemplateView(Protocol):
    """What a vector form may read of the template it is evaluated for."""

    cluster: ClusterArrays
    info: PodInfo  # the template's first pod: what every pod of the template shares
    memo: dict[str, Any]  # per-template scratch space, shared between a plugin's vector methods
    feasible: Bools  # the nodes every filter currently passes
    feasible_count: int
    epoch: int  # raised each time ``feasible`` changes


@dataclass(frozen=True)
class NodeFailures:
    """Per node 0 (passes) or 1 + the index, in ``reasons``, of the reasons it is rejected with."""

    codes: Ints
    reasons: tuple[tuple[str, ...], ...]


@runtime_checkable
class PodCoverage(Protocol):
    name: str

    def covers(self, cluster: ClusterArrays, pod: PodInfo) -> bool: ...


@runtime_checkable
class NodeFilterVector(Protocol):
    name: str

    def filter_nodes(self, t: TemplateView) -> NodeFailures: ...


@runtime_checkable
class UsageFilterVector(Protocol):
    name: str

    def usage_reasons(self, pod: PodInfo) -> tuple[str, ...]:
        """Every reason the filter may give for this pod, in its order: bit k of a result is reason k."""
        ...

    def filter_usage(self, t: TemplateView, ix: Ints) -> Ints:
        """Failure bits of the nodes ``ix`` (sorted node indices)."""
        ...

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status: ...


@runtime_checkable
class NodeScoreVector(Protocol):
    name: str

    def score_nodes(self, t: TemplateView) -> Ints: ...

    def normalize_nodes(self, raw: Ints, feasible: Bools) -> Ints: ...


@runtime_checkable
class UsageScoreVector(Protocol):
    name: str

    def skips_score(self, pod: PodInfo) -> bool: ...

    def score_usage(self, t: TemplateView, ix: Ints) -> Ints: ...

    def score(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> int: ...


class PodScorer(Protocol):
    def score(self, t: TemplateView, pod: PodInfo, weight: int) -> Ints | None:
        """The weighted, normalized score of every node (None: skipped for this pod)."""
        ...

    def assumed(self, i: int, pod: PodInfo) -> None: ...

    def forget(self, signature: str) -> None:
        """The template ``signature`` was dropped from the cache: drop what was kept for it."""
        ...


@runtime_checkable
class PodScoreVector(Protocol):
    name: str

    def vector_scorer(self, cluster: ClusterArrays) -> PodScorer: ...


@dataclass(frozen=True)
class VectorProfile:
    """A profile whose every plugin has a vector form, sorted by kind (positions: filter order)."""

    profile: Profile
    node_filters: tuple[tuple[int, NodeFilterVector], ...]
    usage_filters: tuple[tuple[int, UsageFilterVector], ...]
    node_scores: tuple[tuple[NodeScoreVector, int], ...]
    usage_scores: tuple[tuple[UsageScoreVector, int], ...]
    pod_scores: tuple[tuple[PodScoreVector, int], ...]
    covering: tuple[PodCoverage, ...]


def vector_profile(profile: Profile) -> VectorProfile | None:
    """The profile's plugins by vector kind, or None when one of them has no vector form."""
    node_filters, usage_filters = [], []
    covering: dict[str, PodCoverage] = {}
    for position, plugin in enumerate(profile.filters):
        if isinstance(plugin, NodeFilterVector):
            node_filters.append((position, plugin))
        elif isinstance(plugin, UsageFilterVector):
            usage_filters.append((position, plugin))
        elif not isinstance(plugin, PodCoverage):
            return None
        if isinstance(plugin, PodCoverage):
            covering[plugin.name] = plugin
    node_scores, usage_scores, pod_scores = [], [], []
    for entry in profile.scores:
        scorer = entry.plugin
        if isinstance(scorer, NodeScoreVector):
            node_scores.append((scorer, entry.weight))
        elif isinstance(scorer, UsageScoreVector):
            usage_scores.append((scorer, entry.weight))
        elif isinstance(scorer, PodScoreVector):
            pod_scores.append((scorer, entry.weight))
        elif not isinstance(scorer, PodCoverage):
            return None
        if isinstance(scorer, PodCoverage):
            covering[scorer.name] = scorer
    return VectorProfile(
        profile,
        tuple(node_filters),
        tuple(usage_filters),
        tuple(node_scores),
        tuple(usage_scores),
        tuple(pod_scores),
        tuple(covering.values()),
    )


def default_normalize_vector(raw: Ints, feasible: Bools, reverse: bool = False) -> Ints:
    """``framework.default_normalize`` over the feasible nodes, as whole vectors."""
    highest = int(raw[feasible].max()) if feasible.any() else 0
    if highest == 0:
        return np.full(raw.shape, MAX_NODE_SCORE if reverse else 0, dtype=np.int64)
    scaled: Ints = MAX_NODE_SCORE * raw // highest
    return MAX_NODE_SCORE - scaled if reverse else scaled
