import pytest

from manikit.models.pod import Pod
from manikit.models.registry import (
    INTERNAL_KINDS,
    KINDS,
    KindInfo,
    build_registry,
    is_namespaced,
    object_namespace,
    resolve_kind_name,
)


def test_the_modelled_kinds_are_registered() -> None:
    kinds = {k for _, k in KINDS}
    assert kinds == {"Pod", "ReplicaSet", "Deployment", "Service", "Namespace", "Node", "ConfigMap"}


@pytest.mark.parametrize("info", [*KINDS.values(), *INTERNAL_KINDS.values()], ids=lambda i: i.kind)
def test_each_kind_names_its_model(info: KindInfo) -> None:
    """Models are named by "module:Class" and imported on first use: the name must lead to the kind's."""
    model = info.model
    assert model.model_fields["kind"].default == info.kind or model.__name__ == info.kind
    assert info.model is model


def test_a_kind_can_also_be_given_its_model_class() -> None:
    assert KindInfo("v1", "Pod", Pod, "pods", ("po",), namespaced=True).model is Pod


def test_duplicates_fail_loudly() -> None:
    info = KindInfo("v1", "Pod", Pod, "pods", ("po",), namespaced=True)
    with pytest.raises(ValueError, match="registered twice"):
        build_registry([info, info])


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("po", "Pod"),
        ("pods", "Pod"),
        ("deploy", "Deployment"),
        ("RS", "ReplicaSet"),
        ("svc", "Service"),
        ("ns", "Namespace"),
        ("no", "Node"),
        ("nodes", "Node"),
        ("ep", "Endpoints"),
    ],
)
def test_kubectl_names(name: str, kind: str) -> None:
    info = resolve_kind_name(name)
    assert info is not None and info.kind == kind


def test_scope() -> None:
    assert is_namespaced("Pod") and is_namespaced("ConfigMap")
    assert not is_namespaced("Namespace") and not is_namespaced("PersistentVolume")


def test_object_namespace_defaults_namespaced_kinds_and_clears_cluster_scoped_ones() -> None:
    assert object_namespace("Deployment", None, "team") == "team"
    assert object_namespace("Deployment", "", "team") == "team"
    assert object_namespace("Service", "shop", "team") == "shop"
    assert object_namespace("Namespace", "shop", "team") == ""
    assert object_namespace("Widget", None, "team") == "team"  # an unknown kind is namespaced
