"""InputSet.selected_by (indexed, each Service's answer kept) against the plain definition: the pods
of the Service's namespace whose labels include its whole selector."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.lint.facts import InputSet, PodFact, ServiceFact
from manikit.lint.findings import DocRef

_NAMESPACES = st.sampled_from(["a", "b"])
_LABELS = st.dictionaries(st.sampled_from(["app", "tier", "x"]), st.sampled_from(["1", "2", ""]), max_size=3)


def _pod(i: int, namespace: str, labels: dict[str, str]) -> PodFact:
    return PodFact(DocRef("f.yaml", i, (), f"Pod/{i}"), "Pod", namespace, labels, frozenset())


def _service(i: int, namespace: str, selector: dict[str, str]) -> ServiceFact:
    return ServiceFact(DocRef("f.yaml", 1000 + i, (), f"Service/{i}"), namespace, selector, ())


def _plain(inputs: InputSet, service: ServiceFact) -> list[PodFact]:
    return [
        p
        for p in inputs.pods
        if service.selector
        and p.namespace == service.namespace
        and all(p.labels.get(k) == v for k, v in service.selector.items())
    ]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(_NAMESPACES, _LABELS), max_size=12),
    st.lists(st.tuples(_NAMESPACES, _LABELS), min_size=1, max_size=6),
    st.lists(st.tuples(_NAMESPACES, _LABELS), max_size=6),
)
def test_selected_by_is_the_plain_filter_also_after_extend(pods, services, more_pods) -> None:
    inputs = InputSet()
    inputs.pods.extend(_pod(i, ns, labels) for i, (ns, labels) in enumerate(pods))
    inputs.services.extend(_service(i, ns, sel) for i, (ns, sel) in enumerate(services))
    for service in inputs.services:
        assert inputs.selected_by(service) == _plain(inputs, service)
        assert inputs.selected_by(service) == _plain(inputs, service)  # asked again: the kept answer
    inputs.extend(InputSet(pods=[_pod(100 + i, ns, labels) for i, (ns, labels) in enumerate(more_pods)]))
    for service in inputs.services:  # more pods: nothing kept from before answers
        assert inputs.selected_by(service) == _plain(inputs, service)


def test_an_equal_but_other_service_fact_is_answered_for_itself() -> None:
    inputs = InputSet(pods=[_pod(0, "a", {"app": "1"})])
    first = _service(0, "a", {"app": "1"})
    assert inputs.selected_by(first) == inputs.pods
    other = _service(0, "b", {"app": "1"})
    assert inputs.selected_by(other) == []
