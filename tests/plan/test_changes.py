from typing import Any

import pytest

from manikit.errors import PlanError
from manikit.models.workloads import Deployment
from manikit.plan.actions import Action, ObjectKey
from manikit.plan.changes import Desired, plan_changes
from manikit.plan.normalize import comparable, desired_body


def deployment(
    replicas: int | None = 2, cpu: str = "100m", selector: str = "web", **extra: Any
) -> Deployment:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": selector}},
        "template": {
            "metadata": {"labels": {"app": selector}},
            "spec": {
                "containers": [{"name": "web", "image": "nginx:1", "resources": {"requests": {"cpu": cpu}}}]
            },
        },
        **extra,
    }
    if replicas is not None:
        spec["replicas"] = replicas
    return Deployment.model_validate(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": spec,
        }
    )


def recorded(obj: Deployment, rv: str = "7", **meta: Any) -> dict[str, Any]:
    body = desired_body(obj)
    body["metadata"].update(
        {"uid": "u-1", "resourceVersion": rv, "generation": 3, "creationTimestamp": "t"}, **meta
    )
    body["status"] = {"replicas": 2}
    return body


def plan(
    desired: list[Deployment], live: list[dict[str, Any]], prune: bool = False, replace: bool = False
) -> Any:
    items = [Desired(desired_body(d)) for d in desired]
    mapping = {ObjectKey.of(b): b for b in live}
    return plan_changes(
        items,
        mapping,
        mapping.keys(),
        store_id="s",
        base_revision=1,
        applyset="a",
        prune=prune,
        replace={i.key for i in items} if replace else (),
    )


def test_identical_is_empty_even_with_server_fields_and_equal_quantities() -> None:
    assert plan([deployment(cpu="0.1")], [recorded(deployment(cpu="100m"))]).empty


def test_a_default_written_out_is_no_change() -> None:
    explicit = deployment(replicas=1, revisionHistoryLimit=10, progressDeadlineSeconds=600)
    assert plan([explicit], [recorded(deployment(replicas=None))]).empty


def test_update_with_field_changes_and_hidden_count() -> None:
    result = plan([deployment(replicas=5)], [recorded(deployment(replicas=2))])
    (change,) = result.changes
    assert change.action is Action.UPDATE
    assert [(c.path, c.before, c.after) for c in change.changes] == [("spec.replicas", 2, 5)]
    assert change.unchanged_fields > 10
    assert change.resource_version == "7"
    assert result.summary() == "Plan: 0 to add, 1 to change, 0 to destroy."


def test_selector_change_is_refused_as_kubernetes_refuses_it() -> None:
    result = plan([deployment(selector="api")], [recorded(deployment(selector="web"))])
    assert not result.changes
    (refusal,) = result.refusals
    assert refusal.key == ObjectKey("Deployment", "shop", "web")
    assert refusal.reason == "Invalid"
    assert "spec.selector.matchLabels.app: field is immutable" in refusal.message
    assert refusal.message.startswith('The Deployment "web" is invalid: ')
    assert "--replace Deployment/shop/web" in refusal.hint
    assert result.summary().endswith("1 refused by the cluster: nothing will be applied.")


def test_selector_change_with_replace_is_a_replacement() -> None:
    result = plan([deployment(selector="api")], [recorded(deployment(selector="web"))], replace=True)
    assert not result.refusals
    (change,) = result.changes
    assert change.action is Action.REPLACE
    assert "spec.selector.matchLabels.app" in change.replacement_reasons
    assert (
        result.summary() == "Plan: 1 to add, 0 to change, 1 to destroy. (1 to replace: Deployment/shop/web)"
    )


def test_create_and_prune() -> None:
    other = recorded(deployment())
    other["metadata"]["name"] = "old"
    result = plan([deployment()], [other], prune=True)
    assert [(c.key.name, c.action) for c in result.changes] == [
        ("web", Action.CREATE),
        ("old", Action.DELETE),
    ]
    assert "pods (names, nodes, IPs)" in result.changes[0].known_after_apply
    assert not plan([deployment()], [other], prune=False).changes[1:]


def test_prevent_destroy_blocks_delete_and_replace() -> None:
    live = recorded(deployment(), annotations={"manikit.dev/prevent-destroy": "true"})
    with pytest.raises(PlanError, match="prevent-destroy"):
        plan([], [live], prune=True)
    with pytest.raises(PlanError, match="replace"):
        plan([deployment(selector="api")], [live], replace=True)


def test_replace_of_an_unchanged_object_is_still_a_replacement() -> None:
    result = plan([deployment()], [recorded(deployment())], replace=True)
    (change,) = result.changes
    assert change.action is Action.REPLACE and change.changes == ()


def test_allocated_cluster_ip_is_not_a_difference() -> None:
    from manikit.models.service import Service

    svc = Service.model_validate(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "s"},
            "spec": {"type": "NodePort", "selector": {"a": "b"}, "ports": [{"port": 80}]},
        }
    )
    live = desired_body(svc)
    live["spec"]["clusterIP"] = "10.96.0.12"
    live["spec"]["clusterIPs"] = ["10.96.0.12"]
    live["spec"]["ports"][0]["nodePort"] = 30080
    live["metadata"]["resourceVersion"] = "3"
    assert plan([svc], [live]).empty  # type: ignore[list-item]


def test_comparable_drops_bookkeeping() -> None:
    body = recorded(
        deployment(), annotations={"manikit.dev/applyset": "a", "deployment.kubernetes.io/revision": "2"}
    )
    assert "annotations" not in comparable(body)["metadata"]
