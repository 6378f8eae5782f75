"""Issue 15 as a user runs it: `manikit plan` and `apply --context` against a Kubernetes API server
(a `manikit serve` started on 127.0.0.1 by the fixture), with the real kubectl changing things out of
band and reading what manikit left: ownership, conflicts, immutable fields, saved plans, ApplySets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.helpers import Result, run_cli
from tests.conftest import write
from tests.server.conftest import Served, server  # noqa: F401  (the module's server fixture)

NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {{name: {ns}}}\n---\n"
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app: {name}{extra}}}
spec:
{replicas}  selector: {{matchLabels: {{app: {selector}}}}}
  template:
    metadata: {{labels: {{app: {selector}}}}}
    spec:
      containers:
        - name: main
          image: nginx:{tag}
          resources: {{requests: {{cpu: 10m, memory: 16Mi}}, limits: {{memory: 16Mi}}}}
"""


def manifests(
    folder: Path,
    ns: str,
    *,
    name: str = "web",
    replicas: int | None = None,
    selector: str | None = None,
    tag: str = "1.27",
    extra: str = "",
    namespace: bool = True,
) -> str:
    text = (NAMESPACE.format(ns=ns) if namespace else "") + DEPLOYMENT.format(
        ns=ns,
        name=name,
        replicas=f"  replicas: {replicas}\n" if replicas is not None else "",
        selector=selector or name,
        tag=tag,
        extra=extra,
    )
    write(folder, f"{name}.yaml", text)
    return str(folder)


def env(served: Served, tmp: Path) -> dict[str, str]:
    return {
        "KUBECONFIG": str(served.kubeconfig),
        "MANIKIT_STATE": "",
        "NO_COLOR": "1",
        "XDG_CONFIG_HOME": str(tmp),
    }


def plan(served: Served, tmp: Path, folder: str, *args: str) -> Result:
    return run_cli("plan", folder, "--context", "manikit", "--no-preview", *args, env=env(served, tmp))


def apply(served: Served, tmp: Path, *args: str) -> Result:
    return run_cli(
        "apply", *args, "--context", "manikit", "--auto-approve", "--no-preview", env=env(served, tmp)
    )


def live(served: Served, *args: str) -> dict[str, Any]:
    shown = served.kubectl("get", *args, "-o", "json")
    assert shown.returncode == 0, shown.stderr
    return dict(json.loads(shown.stdout))


def test_a_kubectl_scale_of_replicas_the_manifests_never_set_is_left_alone(
    server: Served,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = manifests(tmp_path / "m", "own-scale")
    done = apply(server, tmp_path, folder)
    assert done.exit_code == 0, done.stderr
    assert "one by one, not as one transaction" in done.stdout
    scaled = server.kubectl("scale", "deployment/web", "-n", "own-scale", "--replicas=4")
    assert scaled.returncode == 0, scaled.stderr
    again = plan(server, tmp_path, folder, "--detailed-exitcode")
    assert again.exit_code == 0, again.stdout
    changed = apply(server, tmp_path, manifests(tmp_path / "m", "own-scale", tag="1.28"))
    assert changed.exit_code == 0 and "1 changed" in changed.stdout, changed.stdout
    deployment = live(server, "deployment", "web", "-n", "own-scale", "--show-managed-fields")
    assert deployment["spec"]["replicas"] == 4
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    appliers = [e for e in deployment["metadata"]["managedFields"] if e["operation"] == "Apply"]
    assert [e["manager"] for e in appliers] == ["manikit"]


def test_a_field_removed_from_the_manifests_is_removed_from_the_cluster(
    server: Served,  # noqa: F811
    tmp_path: Path,
) -> None:
    assert (
        apply(server, tmp_path, manifests(tmp_path / "m", "own-remove", extra=", tier: front")).exit_code == 0
    )
    assert live(server, "deployment", "web", "-n", "own-remove")["metadata"]["labels"]["tier"] == "front"
    folder = manifests(tmp_path / "m", "own-remove")
    shown = plan(server, tmp_path, folder)
    assert '- metadata.labels.tier: "front"' in shown.stdout, shown.stdout
    assert apply(server, tmp_path, folder).exit_code == 0
    assert "tier" not in live(server, "deployment", "web", "-n", "own-remove")["metadata"]["labels"]


def test_a_field_another_manager_owns_is_a_conflict_until_forced(
    server: Served,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = manifests(tmp_path / "m", "own-conflict", replicas=2)
    assert apply(server, tmp_path, folder).exit_code == 0
    edited = server.kubectl(
        "patch", "deployment", "web", "-n", "own-conflict", "-p", '{"spec":{"replicas":5}}'
    )
    assert edited.returncode == 0, edited.stderr
    refused = plan(server, tmp_path, folder)
    assert refused.exit_code == 1
    assert 'conflict with "kubectl-patch"' in refused.stdout and ".spec.replicas" in refused.stdout
    not_applied = apply(server, tmp_path, folder)
    assert not_applied.exit_code == 1 and "nothing applied" in not_applied.stderr
    assert live(server, "deployment", "web", "-n", "own-conflict")["spec"]["replicas"] == 5
    forced = apply(server, tmp_path, folder, "--force-conflicts")
    assert forced.exit_code == 0, forced.stderr
    assert '! takes .spec.replicas from "kubectl-patch"' in forced.stdout
    assert live(server, "deployment", "web", "-n", "own-conflict")["spec"]["replicas"] == 2


def test_an_immutable_field_is_refused_and_replaced_only_when_asked(
    server: Served,  # noqa: F811
    tmp_path: Path,
) -> None:
    assert apply(server, tmp_path, manifests(tmp_path / "m", "own-immutable")).exit_code == 0
    uid = live(server, "deployment", "web", "-n", "own-immutable")["metadata"]["uid"]
    folder = manifests(tmp_path / "m", "own-immutable", selector="storefront")
    refused = plan(server, tmp_path, folder)
    assert refused.exit_code == 1
    assert "field is immutable" in refused.stdout
    assert "--replace Deployment/own-immutable/web" in refused.stdout
    assert live(server, "deployment", "web", "-n", "own-immutable")["metadata"]["uid"] == uid
    replaced = apply(server, tmp_path, folder, "--replace", "Deployment/own-immutable/web")
    assert replaced.exit_code == 0, replaced.stderr
    assert "-/+ Deployment/own-immutable/web" in replaced.stdout
    after = live(server, "deployment", "web", "-n", "own-immutable")
    assert after["metadata"]["uid"] != uid
    assert after["spec"]["selector"] == {"matchLabels": {"app": "storefront"}}


def test_a_saved_plan_is_refused_after_drift_naming_what_moved(
    server: Served,  # noqa: F811
    tmp_path: Path,
) -> None:
    folder = manifests(tmp_path / "m", "own-saved")
    assert apply(server, tmp_path, folder).exit_code == 0
    saved = str(tmp_path / "release.mkplan")
    made = plan(server, tmp_path, manifests(tmp_path / "m", "own-saved", tag="1.28"), "-out", saved)
    assert made.exit_code == 0, made.stderr
    drift = server.kubectl("label", "deployment", "web", "-n", "own-saved", "drift=yes")
    assert drift.returncode == 0, drift.stderr
    stale = apply(server, tmp_path, saved)
    assert stale.exit_code == 1
    assert "stale" in stale.stderr and "Deployment/own-saved/web (resourceVersion" in stale.stderr
    image = live(server, "deployment", "web", "-n", "own-saved")["spec"]["template"]["spec"]["containers"][0]
    assert image["image"] == "nginx:1.27"


def test_prune_by_an_applyset_kubectl_recognises(server: Served, tmp_path: Path) -> None:  # noqa: F811
    folder = tmp_path / "m"
    manifests(folder, "own-prune", name="web")
    manifests(folder, "own-prune", name="api", namespace=False)
    first = apply(server, tmp_path, str(folder), "--prune", "--applyset", "shop")
    assert first.exit_code == 0, first.stderr
    parent = live(server, "configmap", "shop", "-n", "kube-system")
    set_id = parent["metadata"]["labels"]["applyset.kubernetes.io/id"]
    assert set_id.startswith("applyset-") and set_id.endswith("-v1")
    assert parent["metadata"]["annotations"]["applyset.kubernetes.io/tooling"].startswith("manikit/")
    assert (
        "Deployment.apps" in parent["metadata"]["annotations"]["applyset.kubernetes.io/contains-group-kinds"]
    )
    member = live(server, "deployment", "api", "-n", "own-prune")
    assert member["metadata"]["labels"]["applyset.kubernetes.io/part-of"] == set_id

    (folder / "api.yaml").unlink()
    pruned = apply(server, tmp_path, str(folder), "--prune", "--applyset", "shop")
    assert pruned.exit_code == 0, pruned.stderr
    assert "1 destroyed" in pruned.stdout
    names = server.kubectl("get", "deployments", "-n", "own-prune", "-o", "name")
    assert names.stdout.split() == ["deployment.apps/web"]
    # kubectl sees whose set it is and refuses to prune it as its own
    theirs = server.kubectl(
        "apply",
        "--prune",
        "--applyset=configmap/shop",
        "-n",
        "kube-system",
        "--server-side",
        "-f",
        str(folder),
        env={"KUBECTL_APPLYSET": "true"},
    )
    assert theirs.returncode != 0
    assert 'managed by tooling "manikit"' in theirs.stderr
