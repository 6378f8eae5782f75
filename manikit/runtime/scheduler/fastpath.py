"""The fast path: the default profile's decision for each pod as a handful of whole-node numpy
operations on cached per-template vectors (see ``template.py``), instead of a Python loop over
every node. It must choose exactly what ``runner.schedule_one`` chooses; tests hold it to that.
"""

from __future__ import annotations

from collections import Counter, OrderedDict

import numpy as np

from manikit.runtime.scheduler.framework import MAX_NODE_SCORE
from manikit.runtime.scheduler.message import UNSCHEDULABLE, fit_error_message_from_counts
from manikit.runtime.scheduler.nodeinfo import Group, NodeInfo, PodInfo
from manikit.runtime.scheduler.plugins import balanced_allocation as ba
from manikit.runtime.scheduler.plugins import node_affinity as na
from manikit.runtime.scheduler.plugins import node_name as nn
from manikit.runtime.scheduler.plugins import node_ports as ports
from manikit.runtime.scheduler.plugins import node_resources_fit as fit
from manikit.runtime.scheduler.plugins import node_unschedulable as nu
from manikit.runtime.scheduler.plugins import pod_topology_spread as pts
from manikit.runtime.scheduler.plugins import taint_toleration as tt
from manikit.runtime.scheduler.profile import DEFAULT_PROFILE
from manikit.runtime.scheduler.runner import schedule_one
from manikit.runtime.scheduler.template import (
    PORTS_BIT,
    STATIC_FILTERS,
    TAINT,
    WEIGHTS,
    Template,
)
from manikit.runtime.scheduler.types import Decision, NodeVerdict
from manikit.runtime.scheduler.vectors import ClusterArrays, GroupCounts, Ints

_STATIC_REASONS = {1: nu.REASON_UNSCHEDULABLE, 2: nn.REASON, 3: "", 4: na.REASON_POD}


class SpreadState:
    """For one template and one controller: per zone, the controller's pods on nodes the template's
    required affinity admits (PodTopologySpread's nodeAffinityPolicy Honor), and how many feasible
    nodes sit in each (zone row, pod count) cell of the spread table - both kept current as pods are
    assumed, so a decision never scans the nodes for a minimum or maximum."""

    def __init__(self, cluster: ClusterArrays, template: Template, group: Group) -> None:
        counts = cluster.group(group).counts
        self.template = template
        self.admitted = template.affinity_match
        self.zones: Ints = np.bincount(
            cluster.zone_of[self.admitted], weights=counts[self.admitted], minlength=cluster.zone_count
        ).astype(np.int64)
        self.cells: Ints | None = None
        self.cells_epoch = -1
        self.cells_width = 0

    def feasible_cells(self, group: GroupCounts) -> Ints:
        template = self.template
        if self.cells is None or self.cells_epoch != template.epoch or self.cells_width != group.width:
            size = (len(self.zones) + 1) * group.width
            self.cells = np.bincount(group.index[template.feasible], minlength=size).astype(np.int64)
            self.cells_epoch, self.cells_width = template.epoch, group.width
        return self.cells

    def moved(self, i: int, zone: int, group: GroupCounts) -> None:
        """A pod of the controller landed on node ``i`` (its count there is already raised)."""
        if self.admitted[i]:
            self.zones[zone] += 1
        if self.cells is not None and self.cells_width == group.width and self.template.feasible[i]:
            new = int(group.index[i])
            self.cells[new - 1] -= 1
            self.cells[new] += 1


#: Bytes of per-node vectors the template cache may hold (a template keeps about 16 int64 vectors);
#: beyond it the least recently used template is dropped and rebuilt if its pods come back.
TEMPLATE_MEMORY_BUDGET = 256 * 2**20
_BYTES_PER_NODE_PER_TEMPLATE = 16 * 8


class FastScheduler:
    def __init__(self, nodes: list[NodeInfo]) -> None:
        self.cluster = ClusterArrays(nodes)
        self.templates: OrderedDict[str, Template] = OrderedDict()
        per_template = max(1, self.cluster.size) * _BYTES_PER_NODE_PER_TEMPLATE
        self.max_templates = max(1, TEMPLATE_MEMORY_BUDGET // per_template)
        self.spreads: dict[tuple[str, Group], SpreadState] = {}
        self.by_group: dict[Group, list[SpreadState]] = {}
        # Per pod template, the last failure: reused while the failure keys stay the same.
        self._failures: dict[str, tuple[Ints, str, tuple[NodeVerdict, ...]]] = {}

    def schedule(self, pod: PodInfo) -> Decision:
        if self.cluster.size == 0:
            message = fit_error_message_from_counts(0, Counter())
            return Decision(pod.namespace, pod.name, None, message, reason=UNSCHEDULABLE)
        if (
            pod.pod.spec.topology_spread_constraints
            or pod.affinity is not None
            or self.cluster.concerned_by_affinity(pod)
        ):
            return self._by_plugins(pod)
        template = self._template(pod)
        template.refresh()
        if template.feasible_count == 0:
            return self._failure(pod, template)
        total = template.base
        spread = None
        if pod.group is not None and pts.applies(pod):  # the controller is the pod's, not the template's
            spread = self._spread(pod, pod.group, template)
            total = total + spread
        best = int(np.argmax(total))
        verdict = self._chosen(best, template, spread)
        self._assume(best, pod)
        return Decision(pod.namespace, pod.name, verdict.node, "", (verdict,))

    def _by_plugins(self, pod: PodInfo) -> Decision:
        """Pods with their own topologySpreadConstraints or inter-pod (anti-)affinity, and pods that
        another pod's affinity terms select, depend on other pods' labels across the cluster, which
        the template vectors do not model: they take the plugin path, on the same (current)
        NodeInfos, and their placement is assumed like any other."""
        outcome = schedule_one(DEFAULT_PROFILE, pod, self.cluster.nodes)
        if outcome.node is None:
            return Decision(pod.namespace, pod.name, None, outcome.message, outcome.verdicts, UNSCHEDULABLE)
        chosen = next(v for v in outcome.verdicts if v.node == outcome.node)
        self._assume(self.cluster.index[outcome.node], pod)
        return Decision(pod.namespace, pod.name, outcome.node, "", (chosen,))

    def _template(self, pod: PodInfo) -> Template:
        template = self.templates.get(pod.signature)
        if template is not None:
            self.templates.move_to_end(pod.signature)
            return template
        if len(self.templates) >= self.max_templates:
            self._evict(next(iter(self.templates)))
        template = self.templates[pod.signature] = Template(self.cluster, pod)
        return template

    def _evict(self, signature: str) -> None:
        del self.templates[signature]
        self._failures.pop(signature, None)
        for key in [k for k in self.spreads if k[0] == signature]:
            dropped = self.spreads.pop(key)
            self.by_group[key[1]] = [z for z in self.by_group[key[1]] if z is not dropped]

    def _spread_state(self, pod: PodInfo, group: Group, template: Template) -> SpreadState:
        key = (pod.signature, group)
        state = self.spreads.get(key)
        if state is None:
            state = self.spreads[key] = SpreadState(self.cluster, template, group)
            self.by_group.setdefault(group, []).append(state)
        return state

    def _spread(self, pod: PodInfo, group: Group, template: Template) -> Ints:
        """PodTopologySpread's weighted, normalized score on every node (infeasible ones ignored).

        A node's raw score depends only on its zone row and its count of the controller's pods, so
        the float arithmetic runs on a small (zones + 1) x counts table, with the same IEEE
        operations as the plugin's score; the nodes then only gather from it.
        """
        c = self.cluster
        counts = c.group(group)
        state = self._spread_state(pod, group, template)
        zones = state.zones
        (_, host_skew), (_, zone_skew) = pts.SYSTEM_DEFAULT_CONSTRAINTS
        used = counts.highest + 1
        host = np.arange(used, dtype=np.float64) * template.host_weight + float(host_skew - 1)
        zone = zones * template.zone_weight + float(zone_skew - 1)
        table = np.zeros((c.zone_count + 1, counts.width), dtype=np.float64)
        table[: c.zone_count, :used] = host[None, :] + zone[:, None]
        table[c.zone_count, :used] = host
        fraction, whole = np.modf(table)
        rounded = (whole + (fraction >= 0.5)).astype(np.int64).ravel()  # Go's math.Round
        among = rounded[np.flatnonzero(state.feasible_cells(counts))]  # the cells feasible nodes occupy
        low, high = int(among.min()), int(among.max())
        if high == 0:
            return np.full(c.size, WEIGHTS[pts.NAME] * MAX_NODE_SCORE, dtype=np.int64)
        normalized = WEIGHTS[pts.NAME] * (MAX_NODE_SCORE * (high + low - rounded) // high)
        weighted: Ints = normalized[counts.index]
        return weighted

    def _chosen(self, i: int, template: Template, spread: Ints | None) -> NodeVerdict:
        scores = {
            tt.NAME: WEIGHTS[tt.NAME] * int(template.taint_norm[i]),
            na.NAME: WEIGHTS[na.NAME] * int(template.affinity_norm[i]),
            fit.NAME: WEIGHTS[fit.NAME] * int(template.least[i]),
        }
        if spread is not None:
            scores[pts.NAME] = int(spread[i])
        if template.balanced:
            scores[ba.NAME] = WEIGHTS[ba.NAME] * int(template.balance[i])
        return NodeVerdict(self.cluster.names[i], True, scores=scores, total=sum(scores.values()))

    def _assume(self, i: int, pod: PodInfo) -> None:
        self.cluster.assume(i, pod)
        if pod.group is not None:
            zone = int(self.cluster.zone_of[i])
            group = self.cluster.group(pod.group) if pod.group in self.by_group else None
            for state in self.by_group.get(pod.group, ()):
                assert group is not None
                state.moved(i, zone, group)

    # failures -------------------------------------------------------------------------------------
    def _failure(self, pod: PodInfo, template: Template) -> Decision:
        """Every node's filter verdict and the FitError message, from the cached codes and bits."""
        c = self.cluster
        # One key per distinct failure: static code (taints by taint set), else the dynamic bits.
        code = template.static_code.astype(np.int64)
        keys = np.where(
            code == TAINT, -1 - c.taint_set_of, np.where(code > 0, -1_000_000 - code, template.bits)
        )
        last = self._failures.get(pod.signature)
        if last is not None and np.array_equal(last[0], keys):
            message, verdicts = last[1], last[2]  # nothing this pod depends on changed since
        else:
            message, verdicts = self._explain(keys, template)
            self._failures[pod.signature] = (keys, message, verdicts)
        return Decision(pod.namespace, pod.name, None, message, verdicts, UNSCHEDULABLE)

    def _explain(self, keys: Ints, template: Template) -> tuple[str, tuple[NodeVerdict, ...]]:
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        failures = [self._explain_key(int(k), template) for k in unique]
        histogram: Counter[str] = Counter()
        for (_, reasons), count in zip(failures, counts, strict=True):
            for reason in reasons:
                histogram[reason] += int(count)
        message = fit_error_message_from_counts(self.cluster.size, histogram)
        names = self.cluster.names
        verdicts = tuple(
            NodeVerdict(names[i], False, *failures[k]) for i, k in enumerate(inverse.reshape(-1).tolist())
        )
        return message, verdicts

    def _explain_key(self, key: int, template: Template) -> tuple[str, tuple[str, ...]]:
        if key <= -1_000_000:
            code = -1_000_000 - key
            return STATIC_FILTERS[code - 1], (_STATIC_REASONS[code],)
        if key < 0:
            reason = template.taint_reasons[-1 - key]
            assert reason is not None
            return tt.NAME, (reason,)
        if key & PORTS_BIT:
            return ports.NAME, (ports.REASON,)
        return fit.NAME, tuple(r for r in template.fit_reasons if key & template.reason_bit[r])
