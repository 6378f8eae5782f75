import pytest
from pydantic import ValidationError

from manikit.models.pod import NodeSelectorRequirement, Toleration
from manikit.models.selector import LabelSelector, LabelSelectorRequirement, parse_selector, selector_matches


@pytest.mark.parametrize(
    ("selector", "labels", "expected"),
    [
        ({"matchLabels": {"app": "web"}}, {"app": "web", "x": "y"}, True),
        ({"matchLabels": {"app": "web"}}, {"app": "db"}, False),
        (
            {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]},
            {"tier": "b"},
            True,
        ),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["a"]}]}, {}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "Exists"}]}, {"tier": ""}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "DoesNotExist"}]}, {"tier": "x"}, False),
        ({}, {"anything": "x"}, True),
    ],
)
def test_label_selector(selector: dict[str, object], labels: dict[str, str], expected: bool) -> None:
    assert LabelSelector.model_validate(selector).matches(labels) is expected


def test_operator_values_rules() -> None:
    with pytest.raises(ValidationError):
        LabelSelectorRequirement.model_validate({"key": "a", "operator": "In"})
    with pytest.raises(ValidationError):
        LabelSelectorRequirement.model_validate({"key": "a", "operator": "Exists", "values": ["x"]})


def test_service_selector_empty_selects_nothing() -> None:
    assert not selector_matches({}, {"a": "b"})
    assert selector_matches({"a": "b"}, {"a": "b", "c": "d"})


def test_parse_kubectl_selector() -> None:
    sel = parse_selector("app=web,tier!=db,env in (prod, stage),!legacy,team")
    assert sel.matches({"app": "web", "env": "prod", "team": "x"})
    assert not sel.matches({"app": "web", "env": "dev", "team": "x"})
    assert not sel.matches({"app": "web", "env": "prod", "team": "x", "legacy": "1"})


@pytest.mark.parametrize(
    ("op", "values", "labels", "expected"),
    [("Gt", ["3"], {"k": "4"}, True), ("Lt", ["3"], {"k": "4"}, False), ("Gt", ["3"], {"k": "x"}, False)],
)
def test_node_selector_numeric_operators(
    op: str, values: list[str], labels: dict[str, str], expected: bool
) -> None:
    req = NodeSelectorRequirement.model_validate({"key": "k", "operator": op, "values": values})
    assert req.matches(labels) is expected


@pytest.mark.parametrize(
    ("toleration", "taint", "expected"),
    [
        (
            {"key": "a", "operator": "Equal", "value": "b", "effect": "NoSchedule"},
            ("a", "b", "NoSchedule"),
            True,
        ),
        ({"key": "a", "operator": "Equal", "value": "c"}, ("a", "b", "NoSchedule"), False),
        ({"operator": "Exists"}, ("any", "thing", "NoExecute"), True),
        ({"key": "a", "operator": "Exists", "effect": "NoExecute"}, ("a", "b", "NoSchedule"), False),
        ({"key": "a", "value": "b"}, ("a", "b", "PreferNoSchedule"), True),
    ],
)
def test_tolerations(toleration: dict[str, str], taint: tuple[str, str, str], expected: bool) -> None:
    assert Toleration.model_validate(toleration).tolerates(*taint) is expected
