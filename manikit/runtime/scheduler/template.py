"""What one pod template (a distinct pod spec) needs on every node, as vectors, from the vector
forms of the profile's plugins (see ``vectorised.py``).

Node-only parts (filters that read the node's labels, taints and cordon; their raw scores) are
computed once per template. Usage parts (resource fit, host ports, resource scores) are computed for
all nodes once, then refreshed only on the nodes that received a pod since: one by one with the
plugins' per-node ``filter`` and ``score`` when few did, as vectors over just those nodes when many
did (nodes a node-only filter rejects are skipped).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from manikit.runtime.scheduler.framework import CycleState
from manikit.runtime.scheduler.nodeinfo import PodInfo
from manikit.runtime.scheduler.vectorised import UsageFilterVector, VectorProfile
from manikit.runtime.scheduler.vectors import Bools, ClusterArrays, Ints

INFEASIBLE = -(1 << 40)  # added to the total of a node that failed a filter
SCALAR_REFRESH_LIMIT = 8
_NO_FAILURE = 1 << 30  # the filter position of a node no node-only filter rejects


class UsageBits:
    """One usage filter's share of a node's failure bits: its reasons, from bit ``offset`` on."""

    def __init__(self, plugin: UsageFilterVector, position: int, offset: int, reasons: tuple[str, ...]):
        self.plugin, self.position, self.offset, self.reasons = plugin, position, offset, reasons
        self.mask = ((1 << len(reasons)) - 1) << offset
        self.bit = {reason: 1 << (offset + k) for k, reason in enumerate(reasons)}


class Template:
    def __init__(self, plan: VectorProfile, cluster: ClusterArrays, info: PodInfo) -> None:
        self.cluster = cluster
        self.info = info
        self.memo: dict[str, Any] = {}
        self.state = CycleState()  # the usage plugins' per-node forms read nothing from it
        self.epoch = 0
        self.usage_filters: list[UsageBits] = []
        offset = 0
        for position, plugin in plan.usage_filters:
            reasons = plugin.usage_reasons(info)
            self.usage_filters.append(UsageBits(plugin, position, offset, reasons))
            offset += len(reasons)
        self.usage_scores = [(p, w) for p, w in plan.usage_scores if not p.skips_score(info)]
        self._node_filters(plan)
        self.node_scores = [(p, w, p.score_nodes(self)) for p, w in plan.node_scores]
        self.refresh_all()
        self.synced = len(cluster.changes)

    # node-only ------------------------------------------------------------------------------------
    def _node_filters(self, plan: VectorProfile) -> None:
        """Per node, the first node-only filter that rejects it: ``failures[-key - 1]`` is its
        (plugin, reasons), ``failure_position`` its place in the profile's filter order."""
        n = self.cluster.size
        key = np.zeros(n, dtype=np.int64)
        self.failures: list[tuple[str, tuple[str, ...]]] = []
        positions: list[int] = []
        for position, plugin in plan.node_filters:
            found = plugin.filter_nodes(self)
            first = (key == 0) & (found.codes > 0)
            key[first] = -(len(self.failures) + found.codes[first])
            self.failures += [(plugin.name, reasons) for reasons in found.reasons]
            positions += [position] * len(found.reasons)
        self.static_key = key
        self.static_ok: Bools = key == 0
        self._static_ok_list: list[bool] = self.static_ok.tolist()
        by_failure = np.array([*positions, _NO_FAILURE], dtype=np.int64)
        self.failure_position: Ints = by_failure[np.where(self.static_ok, len(positions), -key - 1)]

    # usage ----------------------------------------------------------------------------------------
    def refresh_all(self) -> None:
        n = self.cluster.size
        self.bits = np.zeros(n, dtype=np.int64)
        self.usage_values = [np.zeros(n, dtype=np.int64) for _ in self.usage_scores]
        # The per-node forms, bound once: a single node's refresh is on every decision's path.
        self._node_filter_forms = [(u.plugin.filter, u.bit) for u in self.usage_filters]
        self._node_score_forms = [
            (p.score, w, v) for (p, w), v in zip(self.usage_scores, self.usage_values, strict=True)
        ]
        self.res = np.zeros(n, dtype=np.int64)
        self.static = np.zeros(n, dtype=np.int64)
        self.base = np.zeros(n, dtype=np.int64)
        self.feasible = np.zeros(n, dtype=bool)
        self._recompute(np.arange(n, dtype=np.int64))
        self._reweigh()

    def refresh(self) -> None:
        """Catch up with the pods assumed since this template last looked: node by node with the
        plugins' per-node forms when few nodes changed, else as vectors over the changed nodes."""
        changes = self.cluster.changes
        if self.synced == len(changes):
            return
        # Nodes a node-only filter rejects stay rejected, whatever lands on them: skip them.
        static_ok = self._static_ok_list
        dirty = {i for i in changes[self.synced :] if static_ok[i]}
        self.synced = len(changes)
        if not dirty:
            return
        if len(dirty) <= SCALAR_REFRESH_LIMIT:
            changed = False
            for i in dirty:
                changed |= self._refresh_node(i)
        else:
            changed = self._recompute(np.fromiter(sorted(dirty), dtype=np.int64, count=len(dirty)))
        if changed:
            self._reweigh()
        # else base was kept current node by node

    def _recompute(self, ix: Ints) -> bool:
        """Failure bits and usage scores of the nodes ``ix`` as vectors; True if feasibility changed."""
        bits = np.zeros(len(ix), dtype=np.int64)
        for usage in self.usage_filters:
            bits |= usage.plugin.filter_usage(self, ix) << usage.offset
        self.bits[ix] = bits
        res = np.zeros(len(ix), dtype=np.int64)
        for (plugin, weight), values in zip(self.usage_scores, self.usage_values, strict=True):
            scores = plugin.score_usage(self, ix)
            values[ix] = scores
            res += weight * scores
        self.res[ix] = res
        feasible = self.static_ok[ix] & (bits == 0)
        changed = bool((feasible != self.feasible[ix]).any())
        self.feasible[ix] = feasible
        if not changed:
            self.base[ix] = res + self.static[ix]
        return changed

    def _refresh_node(self, i: int) -> bool:
        node, info, state = self.cluster.nodes[i], self.info, self.state
        bits = 0
        for filter_node, bit in self._node_filter_forms:
            for reason in filter_node(state, info, node).reasons:
                bits |= bit[reason]
        self.bits[i] = bits
        res = 0
        for score_node, weight, values in self._node_score_forms:
            score = score_node(state, info, node)
            values[i] = score
            res += weight * score
        self.res[i] = res
        self.base[i] = res + self.static[i]
        feasible = bool(self.static_ok[i]) and bits == 0
        changed = feasible != bool(self.feasible[i])
        self.feasible[i] = feasible
        return changed

    def _reweigh(self) -> None:
        """Scores normalized over the feasible nodes, recomputed when that set changes."""
        self.epoch += 1  # the feasible set changed (see PodTopologySpread's SpreadState)
        f = self.feasible
        self.feasible_count = int(np.count_nonzero(f))
        terms = np.zeros(self.cluster.size, dtype=np.int64)
        self.weighted: list[tuple[str, int, Ints]] = []
        for plugin, weight, raw in self.node_scores:
            normalized = plugin.normalize_nodes(raw, f)
            self.weighted.append((plugin.name, weight, normalized))
            terms += weight * normalized
        for (usage, weight), values in zip(self.usage_scores, self.usage_values, strict=True):
            self.weighted.append((usage.name, weight, values))
        self.static = np.where(f, terms, INFEASIBLE)
        self.base = self.res + self.static  # the total before the per-pod scores

    # verdicts -------------------------------------------------------------------------------------
    def scores_of(self, i: int) -> dict[str, int]:
        """Node ``i``'s weighted score per node-only and usage plugin (skipped plugins left out)."""
        return {name: weight * int(values[i]) for name, weight, values in self.weighted}

    def failure_keys(self) -> Ints:
        """Per node, a key for the failure the first rejecting filter reports: -1 - an index into
        ``failures`` for a node-only filter, else that usage filter's bits."""
        keys = self.static_key.copy()
        position = self.failure_position
        for usage in reversed(self.usage_filters):  # the earliest failing usage filter wins
            local = self.bits & usage.mask
            first = (local != 0) & (usage.position < position)
            keys[first] = local[first]
            if first.any():
                position = np.where(first, usage.position, position)
        return keys

    def explain_key(self, key: int) -> tuple[str, tuple[str, ...]]:
        if key < 0:
            return self.failures[-key - 1]
        usage = next(u for u in self.usage_filters if key & u.mask)
        return usage.plugin.name, tuple(r for r in usage.reasons if key & usage.bit[r])
