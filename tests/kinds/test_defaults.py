import pytest

from manikit.kinds.podspec import pull_policy_for
from manikit.kinds.registry import apply_defaults
from manikit.models.namespace import Namespace
from manikit.models.pod import Pod
from manikit.models.quantity import Quantity
from manikit.models.service import Service
from manikit.models.workloads import Deployment, ReplicaSet

POD_TEMPLATE = {
    "metadata": {"labels": {"app": "web"}},
    "spec": {"containers": [{"name": "web", "image": "nginx:1.25", "ports": [{"containerPort": 80}]}]},
}


def deployment(**spec: object) -> Deployment:
    return Deployment.model_validate(
        {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {"name": "web"},
            "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": POD_TEMPLATE, **spec},
        }
    )


def test_deployment_defaults_as_the_api_server() -> None:
    d = apply_defaults(deployment())
    assert d.metadata.namespace == "default"
    assert d.spec.replicas == 1
    assert d.spec.strategy is not None and d.spec.strategy.type == "RollingUpdate"
    assert d.spec.strategy.rolling_update is not None
    assert (d.spec.strategy.rolling_update.max_surge, d.spec.strategy.rolling_update.max_unavailable) == (
        "25%",
        "25%",
    )
    assert d.spec.revision_history_limit == 10
    assert d.spec.progress_deadline_seconds == 600
    pod = d.spec.template.spec
    assert pod.restart_policy == "Always"
    assert pod.containers[0].image_pull_policy == "IfNotPresent"
    assert pod.containers[0].ports is not None and pod.containers[0].ports[0].protocol == "TCP"


def test_recreate_strategy_gets_no_rolling_update() -> None:
    d = apply_defaults(deployment(strategy={"type": "Recreate"}))
    assert d.spec.strategy is not None and d.spec.strategy.rolling_update is None


def test_defaulting_does_not_touch_the_input_and_is_idempotent() -> None:
    original = deployment()
    once = apply_defaults(original)
    assert original.spec.replicas is None
    assert apply_defaults(once) == once


def test_writing_a_default_explicitly_changes_nothing() -> None:
    explicit = deployment(
        replicas=1,
        revisionHistoryLimit=10,
        progressDeadlineSeconds=600,
        strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
    )
    assert apply_defaults(explicit).to_k8s() == apply_defaults(deployment()).to_k8s()


def test_service_defaults() -> None:
    svc = apply_defaults(
        Service.model_validate(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "s"},
                "spec": {"ports": [{"port": 80}]},
            }
        )
    )
    assert svc.spec.type == "ClusterIP"
    assert svc.spec.session_affinity == "None"
    assert svc.spec.ports is not None
    assert svc.spec.ports[0].protocol == "TCP"
    assert svc.spec.ports[0].target_port == 80


def test_pod_requests_copied_from_limits_but_not_for_templates() -> None:
    container = {"name": "a", "image": "x:1", "resources": {"limits": {"cpu": "1", "memory": "1Gi"}}}
    pod = apply_defaults(
        Pod.model_validate(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p"},
                "spec": {"containers": [container]},
            }
        )
    )
    assert pod.spec.containers[0].requests() == {"cpu": Quantity("1"), "memory": Quantity("1Gi")}
    rs = apply_defaults(
        ReplicaSet.model_validate(
            {
                "apiVersion": "apps/v1",
                "kind": "ReplicaSet",
                "metadata": {"name": "r"},
                "spec": {
                    "selector": {"matchLabels": {"a": "b"}},
                    "template": {"spec": {"containers": [container]}},
                },
            }
        )
    )
    assert rs.spec.template is not None
    assert rs.spec.template.spec.containers[0].requests() == {}
    assert rs.spec.replicas == 1


def test_cluster_scoped_kinds_get_no_namespace() -> None:
    ns = apply_defaults(
        Namespace.model_validate({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}})
    )
    assert ns.metadata.namespace is None


@pytest.mark.parametrize(
    ("image", "policy"),
    [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("registry:5000/app", "Always"),
        ("registry:5000/app:2", "IfNotPresent"),
        ("app@sha256:abc", "IfNotPresent"),
    ],
)
def test_image_pull_policy_by_tag(image: str, policy: str) -> None:
    assert pull_policy_for(image) == policy
