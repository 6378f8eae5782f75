"""Hypothesis properties of plan and apply (the invariants issue 5 names)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manikit.apply.executor import execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.models.registry import KINDS
from manikit.plan import planner
from manikit.plan.actions import Plan
from manikit.plan.changes import Desired
from manikit.plan.desired import DesiredSet, as_written
from manikit.plan.live import inventory, live_objects
from manikit.plan.normalize import comparable, desired_body, drop_allocated
from manikit.plan.server_side import applied_already, member_manifest

names = st.sampled_from(["a", "b", "c", "web", "db"])
cpu = st.sampled_from(["100m", "0.1", "250m", "0.25", "1", "1000m", 1, 0.5])
memory = st.sampled_from(["128Mi", "134217728", "0.125Gi", "1Gi", "1024Mi", "256Mi"])


@st.composite
def container(draw: st.DrawFn, name: str) -> dict[str, Any]:
    c: dict[str, Any] = {
        "name": name,
        "image": draw(st.sampled_from(["nginx:1.25", "redis:7", "app:latest"])),
    }
    if draw(st.booleans()):
        c["resources"] = {"requests": {"cpu": draw(cpu), "memory": draw(memory)}}
    if draw(st.booleans()):
        keys = draw(st.lists(st.sampled_from(["A", "B", "C", "D"]), unique=True, max_size=3))
        c["env"] = [{"name": k, "value": draw(st.sampled_from(["1", "x", ""]))} for k in keys]
    if draw(st.booleans()):
        c["ports"] = [{"containerPort": draw(st.integers(1, 9000)), "protocol": "TCP"}]
    if draw(st.booleans()):
        c["imagePullPolicy"] = "IfNotPresent" if not c["image"].endswith("latest") else "Always"
    return c


@st.composite
def deployment(draw: st.DrawFn, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": {
            "metadata": {"labels": {"app": name}},
            "spec": {"containers": [draw(container("main"))]},
        },
    }
    if draw(st.booleans()):
        spec["replicas"] = draw(st.integers(0, 3))
    if draw(st.booleans()):
        spec["revisionHistoryLimit"] = 10  # an explicit default: must never be a difference
    if draw(st.booleans()):
        spec["strategy"] = {"type": "Recreate"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "team"},
        "spec": spec,
    }


@st.composite
def service(draw: st.DrawFn, name: str) -> dict[str, Any]:
    port: dict[str, Any] = {"port": draw(st.sampled_from([80, 443, 8080]))}
    if draw(st.booleans()):
        port["targetPort"] = port["port"]
    spec: dict[str, Any] = {"selector": {"app": name}, "ports": [port]}
    if draw(st.booleans()):
        spec["type"] = draw(st.sampled_from(["ClusterIP", "NodePort"]))
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": "team"},
        "spec": spec,
    }


@st.composite
def pod(draw: st.DrawFn, name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": f"pod-{name}", "namespace": "team"},
        "spec": {"containers": [draw(container("main"))]},
    }


@st.composite
def manifests(draw: st.DrawFn) -> list[dict[str, Any]]:
    chosen = draw(st.lists(names, unique=True, max_size=4))
    out: list[dict[str, Any]] = [{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}]
    for name in chosen:
        kinds = draw(st.sets(st.sampled_from(["d", "s", "p"]), min_size=1))
        if "d" in kinds:
            out.append(draw(deployment(name)))
        if "s" in kinds:
            out.append(draw(service(name)))
        if "p" in kinds:
            out.append(draw(pod(name)))
    return out


def fresh_cluster() -> LocalCluster:
    return open_cluster(default_cluster=False)


def desired_of(docs: list[dict[str, Any]]) -> list[Desired]:
    out = []
    for doc in docs:
        body = desired_body(KINDS[(doc["apiVersion"], doc["kind"])].model.model_validate(doc))
        out.append(Desired(body, "", as_written(doc, body)))
    return out


def make_plan(cluster: LocalCluster, docs: list[dict[str, Any]]) -> Plan:
    """The plan, as `manikit apply --prune` makes it; an object Kubernetes will not change in place
    (a Pod's spec, a selector, a Deployment switched to Recreate while the server's defaulted
    rollingUpdate is still there) is replaced, as `--replace` asks."""
    desired = DesiredSet(objects=desired_of(docs))
    made = planner.make_plan(cluster, desired, applyset="default", prune=True, allow_empty=True)
    if made.refusals:
        replace = [str(r.key) for r in made.refusals if r.reason == "Invalid"]
        made = planner.make_plan(
            cluster, desired, applyset="default", prune=True, allow_empty=True, replace=replace
        )
    assert not made.refusals, made.refusals
    return made


def snapshot(cluster: LocalCluster, docs: list[dict[str, Any]]) -> dict[str, Any]:
    """The apply set's objects as a plan compares them; values the control plane allocates (a
    Service's clusterIP and nodePorts) are left out where the manifests leave them out."""
    wanted = {d.key: d.body for d in desired_of(docs)}
    keys = inventory(cluster, "default")
    return {
        str(k): drop_allocated(comparable(b), comparable(wanted[k]))
        for k, b in live_objects(cluster, keys).items()
    }


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(manifests())
def test_plan_is_empty_right_after_apply(docs: list[dict[str, Any]]) -> None:
    cluster = fresh_cluster()
    execute(cluster, make_plan(cluster, docs))
    cluster.run()  # controllers write status, annotations, pods: none of it is a difference
    after = make_plan(cluster, docs)
    assert after.empty, [(str(c.key), c.changes) for c in after.changes]


@SETTINGS
@given(manifests())
def test_plan_of_a_against_a_is_empty(docs: list[dict[str, Any]]) -> None:
    cluster = fresh_cluster()
    execute(cluster, make_plan(cluster, docs))
    execute(cluster, make_plan(cluster, docs))  # applying an empty plan changes nothing either
    assert make_plan(cluster, docs).empty


@SETTINGS
@given(manifests(), manifests())
def test_apply_then_reverse_restores_every_field_of_the_original(
    a: list[dict[str, Any]], b: list[dict[str, Any]]
) -> None:
    """After b, applying a again gives every field a's manifests set its value back, with manikit
    owning exactly those fields, and a plan of a is empty. Fields a never set are the server's and
    may keep what b's life left there, as on Kubernetes (``imagePullPolicy: Always`` defaulted for a
    ``:latest`` image stays when the image gets a tag)."""
    cluster = fresh_cluster()
    execute(cluster, make_plan(cluster, a))
    execute(cluster, make_plan(cluster, b))
    cluster.run()
    execute(cluster, make_plan(cluster, a))
    for item in desired_of(a):
        live = cluster.get(item.key.kind, item.key.name, item.key.namespace or None)
        assert applied_already(live, member_manifest(item.manifest or {}, "default")), str(item.key)
    assert make_plan(cluster, a).empty
