"""The fast path: the default profile's decision for each pod as a handful of whole-node numpy
operations on cached per-template vectors (see ``template.py``), instead of a Python loop over
every node. It must choose exactly what ``runner.schedule_one`` chooses; tests hold it to that.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from manikit.runtime.scheduler.framework import MAX_NODE_SCORE
from manikit.runtime.scheduler.message import fit_error_message_from_counts
from manikit.runtime.scheduler.nodeinfo import Group, NodeInfo, PodInfo
from manikit.runtime.scheduler.plugins import balanced_allocation as ba
from manikit.runtime.scheduler.plugins import node_affinity as na
from manikit.runtime.scheduler.plugins import node_name as nn
from manikit.runtime.scheduler.plugins import node_ports as ports
from manikit.runtime.scheduler.plugins import node_resources_fit as fit
from manikit.runtime.scheduler.plugins import node_unschedulable as nu
from manikit.runtime.scheduler.plugins import pod_topology_spread as pts
from manikit.runtime.scheduler.plugins import taint_toleration as tt
from manikit.runtime.scheduler.template import (
    PORTS_BIT,
    STATIC_FILTERS,
    TAINT,
    WEIGHTS,
    Template,
)
from manikit.runtime.scheduler.types import Decision, NodeVerdict
from manikit.runtime.scheduler.vectors import ClusterArrays, Ints

_STATIC_REASONS = {1: nu.REASON_UNSCHEDULABLE, 2: nn.REASON, 3: "", 4: na.REASON_POD}


class ZoneCounts:
    """Per zone, the controller's pods on nodes the template's required affinity admits
    (PodTopologySpread's nodeAffinityPolicy Honor), kept current as pods are assumed."""

    def __init__(self, cluster: ClusterArrays, template: Template, group: Group) -> None:
        counts = cluster.group_counts(group)
        admitted = template.affinity_match
        self.admitted = admitted
        self.counts: Ints = np.bincount(
            cluster.zone_of[admitted], weights=counts[admitted], minlength=cluster.zone_count
        ).astype(np.int64)


class FastScheduler:
    def __init__(self, nodes: list[NodeInfo]) -> None:
        self.cluster = ClusterArrays(nodes)
        self.templates: dict[str, Template] = {}
        self.zone_counts: dict[tuple[str, Group], ZoneCounts] = {}
        self.by_group: dict[Group, list[ZoneCounts]] = {}
        self._verdicts: dict[tuple[int, tuple[str, tuple[str, ...]]], NodeVerdict] = {}

    def run(self, queue: list[PodInfo]) -> list[Decision]:
        return [self.schedule(pod) for pod in queue]

    def schedule(self, pod: PodInfo) -> Decision:
        if self.cluster.size == 0:
            return Decision(pod.namespace, pod.name, None, fit_error_message_from_counts(0, Counter()))
        template = self._template(pod)
        template.refresh()
        if template.feasible_count == 0:
            return self._failure(pod, template)
        total = template.res + template.static
        spread = None
        if template.spreads and pod.group is not None:
            spread = self._spread(pod, pod.group, template)
            total = total + WEIGHTS[pts.NAME] * spread
        best = int(np.argmax(total))
        verdict = self._chosen(best, template, spread)
        self._assume(best, pod)
        return Decision(pod.namespace, pod.name, verdict.node, "", (verdict,))

    def _template(self, pod: PodInfo) -> Template:
        template = self.templates.get(pod.signature)
        if template is None:
            template = self.templates[pod.signature] = Template(self.cluster, pod)
        return template

    def _zone_counts(self, pod: PodInfo, group: Group, template: Template) -> ZoneCounts:
        key = (pod.signature, group)
        counts = self.zone_counts.get(key)
        if counts is None:
            counts = self.zone_counts[key] = ZoneCounts(self.cluster, template, group)
            self.by_group.setdefault(group, []).append(counts)
        return counts

    def _spread(self, pod: PodInfo, group: Group, template: Template) -> Ints:
        """PodTopologySpread's normalized score on every node (infeasible ones are ignored)."""
        c = self.cluster
        zones = self._zone_counts(pod, group, template).counts
        score = c.group_counts(group) * template.host_weight + float(pts.SYSTEM_DEFAULT_CONSTRAINTS[0][1] - 1)
        zone_term = zones[c.zone_of] * template.zone_weight + float(pts.SYSTEM_DEFAULT_CONSTRAINTS[1][1] - 1)
        score = np.where(c.has_zone, score + zone_term, score)
        whole = np.trunc(score)
        rounded = (whole + (score - whole >= 0.5)).astype(np.int64)  # Go's math.Round
        among = rounded if template.all_feasible else rounded[template.feasible]
        low, high = int(among.min()), int(among.max())
        if high == 0:
            return np.full(c.size, MAX_NODE_SCORE, dtype=np.int64)
        normalized: Ints = MAX_NODE_SCORE * (high + low - rounded) // high
        return normalized

    def _chosen(self, i: int, template: Template, spread: Ints | None) -> NodeVerdict:
        scores = {
            tt.NAME: WEIGHTS[tt.NAME] * int(template.taint_norm[i]),
            na.NAME: WEIGHTS[na.NAME] * int(template.affinity_norm[i]),
            fit.NAME: WEIGHTS[fit.NAME] * int(template.least[i]),
        }
        if spread is not None:
            scores[pts.NAME] = WEIGHTS[pts.NAME] * int(spread[i])
        if template.balanced:
            scores[ba.NAME] = WEIGHTS[ba.NAME] * int(template.balance[i])
        return NodeVerdict(self.cluster.names[i], True, scores=scores, total=sum(scores.values()))

    def _assume(self, i: int, pod: PodInfo) -> None:
        self.cluster.assume(i, pod)
        if pod.group is not None:
            zone = self.cluster.zone_of[i]
            for counts in self.by_group.get(pod.group, ()):
                if counts.admitted[i]:
                    counts.counts[zone] += 1

    # failures -------------------------------------------------------------------------------------
    def _failure(self, pod: PodInfo, template: Template) -> Decision:
        """Every node's filter verdict and the FitError message, from the cached codes and bits."""
        c = self.cluster
        # One key per distinct failure: static code (taints by taint set), else the dynamic bits.
        code = template.static_code.astype(np.int64)
        keys = np.where(
            code == TAINT, -1 - c.taint_set_of, np.where(code > 0, -1_000_000 - code, template.bits)
        )
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        failures = [self._explain_key(int(k), template) for k in unique]
        histogram: Counter[str] = Counter()
        for (_, reasons), count in zip(failures, counts, strict=True):
            for reason in reasons:
                histogram[reason] += int(count)
        message = fit_error_message_from_counts(c.size, histogram)
        verdicts = tuple(self._verdict(i, failures[k]) for i, k in enumerate(inverse.reshape(-1).tolist()))
        return Decision(pod.namespace, pod.name, None, message, verdicts)

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

    def _verdict(self, i: int, failure: tuple[str, tuple[str, ...]]) -> NodeVerdict:
        key = (i, failure)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = NodeVerdict(self.cluster.names[i], False, *failure)
        return verdict
