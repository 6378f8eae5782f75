"""Properties of reconciling random workloads: it settles, a second run writes nothing, and the
objects agree with each other (replicas, owners, endpoints, node capacity)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from manikit.models.quantity import parse_quantity
from manikit.runtime.controllers import rollout
from manikit.runtime.reconcile import reconcile
from tests.runtime.control_plane import deployment, new_api, service, with_image

workloads = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=6),  # replicas
        st.sampled_from(["100m", "500m", "1500m"]),  # cpu request
        st.booleans(),  # roll to a new image afterwards
        st.sampled_from(
            [{"type": "Recreate"}, None, {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0}}]
        ),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(workloads)
def test_reconcile_settles_consistently(specs: list[tuple[int, str, bool, dict[str, object] | None]]) -> None:
    api = new_api()
    names = [f"w{i}" for i in range(len(specs))]
    for name, (replicas, cpu, _, strategy) in zip(names, specs, strict=True):
        api.create(deployment(name, replicas=replicas, cpu=cpu, strategy=strategy))
        api.create(service(name))
    assert reconcile(api).settled
    for name, (replicas, cpu, roll, strategy) in zip(names, specs, strict=True):
        if roll:
            api.update(with_image(deployment(name, replicas=replicas, cpu=cpu, strategy=strategy), "nginx:2"))
    assert reconcile(api).settled
    assert reconcile(api).writes == 0

    pods = api.list("Pod")
    uids = {rs["metadata"]["uid"] for rs in api.list("ReplicaSet")}
    assert all(p["metadata"]["ownerReferences"][0]["uid"] in uids for p in pods)
    for name, (replicas, *_rest) in zip(names, specs, strict=True):
        mine = [p for p in pods if p["metadata"]["labels"]["app"] == name]
        sets = [rs for rs in api.list("ReplicaSet") if rs["metadata"]["labels"]["app"] == name]
        surge, _ = rollout.fenceposts(api.get("Deployment", name))
        if all(p["status"]["phase"] == "Running" for p in mine):
            assert len(mine) == sum(rs["spec"]["replicas"] for rs in sets) == replicas
        else:  # a rollout stuck on a Pending surge pod, as in Kubernetes
            assert replicas <= len(mine) <= replicas + surge
        running = sorted(p["status"]["podIP"] for p in mine if p["status"]["phase"] == "Running")
        endpoints = api.get("Endpoints", name).get("subsets") or []
        addresses = sorted(a["ip"] for s in endpoints for a in s.get("addresses", []))
        assert addresses == running
    for node in api.list("Node"):
        on_node = [p for p in pods if p["spec"].get("nodeName") == node["metadata"]["name"]]
        used = sum(
            (
                parse_quantity(p["spec"]["containers"][0]["resources"]["requests"]["cpu"]).value
                for p in on_node
            ),
            Fraction(0),
        )
        assert used <= parse_quantity(node["status"]["allocatable"]["cpu"]).value
