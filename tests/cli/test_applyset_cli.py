"""`manikit apply --prune` with the ApplySet standard, through the CLI: the parent kept up to date,
what left the manifests deleted, sets made by older manikit moved over, prevent-destroy, and parents
manikit refuses to take over."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from manikit.cluster import open_cluster
from manikit.cluster.legacy import INVENTORY_TOPIC, LEGACY_LABEL
from manikit.plan.applyset import (
    GROUP_KINDS_ANNOTATION,
    ID_LABEL,
    NAMESPACES_ANNOTATION,
    PART_OF_LABEL,
    TOOLING_ANNOTATION,
    ApplySet,
)
from tests.cli.helpers import run_cli
from tests.conftest import write

NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
SETTINGS = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: fast}\n"
)
EXTRA = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra, namespace: shop}\ndata: {a: b}\n"
SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec: {ports: [{port: 80}]}\n"
)
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: "nginx:1.25"}]}
"""


@pytest.fixture
def state(tmp_path: Path) -> str:
    return str(tmp_path / "state.db")


def manifests(tmp_path: Path, name: str, *docs: str) -> str:
    return str(write(tmp_path, f"{name}/all.yaml", "---\n".join(docs)))


def apply(state: str, path: str, applyset: str = "web") -> Any:
    result = run_cli("apply", "--state", state, "-y", "--prune", "--applyset", applyset, path)
    assert result.exit_code == 0, result.stdout + result.stderr
    return result


def get(state: str, kind: str, name: str, namespace: str) -> dict[str, Any] | None:
    result = run_cli("get", "--state", state, kind, "-n", namespace, "-o", "json")
    assert result.exit_code == 0, result.stderr
    items = json.loads(result.stdout)["items"]
    return next((i for i in items if i["metadata"]["name"] == name), None)


def test_apply_prune_twice_deletes_what_left_and_updates_the_parent(state: str, tmp_path: Path) -> None:
    apply(state, manifests(tmp_path, "v1", NAMESPACE, SETTINGS, EXTRA, SERVICE, DEPLOYMENT))
    parent = get(state, "configmap", "web", "kube-system")
    assert parent is not None
    assert parent["metadata"]["labels"] == {ID_LABEL: ApplySet("web").id}
    annotations = parent["metadata"]["annotations"]
    assert annotations[GROUP_KINDS_ANNOTATION] == "ConfigMap,Deployment.apps,Namespace,Service"
    assert annotations[NAMESPACES_ANNOTATION] == "shop"
    assert annotations[TOOLING_ANNOTATION].startswith("manikit/")
    extra = get(state, "cm", "extra", "shop")
    assert extra is not None and extra["metadata"]["labels"] == {PART_OF_LABEL: ApplySet("web").id}

    second = apply(state, manifests(tmp_path, "v2", NAMESPACE, SETTINGS, SERVICE))
    assert "2 destroyed" in second.stdout
    assert get(state, "cm", "extra", "shop") is None
    assert get(state, "deployment", "web", "shop") is None
    assert get(state, "cm", "settings", "shop") is not None
    parent = get(state, "configmap", "web", "kube-system")
    assert parent is not None
    assert parent["metadata"]["annotations"][GROUP_KINDS_ANNOTATION] == "ConfigMap,Namespace,Service"

    again = run_cli("plan", "--state", state, "--prune", "--applyset", "web", str(tmp_path / "v2"))
    assert again.exit_code == 0 and "No changes" in again.stdout, again.stdout + again.stderr


def test_sets_are_apart_and_only_this_sets_objects_are_pruned(state: str, tmp_path: Path) -> None:
    apply(state, manifests(tmp_path, "a", NAMESPACE, SETTINGS), applyset="web")
    apply(state, manifests(tmp_path, "b", EXTRA), applyset="db")
    apply(state, manifests(tmp_path, "a2", NAMESPACE), applyset="web")
    assert get(state, "cm", "settings", "shop") is None
    assert get(state, "cm", "extra", "shop") is not None  # apply set db's


def test_a_set_made_by_an_older_manikit_keeps_its_members(state: str, tmp_path: Path) -> None:
    # as manikit before the standard left it: members labelled manikit.dev/applyset, an inventory note
    with open_cluster(state) as cluster:
        cluster.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}})
        for name in ("settings", "extra", "listed"):
            labels = {LEGACY_LABEL: "web"} if name != "listed" else {}
            meta = {"name": name, "namespace": "shop", "labels": labels}
            cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": {"a": "b"}})
        old = [["ConfigMap", "shop", "listed", "v1"], ["ConfigMap", "shop", "settings", "v1"]]
        cluster.store.put_note(INVENTORY_TOPIC, "web", old)
    settings = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {a: b}\n"
    result = apply(state, manifests(tmp_path, "m", settings))
    assert "2 destroyed" in result.stdout  # extra (by its old label) and listed (by the old inventory)
    assert get(state, "cm", "extra", "shop") is None and get(state, "cm", "listed", "shop") is None
    kept = get(state, "cm", "settings", "shop")
    assert kept is not None and kept["metadata"]["labels"] == {PART_OF_LABEL: ApplySet("web").id}
    parent = get(state, "configmap", "web", "kube-system")
    assert parent is not None and parent["metadata"]["annotations"][GROUP_KINDS_ANNOTATION] == "ConfigMap"
    with open_cluster(state) as cluster:
        assert cluster.store.get_note(INVENTORY_TOPIC, "web") is None


def test_prevent_destroy_still_holds(state: str, tmp_path: Path) -> None:
    keep = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  namespace: shop\n  annotations:\n"
        "    manikit.dev/prevent-destroy: 'true'\ndata: {a: b}\n"
    )
    apply(state, manifests(tmp_path, "v1", NAMESPACE, keep))
    refused = run_cli(
        "apply", "--state", state, "-y", "--prune", "--applyset", "web", manifests(tmp_path, "v2", NAMESPACE)
    )
    assert refused.exit_code == 1
    assert "prevent-destroy" in refused.stderr and "ConfigMap/shop/keep" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert get(state, "cm", "keep", "shop") is not None


def test_another_tools_parent_is_refused(state: str, tmp_path: Path) -> None:
    with open_cluster(state) as cluster:
        meta = {
            "name": "web",
            "namespace": "kube-system",
            "labels": {ID_LABEL: ApplySet("web").id},
            "annotations": {TOOLING_ANNOTATION: "kubectl/v1.37", GROUP_KINDS_ANNOTATION: ""},
        }
        cluster.create({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta})
    path = manifests(tmp_path, "m", NAMESPACE)
    for command in ("plan", "apply"):
        result = run_cli(
            command,
            "--state",
            state,
            "--prune",
            "--applyset",
            "web",
            *(["-y"] if command == "apply" else []),
            path,
        )
        assert result.exit_code == 1, result.stdout
        assert (
            'ConfigMap kube-system/web is the parent of an apply set managed by "kubectl/v1.37"'
            in result.stderr
        )
        assert "Traceback" not in result.stderr
    assert get(state, "namespace", "shop", "default") is None


def test_an_applyset_name_that_cannot_be_a_configmap(state: str, tmp_path: Path) -> None:
    result = run_cli("plan", "--state", state, "--applyset", "Web_1", manifests(tmp_path, "m", NAMESPACE))
    assert result.exit_code == 1
    assert '--applyset "Web_1" cannot name an apply set' in result.stderr
