"""What one pod template (a distinct pod spec) needs on every node, as vectors.

Static parts (filters that read only the node's labels, taints and cordon; preferred-affinity and
PreferNoSchedule raw scores) are computed once per template by running the plugins' own rule
functions once per *distinct* relevant node shape, not per node. Dynamic parts (resource fit, host
ports, LeastAllocated and BalancedAllocation scores) are computed for all nodes once, then refreshed
only on the nodes that received a pod since: one by one with the plugins' own functions when few
did, as vectors over just those nodes when many did (nodes a static filter rejects are skipped).
"""

from __future__ import annotations

import numpy as np

from manikit.models.node import Taint
from manikit.runtime.scheduler.framework import MAX_NODE_SCORE
from manikit.runtime.scheduler.nodeinfo import PodInfo
from manikit.runtime.scheduler.plugins import balanced_allocation as ba
from manikit.runtime.scheduler.plugins import node_affinity as na
from manikit.runtime.scheduler.plugins import node_name as nn
from manikit.runtime.scheduler.plugins import node_ports as ports
from manikit.runtime.scheduler.plugins import node_resources_fit as fit
from manikit.runtime.scheduler.plugins import node_unschedulable as nu
from manikit.runtime.scheduler.plugins import pod_topology_spread as pts
from manikit.runtime.scheduler.plugins import taint_toleration as tt
from manikit.runtime.scheduler.profile import DEFAULT_SCORES
from manikit.runtime.scheduler.vectors import Bools, ClusterArrays, Ints

WEIGHTS = dict(DEFAULT_SCORES)
#: Static filter codes, in filter order (0 = passes all four). PodTopologySpread's filter only acts
#: on pods with their own constraints, which take the plugin path (see fastpath).
STATIC_FILTERS = (nu.NAME, nn.NAME, tt.NAME, na.NAME)
UNSCHEDULABLE, NODE_NAME, TAINT, AFFINITY = 1, 2, 3, 4
#: Dynamic failure bits: NodePorts, then NodeResourcesFit's reasons (bit 2 onward).
PORTS_BIT = 1
INFEASIBLE = -(1 << 40)  # added to the total of a node that failed a filter
SCALAR_REFRESH_LIMIT = 8


class Template:
    def __init__(self, cluster: ClusterArrays, info: PodInfo) -> None:
        self.cluster = cluster
        self.info = info
        self.host_ports = info.host_ports
        self.balanced = not ba.is_best_effort(info)
        checked = fit.checked_resources(info.requests)
        self.fit_reasons = [fit.REASON_TOO_MANY_PODS] + [
            fit.REASON_INSUFFICIENT.format(resource=r) for r in checked
        ]
        self.reason_bit = {reason: 2 << k for k, reason in enumerate(self.fit_reasons)}
        #: (resource, requested amount, failure bit) for each resource Fit compares.
        self.checked = [
            (r, info.requests[r], self.reason_bit[fit.REASON_INSUFFICIENT.format(resource=r)])
            for r in checked
        ]
        self.epoch = 0
        self._static_filters()
        self.refresh_all()
        self.synced = len(cluster.changes)

    # static ---------------------------------------------------------------------------------------
    def _static_filters(self) -> None:
        c, info, spec = self.cluster, self.info, self.info.pod.spec
        code = np.zeros(c.size, dtype=np.int8)
        if not nu.tolerates_unschedulable(info):
            code[c.unschedulable] = UNSCHEDULABLE
        if spec.node_name:
            wrong = np.array([not nn.fits(info, name) for name in c.names], dtype=bool)
            code[(code == 0) & wrong] = NODE_NAME
        self.taint_reasons = [self._taint_reason(taints) for taints in c.taint_sets]
        taint_fails = np.array([r is not None for r in self.taint_reasons], dtype=bool)
        code[(code == 0) & taint_fails[c.taint_set_of]] = TAINT
        self.affinity_match, self.affinity_raw = self._affinity()
        code[(code == 0) & ~self.affinity_match] = AFFINITY
        self.static_code = code
        self.static_ok: Bools = code == 0
        self._static_ok_list: list[bool] = self.static_ok.tolist()
        prefer = tt.prefer_no_schedule_tolerations(info.tolerations)
        per_set = np.array([tt.intolerable_count(t, prefer) for t in c.taint_sets], dtype=np.int64)
        self.taint_raw: Ints = per_set[c.taint_set_of]

    def _taint_reason(self, taints: tuple[Taint, ...]) -> str | None:
        taint = tt.first_untolerated(taints, self.info.tolerations)
        return None if taint is None else tt.untolerated_reason(taint)

    def _affinity(self) -> tuple[Bools, Ints]:
        """NodeAffinity's filter and raw preferred score, evaluated once per distinct projection of
        the nodes onto the label keys (and, if a term uses matchFields, the name) the pod refers to."""
        c, spec = self.cluster, self.info.pod.spec
        terms = na.preferred_terms(spec)
        keys, by_name = _referenced_keys(self.info)
        columns = [c.label_column(k) for k in keys]
        parts = [codes for codes, _ in columns]
        if by_name:
            parts.append(np.arange(c.size, dtype=np.int32))
        if not parts:
            matches = na.matches_required(spec, {}, "")
            raw = na.preferred_score(terms, {}, "")
            return np.full(c.size, matches, dtype=bool), np.full(c.size, raw, dtype=np.int64)
        rows, inverse = np.unique(np.stack(parts, axis=1), axis=0, return_inverse=True)
        match_rows = np.zeros(len(rows), dtype=bool)
        raw_rows = np.zeros(len(rows), dtype=np.int64)
        for r, row in enumerate(rows):
            codes = row[: len(keys)]
            labels = {
                k: vals[code - 1] for k, (_, vals), code in zip(keys, columns, codes, strict=True) if code
            }
            name = c.names[row[-1]] if by_name else ""
            match_rows[r] = na.matches_required(spec, labels, name)
            raw_rows[r] = na.preferred_score(terms, labels, name)
        inverse = inverse.reshape(-1)
        return match_rows[inverse], raw_rows[inverse]

    # dynamic --------------------------------------------------------------------------------------
    def refresh_all(self) -> None:
        n = self.cluster.size
        self.bits = np.zeros(n, dtype=np.int64)
        self.least = np.zeros(n, dtype=np.int64)
        self.balance = np.zeros(n, dtype=np.int64)
        self.res = np.zeros(n, dtype=np.int64)
        self.static = np.zeros(n, dtype=np.int64)
        self.base = np.zeros(n, dtype=np.int64)
        self.feasible = np.zeros(n, dtype=bool)
        self._recompute(slice(None), set(range(n)) if self.host_ports else set())
        self._reweigh()

    def refresh(self) -> None:
        """Catch up with the pods assumed since this template last looked: node by node with the
        plugins' own functions when few nodes changed, else as vectors over the changed nodes."""
        changes = self.cluster.changes
        if self.synced == len(changes):
            return
        # Nodes a static filter rejects stay rejected, whatever lands on them: skip them.
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
            ix = np.fromiter(sorted(dirty), dtype=np.int64, count=len(dirty))
            changed = self._recompute(ix, dirty)
        if changed:
            self._reweigh()
        # else base was kept current node by node

    def _recompute(self, ix: Ints | slice, dirty: set[int]) -> bool:
        """Fit bits and resource scores of the nodes ``ix`` as vectors; True if feasibility changed."""
        c = self.cluster
        bits = np.where(
            c.pod_count[ix] + 1 > c.allowed_pods[ix], self.reason_bit[fit.REASON_TOO_MANY_PODS], 0
        )
        for resource, wanted, bit in self.checked:
            free = c.allocatable(resource)[ix] - c.requested(resource)[ix]
            bits |= np.where(wanted > free, bit, 0)
        self.bits[ix] = bits
        for i in self._port_candidates() & dirty:
            if not ports.fits(c.nodes[i].used_ports, self.host_ports):
                self.bits[i] |= PORTS_BIT
        self.least[ix] = self._least_allocated(ix)
        if self.balanced:
            self.balance[ix] = self._balanced(ix)
        self.res[ix] = WEIGHTS[fit.NAME] * self.least[ix] + WEIGHTS[ba.NAME] * self.balance[ix]
        feasible = self.static_ok[ix] & (self.bits[ix] == 0)
        changed = bool((feasible != self.feasible[ix]).any())
        self.feasible[ix] = feasible
        if not changed:
            self.base[ix] = self.res[ix] + self.static[ix]
        return changed

    def _port_candidates(self) -> set[int]:
        users = self.cluster.port_users
        return {i for _, protocol, port in self.host_ports for i in users.get((protocol, port), ())}

    def _least_allocated(self, ix: Ints | slice) -> Ints:
        c = self.cluster
        (cpu, cpu_weight), (memory, memory_weight) = fit.SCORED_RESOURCES
        pod_cpu, pod_memory = self.info.non_zero
        if c.all_allocatable(cpu) and c.all_allocatable(memory):
            # Every node has both: no resource drops out of the weighted mean, nothing divides by 0;
            # a request above capacity gives a negative quotient, clipped to upstream's 0.
            alloc = c.allocatable(cpu)[ix]
            cpu_score = np.maximum((alloc - (c.non_zero_cpu[ix] + pod_cpu)) * MAX_NODE_SCORE // alloc, 0)
            alloc = c.allocatable(memory)[ix]
            memory_score = np.maximum(
                (alloc - (c.non_zero_memory[ix] + pod_memory)) * MAX_NODE_SCORE // alloc, 0
            )
            mean: Ints = (cpu_score * cpu_weight + memory_score * memory_weight) // (
                cpu_weight + memory_weight
            )
            return mean
        total: Ints = np.zeros(1, dtype=np.int64)
        weights: Ints = np.zeros(1, dtype=np.int64)
        for (resource, weight), used, wanted in zip(
            fit.SCORED_RESOURCES, (c.non_zero_cpu, c.non_zero_memory), (pod_cpu, pod_memory), strict=True
        ):
            alloc = c.allocatable(resource)[ix]
            requested = used[ix] + wanted
            present = alloc != 0
            fits = present & (requested <= alloc)
            score = np.where(fits, (alloc - requested) * MAX_NODE_SCORE // np.where(present, alloc, 1), 0)
            total = total + score * weight * present
            weights = weights + weight * present
        least: Ints = np.where(weights > 0, total // np.maximum(weights, 1), 0)
        return least

    def _balanced(self, ix: Ints | slice) -> Ints:
        c, requests = self.cluster, self.info.requests
        cpu, memory = ba.RESOURCES
        if c.all_allocatable(cpu) and c.all_allocatable(memory):
            # int64 / float64 converts before dividing, as Go does; fractions capped at 1.
            used_cpu = np.minimum(
                (c.requested(cpu)[ix] + requests.get(cpu, 0)) / c.allocatable_float(cpu)[ix], 1.0
            )
            used_memory = np.minimum(
                (c.requested(memory)[ix] + requests.get(memory, 0)) / c.allocatable_float(memory)[ix], 1.0
            )
            balanced: Ints = ((1 - np.abs((used_cpu - used_memory) / 2)) * MAX_NODE_SCORE).astype(np.int64)
            return balanced
        fractions = []
        presents = []
        for resource in ba.RESOURCES:
            alloc = c.allocatable(resource)[ix]
            present = alloc != 0
            requested = (c.requested(resource)[ix] + requests.get(resource, 0)).astype(np.float64)
            fraction = requested / np.where(present, alloc, 1).astype(np.float64)
            fractions.append(np.minimum(fraction, 1.0))
            presents.append(present)
        both = presents[0] & presents[1]
        std = np.where(both, np.abs((fractions[0] - fractions[1]) / 2), 0.0)
        return ((1 - std) * MAX_NODE_SCORE).astype(np.int64)

    def _refresh_node(self, i: int) -> bool:
        node, info = self.cluster.nodes[i], self.info
        bits = 0
        if self.host_ports and not ports.fits(node.used_ports, self.host_ports):
            bits |= PORTS_BIT
        for reason in fit.insufficient(info.requests, node):
            bits |= self.reason_bit[reason]
        self.bits[i] = bits
        self.least[i] = fit.least_allocated_score(info, node)
        if self.balanced:
            self.balance[i] = ba.balanced_allocation_score(info, node)
        self.res[i] = WEIGHTS[fit.NAME] * self.least[i] + WEIGHTS[ba.NAME] * self.balance[i]
        self.base[i] = self.res[i] + self.static[i]
        feasible = bool(self.static_ok[i]) and bits == 0
        changed = feasible != bool(self.feasible[i])
        self.feasible[i] = feasible
        return changed

    def _reweigh(self) -> None:
        """Scores normalized over the feasible nodes, recomputed when that set changes."""
        self.epoch += 1  # the feasible set changed (see fastpath.SpreadState)
        f = self.feasible
        self.feasible_count = int(np.count_nonzero(f))
        self.all_feasible = self.feasible_count == self.cluster.size
        self.taint_norm = _normalize(self.taint_raw, f, reverse=True)
        self.affinity_norm = _normalize(self.affinity_raw, f, reverse=False)
        self.static_terms = WEIGHTS[tt.NAME] * self.taint_norm + WEIGHTS[na.NAME] * self.affinity_norm
        self.static = np.where(f, self.static_terms, INFEASIBLE)
        self.base = self.res + self.static  # the total before spreading
        zones = np.bincount(self.cluster.zone_of[f], minlength=self.cluster.zone_count)
        self.host_weight = pts.normalizing_weight(self.feasible_count)
        self.zone_weight = pts.normalizing_weight(int(np.count_nonzero(zones)))


def _normalize(raw: Ints, feasible: Bools, reverse: bool) -> Ints:
    """DefaultNormalizeScore over the feasible nodes, as whole vectors."""
    highest = int(raw[feasible].max()) if feasible.any() else 0
    if highest == 0:
        return np.full(raw.shape, MAX_NODE_SCORE if reverse else 0, dtype=np.int64)
    scaled = MAX_NODE_SCORE * raw // highest
    return MAX_NODE_SCORE - scaled if reverse else scaled


def _referenced_keys(info: PodInfo) -> tuple[list[str], bool]:
    """Label keys the pod's nodeSelector and node affinity read, and whether any term reads fields."""
    spec = info.pod.spec
    keys = set(spec.node_selector or {})
    affinity = spec.affinity.node_affinity if spec.affinity else None
    terms = []
    if affinity is not None:
        required = affinity.required_during_scheduling_ignored_during_execution
        terms += required.node_selector_terms if required else []
        terms += [p.preference for p in affinity.preferred_during_scheduling_ignored_during_execution or []]
    keys.update(r.key for t in terms for r in t.match_expressions or [])
    by_name = any(t.match_fields for t in terms)
    return sorted(keys), by_name
