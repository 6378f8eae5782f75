"""A pod's inter-pod (anti-)affinity terms, resolved once: which namespaces each term looks at, its
label selector with matchLabelKeys / mismatchLabelKeys folded in (as the API server does), and
its weight. Terms are matched against other pods by namespace and labels.

Namespace selectors are evaluated against the only namespace label the scheduler can know without
reading Namespace objects, ``kubernetes.io/metadata.name`` (which every namespace carries).
"""

from __future__ import annotations

from dataclasses import dataclass

from manikit.models.pod import Pod
from manikit.models.podextras import PodAffinityTerm, WeightedPodAffinityTerm
from manikit.models.selector import LabelSelector, LabelSelectorRequirement

NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"


@dataclass(frozen=True)
class AffinityTerm:
    topology_key: str
    selector: LabelSelector | None  # None selects no pod
    namespaces: frozenset[str]
    namespace_selector: LabelSelector | None = None
    weight: int = 1

    def matches(self, namespace: str, labels: dict[str, str]) -> bool:
        """Whether a pod in ``namespace`` with ``labels`` is one this term is about."""
        in_namespace = namespace in self.namespaces or (
            self.namespace_selector is not None
            and self.namespace_selector.matches({NAMESPACE_NAME_LABEL: namespace})
        )
        return in_namespace and self.selector is not None and self.selector.matches(labels)


@dataclass(frozen=True)
class PodAffinityTerms:
    required_affinity: tuple[AffinityTerm, ...] = ()
    required_anti_affinity: tuple[AffinityTerm, ...] = ()
    preferred_affinity: tuple[AffinityTerm, ...] = ()
    preferred_anti_affinity: tuple[AffinityTerm, ...] = ()

    def all_terms(self) -> tuple[AffinityTerm, ...]:
        return (
            self.required_affinity
            + self.required_anti_affinity
            + self.preferred_affinity
            + self.preferred_anti_affinity
        )


def pod_affinity_terms(pod: Pod, namespace: str) -> PodAffinityTerms | None:
    """The pod's terms, or None when it has no podAffinity / podAntiAffinity at all."""
    affinity = pod.spec.affinity
    if affinity is None or (affinity.pod_affinity is None and affinity.pod_anti_affinity is None):
        return None
    labels = pod.labels
    positive, negative = affinity.pod_affinity, affinity.pod_anti_affinity

    def required(terms: list[PodAffinityTerm] | None) -> tuple[AffinityTerm, ...]:
        return tuple(_term(t, 1, namespace, labels) for t in terms or [])

    def preferred(terms: list[WeightedPodAffinityTerm] | None) -> tuple[AffinityTerm, ...]:
        return tuple(_term(t.pod_affinity_term, t.weight, namespace, labels) for t in terms or [])

    return PodAffinityTerms(
        required_affinity=required(
            positive.required_during_scheduling_ignored_during_execution if positive else None
        ),
        required_anti_affinity=required(
            negative.required_during_scheduling_ignored_during_execution if negative else None
        ),
        preferred_affinity=preferred(
            positive.preferred_during_scheduling_ignored_during_execution if positive else None
        ),
        preferred_anti_affinity=preferred(
            negative.preferred_during_scheduling_ignored_during_execution if negative else None
        ),
    )


def _term(term: PodAffinityTerm, weight: int, namespace: str, labels: dict[str, str]) -> AffinityTerm:
    namespaces = frozenset(term.namespaces or [])
    if not namespaces and term.namespace_selector is None:
        namespaces = frozenset({namespace})  # neither given: the pod's own namespace
    return AffinityTerm(
        topology_key=term.topology_key,
        selector=_selector(term, labels),
        namespaces=namespaces,
        namespace_selector=term.namespace_selector,
        weight=weight,
    )


def _selector(term: PodAffinityTerm, labels: dict[str, str]) -> LabelSelector | None:
    if term.label_selector is None:
        return None
    extra = [
        LabelSelectorRequirement(key=k, operator="In", values=[labels[k]])
        for k in term.match_label_keys or []
        if k in labels
    ]
    extra += [
        LabelSelectorRequirement(key=k, operator="NotIn", values=[labels[k]])
        for k in term.mismatch_label_keys or []
        if k in labels
    ]
    if not extra:
        return term.label_selector
    selector = term.label_selector
    return LabelSelector(
        match_labels=selector.match_labels, match_expressions=[*(selector.match_expressions or []), *extra]
    )
