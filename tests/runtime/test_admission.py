"""Admission uses validation's rules: every mutant the API server rejects is refused by the local
API with kubectl's wording, and nothing is written; every mutant it accepts is created."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.errors import InvalidError
from manikit.runtime.api import Api
from tests.runtime.control_plane import new_api
from tests.validate.mutations.table import MUTATIONS, Mutation
from tests.validate.mutations.test_mutations import mutate

SERVER_SIDE = [m for m in MUTATIONS if m.bullet != "kind"]  # kubectl itself refuses an unknown kind


def _api(namespaces: tuple[str, ...] = ("shop", "shop-staging")) -> Api:
    api = new_api(nodes=False)
    for name in namespaces:
        api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
    return api


def _create(api: Api, data: dict[str, Any]) -> None:
    api.create(data)


@pytest.mark.parametrize("mutation", SERVER_SIDE, ids=[m.id for m in SERVER_SIDE])
def test_admission_judges_each_mutant_as_validation_does(mutation: Mutation) -> None:
    api = _api(() if mutation.base == "ns" else ("shop", "shop-staging"))
    before = api.revision()
    data = mutate(mutation)
    if mutation.verdict == "A":
        _create(api, data)
        assert api.revision() > before
        return
    with pytest.raises(InvalidError) as caught:
        _create(api, data)
    assert api.revision() == before  # nothing written
    assert caught.value.kubectl_message().startswith(f'The {data["kind"]} "')


def test_kubectl_form_lists_every_cause() -> None:
    api = _api()
    data = mutate(next(m for m in MUTATIONS if m.id == "surge-and-unavailable-zero"))
    data["spec"]["template"]["spec"]["containers"][0].pop("image")
    with pytest.raises(InvalidError) as caught:
        api.create(data)
    assert caught.value.kubectl_message() == (
        'The Deployment "web" is invalid:\n'
        "* spec.template.spec.containers[0].image: Required value\n"
        "* spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"
    )
    causes = caught.value.to_status()["details"]["causes"]
    assert causes == [
        {
            "reason": "FieldValueRequired",
            "message": "Required value",
            "field": "spec.template.spec.containers[0].image",
        },
        {
            "reason": "FieldValueInvalid",
            "message": "Invalid value: 0: may not be 0 when `maxSurge` is 0",
            "field": "spec.strategy.rollingUpdate.maxUnavailable",
        },
    ]
    assert str(caught.value).startswith('Deployment.apps "web" is invalid: [spec.template')


def test_update_to_an_invalid_object_is_refused_and_the_old_one_kept() -> None:
    api = _api()
    good = mutate(next(m for m in MUTATIONS if m.id == "replicas-zero"))
    api.create(good)
    stored = api.get("Deployment", "web", "shop")
    bad = mutate(next(m for m in MUTATIONS if m.id == "request-above-limit-cpu"))
    with pytest.raises(InvalidError, match=r"must be less than or equal to cpu limit of 1"):
        api.update(bad)
    assert api.get("Deployment", "web", "shop") == stored


def test_immutable_selector_is_refused_in_kubectl_words() -> None:
    api = _api()
    api.create(mutate(next(m for m in MUTATIONS if m.id == "replicas-zero")))
    changed = mutate(next(m for m in MUTATIONS if m.id == "selector-two-labels-both-in-template"))
    with pytest.raises(InvalidError) as caught:
        api.update(changed)
    assert caught.value.kubectl_message() == (
        'The Deployment "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:'
        'map[string]string{"app":"web", "tier":"frontend"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
        "field is immutable"
    )
