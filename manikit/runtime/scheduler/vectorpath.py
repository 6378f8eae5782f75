"""The vectorised path: a profile's decision for each pod as a handful of whole-node numpy operations
on cached per-template vectors (see ``template.py``), built from the vector forms of the profile's
plugins, instead of a Python loop over every node. It must choose exactly what
``runner.schedule_one`` chooses; tests hold it to that.
"""

from __future__ import annotations

from collections import Counter, OrderedDict

import numpy as np

from manikit.runtime.scheduler.message import UNSCHEDULABLE, fit_error_message_from_counts
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.runner import schedule_one
from manikit.runtime.scheduler.template import Template
from manikit.runtime.scheduler.types import Decision, NodeVerdict
from manikit.runtime.scheduler.vectorised import PodScorer, VectorProfile
from manikit.runtime.scheduler.vectors import ClusterArrays, Ints

#: Bytes of per-node vectors the template cache may hold (a template keeps about 16 int64 vectors);
#: beyond it the least recently used template is dropped and rebuilt if its pods come back.
TEMPLATE_MEMORY_BUDGET = 256 * 2**20
_BYTES_PER_NODE_PER_TEMPLATE = 16 * 8


class VectorScheduler:
    def __init__(self, plan: VectorProfile, nodes: list[NodeInfo]) -> None:
        self.plan = plan
        self.cluster = ClusterArrays(nodes)
        self.templates: OrderedDict[str, Template] = OrderedDict()
        per_template = max(1, self.cluster.size) * _BYTES_PER_NODE_PER_TEMPLATE
        self.max_templates = max(1, TEMPLATE_MEMORY_BUDGET // per_template)
        self.pod_scorers: list[tuple[str, int, PodScorer]] = [
            (plugin.name, weight, plugin.vector_scorer(self.cluster)) for plugin, weight in plan.pod_scores
        ]
        self.score_order = [entry.name for entry in plan.profile.scores]
        # Per pod template, the last failure: reused while the failure keys stay the same.
        self._failures: dict[str, tuple[Ints, str, tuple[NodeVerdict, ...]]] = {}

    def schedule(self, pod: PodInfo) -> Decision:
        if self.cluster.size == 0:
            message = fit_error_message_from_counts(0, Counter())
            return Decision(pod.namespace, pod.name, None, message, reason=UNSCHEDULABLE)
        for plugin in self.plan.covering:
            if not plugin.covers(self.cluster, pod):
                return self._by_plugins(pod)
        template = self._template(pod)
        template.refresh()
        if template.feasible_count == 0:
            return self._failure(pod, template)
        total = template.base
        per_pod: list[tuple[str, Ints]] = []
        for name, weight, scorer in self.pod_scorers:
            scores = scorer.score(template, pod, weight)
            if scores is not None:
                per_pod.append((name, scores))
                total = total + scores
        best = int(np.argmax(total))
        verdict = self._chosen(best, template, per_pod)
        self._assume(best, pod)
        return Decision(pod.namespace, pod.name, verdict.node, "", (verdict,))

    def _by_plugins(self, pod: PodInfo) -> Decision:
        """Pods a plugin's vector form does not cover (their own topologySpreadConstraints or
        inter-pod (anti-)affinity, or another pod's affinity terms select them) depend on other
        pods' labels across the cluster, which the template vectors do not model: they take the
        per-node path, on the same (current) NodeInfos, and their placement is assumed like any other."""
        outcome = schedule_one(self.plan.profile, pod, self.cluster.nodes)
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
        template = self.templates[pod.signature] = Template(self.plan, self.cluster, pod)
        return template

    def _evict(self, signature: str) -> None:
        del self.templates[signature]
        self._failures.pop(signature, None)
        for _, _, scorer in self.pod_scorers:
            scorer.forget(signature)

    def _chosen(self, i: int, template: Template, per_pod: list[tuple[str, Ints]]) -> NodeVerdict:
        found = template.scores_of(i)
        for name, values in per_pod:
            found[name] = int(values[i])
        scores = {name: found[name] for name in self.score_order if name in found}  # profile order
        return NodeVerdict(self.cluster.names[i], True, scores=scores, total=sum(scores.values()))

    def _assume(self, i: int, pod: PodInfo) -> None:
        self.cluster.assume(i, pod)
        for _, _, scorer in self.pod_scorers:
            scorer.assumed(i, pod)

    # failures -------------------------------------------------------------------------------------
    def _failure(self, pod: PodInfo, template: Template) -> Decision:
        """Every node's filter verdict and the FitError message, from the cached keys and bits."""
        keys = template.failure_keys()  # one key per distinct failure
        last = self._failures.get(pod.signature)
        if last is not None and np.array_equal(last[0], keys):
            message, verdicts = last[1], last[2]  # nothing this pod depends on changed since
        else:
            message, verdicts = self._explain(keys, template)
            self._failures[pod.signature] = (keys, message, verdicts)
        return Decision(pod.namespace, pod.name, None, message, verdicts, UNSCHEDULABLE)

    def _explain(self, keys: Ints, template: Template) -> tuple[str, tuple[NodeVerdict, ...]]:
        unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        failures = [template.explain_key(int(k)) for k in unique]
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
