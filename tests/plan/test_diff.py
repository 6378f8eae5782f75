from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from manikit.plan.diff import diff


def pod(**container: Any) -> dict[str, Any]:
    base = {
        "name": "web",
        "image": "nginx:1",
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
    }
    return {"spec": {"template": {"spec": {"containers": [{**base, **container}]}}}}


def test_paths_use_keys_not_indexes() -> None:
    before = pod()
    after = pod(env=[{"name": "A", "value": "1"}, {"name": "B", "value": "3"}])
    assert [(c.path, c.before, c.after) for c in diff(before, after)] == [
        ("spec.template.spec.containers[name=web].env[name=B].value", "2", "3")
    ]


def test_env_reorder_is_one_change() -> None:
    after = pod(env=[{"name": "B", "value": "2"}, {"name": "A", "value": "1"}])
    changes = diff(pod(), after)
    assert [(c.path, c.kind, c.before, c.after) for c in changes] == [
        ("spec.template.spec.containers[name=web].env", "reorder", ["A", "B"], ["B", "A"])
    ]


def test_insert_in_the_middle_is_one_add_not_a_cascade() -> None:
    after = pod(env=[{"name": "A", "value": "1"}, {"name": "X", "value": "9"}, {"name": "B", "value": "2"}])
    changes = diff(pod(), after)
    assert [(c.path, c.kind) for c in changes] == [
        ("spec.template.spec.containers[name=web].env[name=X]", "add")
    ]


@pytest.mark.parametrize(
    ("field", "before", "after", "path"),
    [
        (
            "ports",
            [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"}],
            [
                {"containerPort": 53, "protocol": "UDP", "name": "dns"},
                {"containerPort": 80, "protocol": "TCP"},
            ],
            "x.ports[containerPort=53,protocol=UDP].name",
        ),
        (
            "tolerations",
            [{"key": "a", "operator": "Exists", "effect": "NoSchedule"}],
            [{"key": "a", "operator": "Exists", "effect": "NoSchedule", "tolerationSeconds": 5}],
            "x.tolerations[key=a,operator=Exists,effect=NoSchedule].tolerationSeconds",
        ),
    ],
)
def test_keyed_lists(field: str, before: list[Any], after: list[Any], path: str) -> None:
    changes = diff({"x": {field: before}}, {"x": {field: after}})
    assert path in [c.path for c in changes]


def test_unkeyed_lists_are_values() -> None:
    changes = diff({"args": ["a", "b"]}, {"args": ["b", "a"]})
    assert [(c.path, c.kind) for c in changes] == [("args", "change")]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3),
    max_leaves=15,
)


@given(json_values)
def test_diff_of_a_value_with_itself_is_empty(value: Any) -> None:
    assert diff(value, value) == []


@given(json_values, json_values)
def test_a_difference_is_found_whenever_values_differ(a: Any, b: Any) -> None:
    assert (diff(a, b) == []) == (a == b)
