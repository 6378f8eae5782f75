"""The kinds' registry: the one place that says what is immutable, allocated and valid per kind."""

from __future__ import annotations

import pytest

from manikit.kinds import registry
from manikit.kinds.field import ROOT, invalid, raw, show
from manikit.kinds.resources import pod_requests
from manikit.models.pod import PodSpec
from manikit.models.registry import KINDS


def test_every_modelled_kind_has_rules() -> None:
    assert {info.kind for info in KINDS.values()} == set(registry.KIND_RULES)


@pytest.mark.parametrize("kind", list(registry.KIND_RULES))
def test_each_kinds_module_holds_that_kinds_rules(kind: str) -> None:
    """The table names a module per kind and imports it on first look-up: the module must be that kind's."""
    rules = registry.KIND_RULES[kind]
    assert rules.kind == kind
    assert registry.KIND_RULES.get(kind) is rules  # loaded once


def test_a_kind_listed_twice_fails_loudly() -> None:
    with pytest.raises(ValueError, match="rules twice"):
        registry.KindRulesTable([("Pod", "pod"), ("Pod", "pod")])


def test_a_module_of_another_kind_is_a_wiring_error() -> None:
    table = registry.KindRulesTable([("Pod", "service")])
    with pytest.raises(LookupError, match=r"manikit\.kinds\.service has the rules of Service, not of Pod"):
        table["Pod"]
    assert table.get("Unknown") is None


@pytest.mark.parametrize(
    ("kind", "path", "change", "before", "replaces"),
    [
        ("Deployment", "spec.selector.matchLabels.app", "change", {}, True),
        ("Deployment", "spec.replicas", "change", {}, False),
        ("ReplicaSet", "spec.selector", "change", {}, True),
        ("Pod", "spec.containers[name=web].image", "change", {}, False),
        ("Pod", "spec.containers[name=web].env", "change", {}, True),
        ("Pod", "spec.tolerations[0]", "add", {}, False),
        ("Pod", "spec.tolerations[0]", "remove", {}, True),
        ("Pod", "metadata.labels.app", "change", {}, False),
        ("Service", "spec.clusterIP", "change", {"spec": {"clusterIP": "10.96.0.10"}}, True),
        ("Service", "spec.clusterIP", "change", {"spec": {}}, False),
        ("Namespace", "metadata.labels.team", "change", {}, False),
    ],
)
def test_forces_replacement(
    kind: str, path: str, change: str, before: dict[str, object], replaces: bool
) -> None:
    assert registry.forces_replacement(kind, path, change, before) is replaces


def test_allocated_fields_survive_an_update() -> None:
    old = {
        "spec": {
            "clusterIP": "10.96.0.10",
            "type": "NodePort",
            "ports": [{"port": 80, "protocol": "TCP", "nodePort": 30001}],
        }
    }
    new = {"spec": {"type": "NodePort", "ports": [{"port": 80, "protocol": "TCP"}]}}
    registry.keep_allocated("Service", old, new)
    assert new["spec"]["clusterIP"] == "10.96.0.10" and new["spec"]["ports"][0]["nodePort"] == 30001
    assert ("spec", "nodeName") in registry.allocated_fields("Pod")


def test_immutable_selector_error_in_server_words() -> None:
    old = {"spec": {"selector": {"matchLabels": {"app": "web"}}}}
    new = {"spec": {"selector": {"matchLabels": {"app": "api"}}}}
    errors = registry.validate_update("Deployment", old, new)
    assert [str(e) for e in errors] == [
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"api"}, '
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    ]
    assert registry.validate_update("Deployment", old, old) == []


def test_field_error_wording() -> None:
    at = ROOT.child("spec", "containers").index(0).child("resources", "limits").key("cpu")
    assert at.text == "spec.containers[0].resources.limits[cpu]"
    assert at.data == ("spec", "containers", 0, "resources", "limits", "cpu")
    assert str(invalid(at, "x", "bad")) == 'spec.containers[0].resources.limits[cpu]: Invalid value: "x": bad'
    assert show(3) == "3" and show(None) == "null" and raw("v1.X{}") == "v1.X{}"


def test_pod_requests_count_sidecars_and_init_max() -> None:
    spec = PodSpec.model_validate(
        {
            "initContainers": [
                {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "100m"}}},
                {"name": "migrate", "resources": {"requests": {"cpu": "2"}}},
            ],
            "containers": [{"name": "app", "resources": {"limits": {"cpu": "500m"}}}],
            "overhead": {"cpu": "10m"},
        }
    )
    assert str(pod_requests(spec)["cpu"].canonical()) == "2110m"  # migrate after the proxy: 2.1, + overhead
    assert "cpu" in pod_requests(spec, pod_defaults=True)
    assert pod_requests(spec, pod_defaults=False)["cpu"].canonical() == "2110m"
