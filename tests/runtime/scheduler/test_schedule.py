"""schedule(nodes, pods): placements, queue order, accounting within a call, determinism, spreading."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from manikit.models.pod import Pod
from manikit.runtime.scheduler import Decision, schedule
from manikit.runtime.scheduler import explain as public_explain
from manikit.runtime.scheduler.engine import explain, schedule_pods
from tests.runtime.scheduler.helpers import make_node, make_pod

PATHS = pytest.mark.parametrize("fast", [True, False], ids=["vector-path", "per-node-path"])


def placements(decisions: list[Decision]) -> dict[str, str | None]:
    return {d.name: d.node for d in decisions}


def three_zones(per_zone: int = 1, cpu: str = "4") -> list:  # type: ignore[type-arg]
    return [make_node(f"node-{z}{i}", zone=f"zone-{z}", cpu=cpu) for z in "abc" for i in range(per_zone)]


@PATHS
def test_replicas_spread_across_zones_then_nodes(fast: bool) -> None:
    nodes = three_zones(per_zone=2)
    pods = [make_pod(f"web-{i}", cpu="100m", memory="64Mi", owner="web-5d4f") for i in range(6)]
    decisions = schedule_pods(nodes, pods, fast=fast)
    where = placements(decisions)
    assert sorted(Counter(n[:6] for n in where.values() if n).values()) == [2, 2, 2]  # per zone
    assert sorted(Counter(where.values()).values()) == [1] * 6  # per node


@PATHS
def test_spreading_is_per_controller(fast: bool) -> None:
    nodes = three_zones()
    # Another controller's pods load node-a0; web's first replica still prefers the emptiest zone by
    # resources, and its replicas spread among themselves.
    bound = [make_pod(f"db-{i}", cpu="100m", owner="db", node_name="node-b0") for i in range(3)]
    pods = [make_pod(f"web-{i}", cpu="100m", owner="web") for i in range(3)]
    where = placements(schedule_pods(nodes, bound + pods, fast=fast))
    assert sorted(where.values()) == ["node-a0", "node-b0", "node-c0"]  # type: ignore[type-var]


@PATHS
def test_each_decision_accounts_for_the_earlier_ones(fast: bool) -> None:
    nodes = [make_node("only", cpu="1")]
    pods = [
        make_pod("first", cpu="600m", created="2025-01-01T00:00:00Z"),
        make_pod("second", cpu="600m", created="2025-01-01T00:00:01Z"),
    ]
    first, second = schedule_pods(nodes, pods, fast=fast)
    assert (first.name, first.node) == ("first", "only")
    assert (second.name, second.node) == ("second", None)
    assert second.message == "0/1 nodes are available: 1 Insufficient cpu."


@PATHS
def test_queue_order_priority_then_age_then_name(fast: bool) -> None:
    nodes = [make_node("only", cpu="1")]
    pods = [
        make_pod("old", cpu="600m", created="2025-01-01T00:00:00Z"),
        make_pod("important", cpu="600m", created="2025-01-01T00:00:09Z", priority=1000),
        make_pod("b-young", cpu="1m", created="2025-01-01T00:00:05Z"),
        make_pod("a-young", cpu="1m", created="2025-01-01T00:00:05Z"),
    ]
    decisions = schedule_pods(nodes, pods, fast=fast)
    assert [d.name for d in decisions] == ["important", "old", "a-young", "b-young"]
    assert placements(decisions) == {"important": "only", "old": None, "a-young": "only", "b-young": "only"}


@PATHS
def test_bound_pods_hold_resources_and_terminated_ones_do_not(fast: bool) -> None:
    nodes = [make_node("a", cpu="2"), make_node("b", cpu="2")]
    pods = [
        make_pod("running", cpu="1500m", node_name="a"),
        make_pod("done", cpu="2", node_name="b", phase="Succeeded"),
        make_pod("going", cpu="2", node_name="b", deleting=True),
        make_pod("new", cpu="1"),
    ]
    decisions = schedule_pods(nodes, pods, fast=fast)
    assert placements(decisions) == {"new": "b"}


@PATHS
def test_ties_go_to_the_first_node_name(fast: bool) -> None:
    nodes = [make_node(name) for name in ("node-c", "node-a", "node-b")]
    [decision] = schedule_pods(nodes, [make_pod("p", cpu="1")], fast=fast)
    assert decision.node == "node-a"


def test_same_input_same_output_whatever_the_order() -> None:
    rng = random.Random(7)
    nodes = [make_node(f"n{i}", zone=f"z{i % 3}", cpu=rng.choice(["2", "4"])) for i in range(12)]
    pods = [
        make_pod(f"p{i}", cpu=rng.choice(["100m", "500m"]), owner=rng.choice(["a", "b"])) for i in range(30)
    ]
    expected = schedule(nodes, pods)
    for _ in range(5):
        rng.shuffle(nodes)
        rng.shuffle(pods)
        assert schedule(nodes, pods) == expected


@PATHS
def test_taints_and_selectors_steer_pods(fast: bool) -> None:
    nodes = [
        make_node(
            "gpu",
            labels={"pool": "gpu"},
            taints=[{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}],
        ),
        make_node("spot", taints=[{"key": "spot", "value": "true", "effect": "PreferNoSchedule"}]),
        make_node("plain", cpu="2"),
    ]
    toleration = [{"key": "dedicated", "operator": "Equal", "value": "gpu", "effect": "NoSchedule"}]
    pods = [
        make_pod("trainer", cpu="1", spec={"nodeSelector": {"pool": "gpu"}, "tolerations": toleration}),
        make_pod("web", cpu="1"),  # spot has more room, but its PreferNoSchedule taint weighs 3
    ]
    assert placements(schedule_pods(nodes, pods, fast=fast)) == {"trainer": "gpu", "web": "plain"}


@PATHS
def test_bound_decision_records_the_chosen_nodes_scores(fast: bool) -> None:
    nodes = [make_node("a", zone="z")]
    [decision] = schedule_pods(nodes, [make_pod("p", cpu="1", memory="2Gi", owner="web")], fast=fast)
    chosen = next(v for v in decision.verdicts if v.node == "a")
    assert chosen.feasible
    assert chosen.scores == {
        "TaintToleration": 300,
        "NodeAffinity": 0,
        "NodeResourcesFit": 75,  # cpu (4000-1000)/4000 = 75, memory (8Gi-2Gi)/8Gi = 75
        "PodTopologySpread": 200,
        "NodeResourcesBalancedAllocation": 100,
    }
    assert chosen.total == 675


def test_no_nodes() -> None:
    [decision] = schedule([], [make_pod("p")])
    assert decision.node is None
    assert decision.message == "no nodes available to schedule pods"


def test_explain_gives_every_nodes_verdict() -> None:
    nodes = [make_node("a", cpu="1"), make_node("b"), make_node("c", unschedulable=True)]
    pods = [make_pod("p", cpu="2"), make_pod("bound", node_name="b")]
    decision = explain(nodes, pods, "default", "p")
    assert decision is not None and decision.node == "b"
    assert [(v.node, v.feasible, v.plugin) for v in decision.verdicts] == [
        ("a", False, "NodeResourcesFit"),
        ("b", True, ""),
        ("c", False, "NodeUnschedulable"),
    ]
    assert decision.verdicts[1].total == sum(decision.verdicts[1].scores.values())
    assert explain(nodes, pods, "default", "bound") is None
    assert explain(nodes, pods, "other", "p") is None
    assert public_explain(nodes, pods, "default", "p") == decision


@PATHS
def test_gated_pods_wait_and_hold_nothing(fast: bool) -> None:
    nodes = [make_node("only", cpu="1")]
    pods = [
        make_pod(
            "gated", cpu="1", created="2025-01-01T00:00:00Z", spec={"schedulingGates": [{"name": "quota"}]}
        ),
        make_pod("next", cpu="1", created="2025-01-01T00:00:01Z"),
    ]
    gated, nxt = schedule_pods(nodes, pods, fast=fast)
    assert (gated.node, gated.reason, gated.message) == (
        None,
        "SchedulingGated",
        "Scheduling is blocked due to non-empty scheduling gates",
    )
    assert (nxt.node, nxt.reason) == ("only", "")


@PATHS
def test_unschedulable_reason_and_host_ports_within_one_call(fast: bool) -> None:
    nodes = [make_node("only")]
    first, second = schedule_pods(
        nodes, [make_pod("a", host_port=80), make_pod("b", host_port=80)], fast=fast
    )
    assert (first.node, first.reason) == ("only", "")
    assert (second.node, second.reason) == (None, "Unschedulable")
    assert (
        second.message
        == "0/1 nodes are available: 1 node(s) didn't have free ports for the requested pod ports."
    )


def test_schedule_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    schedule([make_node("n")], [make_pod("p")])
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    keep = [object()]
    gc.freeze()  # someone else's freeze must survive the call: the scheduler must not unfreeze it
    unfreezes: list[bool] = []
    real_unfreeze = gc.unfreeze
    # the freeze count itself is no witness: frozen objects still die by refcount during the call
    gc.unfreeze = lambda: unfreezes.append(True)  # type: ignore[assignment]
    try:
        schedule([make_node("n")], [make_pod("p")])
        assert unfreezes == []
    finally:
        gc.unfreeze = real_unfreeze  # type: ignore[assignment]
        gc.unfreeze()
    assert keep


def test_pods_differing_only_outside_scheduling_fields_share_a_signature() -> None:
    from manikit.runtime.scheduler.nodeinfo import pod_info

    a = make_pod("a", cpu="1")
    b = make_pod("b", cpu="1", spec={"restartPolicy": "Never"})
    b.spec.containers[0].image = "other:2"
    c = make_pod("c", cpu="2")
    d = make_pod("d", cpu="1", spec={"nodeSelector": {"disk": "ssd"}})
    assert pod_info(a).signature == pod_info(b).signature
    assert len({pod_info(p).signature for p in (a, c, d)}) == 3


@PATHS
def test_hard_topology_spread_constraint(fast: bool) -> None:
    nodes = [
        make_node("big-a", zone="a", cpu="64"),
        make_node("small-b", zone="b", cpu="2"),
        make_node("nozone"),
    ]
    constraint = {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": "DoNotSchedule",
        "labelSelector": {"matchLabels": {"app": "web"}},
    }
    pods = [
        make_pod(f"web-{i}", cpu="500m", spec={"topologySpreadConstraints": [constraint]}) for i in range(5)
    ]
    for pod in pods:
        pod.metadata.labels = {"app": "web"}
    decisions = schedule_pods(nodes, pods, fast=fast)
    assert [d.node for d in decisions] == ["big-a", "small-b", "big-a", "small-b", "big-a"]
    # a sixth: zone a would be 2 ahead of b, b lacks the cpu, the third node has no zone at all
    six = [*pods, make_pod("web-5", cpu="1500m", spec={"topologySpreadConstraints": [constraint]})]
    six[-1].metadata.labels = {"app": "web"}
    last = schedule_pods(nodes, six, fast=fast)[-1]
    assert last.node is None
    assert last.message == (
        "0/3 nodes are available: 1 Insufficient cpu, "
        "1 node(s) didn't match pod topology spread constraints, "
        "1 node(s) didn't match pod topology spread constraints (missing required label)."
    )


def test_pods_for_another_scheduler_are_left_alone() -> None:
    nodes = [make_node("only", cpu="1")]
    pods = [
        make_pod("custom", cpu="1", spec={"schedulerName": "my-scheduler"}),
        make_pod("mine", cpu="1", spec={"schedulerName": "default-scheduler"}),
    ]
    assert placements(schedule(nodes, pods)) == {"mine": "only"}


def anti_affinity(app: str, key: str = "kubernetes.io/hostname", required: bool = True) -> dict[str, Any]:
    term = {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}
    if required:
        return {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}}
    weighted = [{"weight": 100, "podAffinityTerm": term}]
    return {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": weighted}}}


def affinity_to(app: str, key: str = "kubernetes.io/hostname") -> dict[str, Any]:
    term = {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}
    return {"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}}


def labelled(pod: Pod, app: str) -> Pod:
    pod.metadata.labels = {"app": app}
    return pod


@PATHS
def test_required_anti_affinity_one_replica_per_node(fast: bool) -> None:
    nodes = [make_node(n) for n in ("a", "b", "c")]
    pods = [labelled(make_pod(f"web-{i}", cpu="100m", spec=anti_affinity("web")), "web") for i in range(4)]
    decisions = schedule_pods(nodes, pods, fast=fast)
    assert [d.node for d in decisions] == ["a", "b", "c", None]
    assert decisions[-1].message == "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules."


@PATHS
def test_existing_pods_anti_affinity_keeps_others_away(fast: bool) -> None:
    nodes = [make_node("a", cpu="8"), make_node("b", cpu="2")]
    guard = labelled(make_pod("guard", node_name="a", spec=anti_affinity("noisy")), "guard")
    noisy = labelled(make_pod("noisy", cpu="100m"), "noisy")
    quiet = labelled(make_pod("quiet", cpu="100m"), "quiet")
    assert placements(schedule_pods(nodes, [guard, noisy, quiet], fast=fast)) == {"noisy": "b", "quiet": "a"}
    nodes = [make_node("a", cpu="8")]
    [blocked] = schedule_pods(nodes, [guard, noisy], fast=fast)
    assert (
        blocked.message
        == "0/1 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules."
    )


@PATHS
def test_required_affinity_follows_the_matching_pod(fast: bool) -> None:
    nodes = [make_node(n, zone=z) for n, z in (("a", "z1"), ("b", "z2"), ("c", "z2"))]
    cache = labelled(make_pod("cache", node_name="c"), "cache")
    web = labelled(
        make_pod("web", cpu="100m", spec=affinity_to("cache", "topology.kubernetes.io/zone")), "web"
    )
    assert placements(schedule_pods(nodes, [cache, web], fast=fast)) == {"web": "b"}  # zone z2, emptier node
    lonely = labelled(make_pod("lonely", spec=affinity_to("missing")), "web")
    [decision] = schedule_pods(nodes, [lonely], fast=fast)
    assert decision.message == "0/3 nodes are available: 3 node(s) didn't match pod affinity rules."
    first = labelled(make_pod("first", spec=affinity_to("self")), "self")  # may start its own series
    assert placements(schedule_pods(nodes, [first], fast=fast)) == {"first": "a"}


@PATHS
def test_preferred_anti_affinity_and_its_mirror_image(fast: bool) -> None:
    nodes = [make_node("a"), make_node("b")]
    web = labelled(make_pod("web", node_name="a"), "web")
    shy = labelled(make_pod("shy", cpu="100m", spec=anti_affinity("web", required=False)), "shy")
    assert placements(schedule_pods(nodes, [web, shy], fast=fast)) == {"shy": "b"}
    # the placed pod's preference repels the newcomer just the same
    avoider = labelled(
        make_pod("avoider", node_name="a", spec=anti_affinity("web", required=False)), "avoider"
    )
    newcomer = labelled(make_pod("newcomer", cpu="100m"), "web")
    assert placements(schedule_pods(nodes, [avoider, newcomer], fast=fast)) == {"newcomer": "b"}
