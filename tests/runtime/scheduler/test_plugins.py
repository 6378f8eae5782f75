"""Each plugin on its own, table-driven, against kube-scheduler's behaviour and reason strings."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.models.pod import Pod
from manikit.runtime.scheduler.framework import Code, CycleState, FilterPlugin, Status, default_normalize
from manikit.runtime.scheduler.nodeinfo import NodeInfo, node_info, pod_info
from manikit.runtime.scheduler.plugins import REGISTRY, build_registry
from manikit.runtime.scheduler.plugins import balanced_allocation as ba
from manikit.runtime.scheduler.plugins import node_affinity as na
from manikit.runtime.scheduler.plugins import node_name as nn
from manikit.runtime.scheduler.plugins import node_ports as ports
from manikit.runtime.scheduler.plugins import node_resources_fit as fit
from manikit.runtime.scheduler.plugins import node_unschedulable as nu
from manikit.runtime.scheduler.plugins import pod_topology_spread as pts
from manikit.runtime.scheduler.plugins import taint_toleration as tt
from tests.runtime.scheduler.helpers import make_node, make_pod


def info_with(node: Any, *bound: Pod) -> NodeInfo:
    info = node_info(node)
    for pod in bound:
        info.add(pod_info(pod))
    return info


def filter_status(plugin: FilterPlugin, pod: Pod, node: NodeInfo) -> Status:
    return plugin.filter(CycleState(), pod_info(pod), node)


def test_upstream_reason_strings() -> None:
    assert nu.REASON_UNSCHEDULABLE == "node(s) were unschedulable"
    assert nn.REASON == "node(s) didn't match the requested node name"
    assert na.REASON_POD == "node(s) didn't match Pod's node affinity/selector"
    assert ports.REASON == "node(s) didn't have free ports for the requested pod ports"
    assert fit.REASON_TOO_MANY_PODS == "Too many pods"
    assert fit.REASON_INSUFFICIENT.format(resource="cpu") == "Insufficient cpu"


def test_registry_holds_every_plugin_once() -> None:
    assert set(REGISTRY) == {
        "NodeUnschedulable",
        "NodeName",
        "TaintToleration",
        "NodeAffinity",
        "NodePorts",
        "NodeResourcesFit",
        "PodTopologySpread",
        "InterPodAffinity",
        "NodeResourcesBalancedAllocation",
    }
    for name, factory in REGISTRY.items():
        assert factory().name == name  # type: ignore[attr-defined]


def test_registry_refuses_a_duplicate_name() -> None:
    with pytest.raises(ValueError, match="'NodeName' registered twice"):
        build_registry([nn, nn])


# NodeUnschedulable -------------------------------------------------------------------------------
UNSCHEDULABLE_TOLERATION = {
    "key": "node.kubernetes.io/unschedulable",
    "operator": "Exists",
    "effect": "NoSchedule",
}


@pytest.mark.parametrize(
    ("cordoned", "tolerations", "reasons"),
    [
        (False, None, ()),
        (True, None, ("node(s) were unschedulable",)),
        (True, [UNSCHEDULABLE_TOLERATION], ()),
        (True, [{"operator": "Exists"}], ()),
        (
            True,
            [{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoExecute"}],
            ("node(s) were unschedulable",),
        ),
    ],
    ids=["schedulable", "cordoned", "tolerates-cordon", "tolerates-everything", "wrong-effect"],
)
def test_node_unschedulable(cordoned: bool, tolerations: Any, reasons: tuple[str, ...]) -> None:
    pod = make_pod("p", spec={"tolerations": tolerations} if tolerations else None)
    status = filter_status(nu.new(), pod, node_info(make_node("n", unschedulable=cordoned)))
    assert status.reasons == reasons
    assert status.code is (Code.SUCCESS if not reasons else Code.UNSCHEDULABLE_AND_UNRESOLVABLE)


# NodeName ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("wanted", "fits"), [(None, True), ("n", True), ("other", False)], ids=["unset", "same", "different"]
)
def test_node_name(wanted: str | None, fits: bool) -> None:
    status = filter_status(nn.new(), make_pod("p", node_name=wanted), node_info(make_node("n")))
    assert status.is_success() is fits
    assert status.reasons == (() if fits else ("node(s) didn't match the requested node name",))


# TaintToleration ---------------------------------------------------------------------------------
GPU = {"key": "gpu", "value": "true", "effect": "NoSchedule"}


@pytest.mark.parametrize(
    ("taints", "tolerations", "reason"),
    [
        ([], None, None),
        ([GPU], None, "node(s) had untolerated taint {gpu: true}"),
        (
            [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}],
            None,
            "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
        ),
        (
            [{"key": "maint", "value": "x", "effect": "NoExecute"}],
            None,
            "node(s) had untolerated taint {maint: x}",
        ),
        ([{"key": "spot", "value": "1", "effect": "PreferNoSchedule"}], None, None),
        ([GPU], [{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}], None),
        (
            [GPU],
            [{"key": "gpu", "operator": "Equal", "value": "false"}],
            "node(s) had untolerated taint {gpu: true}",
        ),
        ([GPU], [{"key": "gpu", "operator": "Exists"}], None),
        ([GPU], [{"operator": "Exists"}], None),
        (
            [GPU],
            [{"key": "gpu", "operator": "Exists", "effect": "NoExecute"}],
            "node(s) had untolerated taint {gpu: true}",
        ),
        (
            [{"key": "a", "effect": "NoSchedule"}, GPU],
            [{"key": "a", "operator": "Exists"}],
            "node(s) had untolerated taint {gpu: true}",
        ),
    ],
    ids=[
        "no-taints",
        "untolerated",
        "no-value",
        "no-execute",
        "prefer-no-schedule-does-not-filter",
        "equal-toleration",
        "wrong-value",
        "exists-by-key",
        "exists-everything",
        "effect-mismatch",
        "first-untolerated-reported",
    ],
)
def test_taint_toleration_filter(taints: Any, tolerations: Any, reason: str | None) -> None:
    pod = make_pod("p", spec={"tolerations": tolerations} if tolerations else None)
    status = filter_status(tt.new(), pod, node_info(make_node("n", taints=taints)))
    assert status.reasons == (() if reason is None else (reason,))
    assert status.plugin == ("" if reason is None else "TaintToleration")


def test_taint_toleration_score_prefers_fewest_untolerated_prefer_no_schedule_taints() -> None:
    spot = {"key": "spot", "value": "1", "effect": "PreferNoSchedule"}
    old = {"key": "old", "value": "1", "effect": "PreferNoSchedule"}
    nodes = [node_info(make_node(n, taints=t)) for n, t in (("a", []), ("b", [spot]), ("c", [spot, old]))]
    plugin, state = tt.new(), CycleState()
    for tolerations, expected in (
        (None, [100, 50, 0]),
        ([{"key": "spot", "operator": "Exists", "effect": "PreferNoSchedule"}], [100, 100, 0]),
        ([{"key": "spot", "operator": "Exists", "effect": "NoSchedule"}], [100, 50, 0]),  # wrong effect
    ):
        pod = pod_info(make_pod("p", spec={"tolerations": tolerations} if tolerations else None))
        plugin.pre_score(state, pod, nodes, nodes)
        raw = [plugin.score(state, pod, n) for n in nodes]
        assert plugin.normalize(state, pod, nodes, raw) == expected


# NodeAffinity ------------------------------------------------------------------------------------
def required(*terms: dict[str, Any]) -> dict[str, Any]:
    return {
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}
            }
        }
    }


def expr(key: str, operator: str, *values: str) -> dict[str, Any]:
    requirement: dict[str, Any] = {"key": key, "operator": operator}
    if values:
        requirement["values"] = list(values)
    return {"matchExpressions": [requirement]}


SSD = {"disktype": "ssd", "rank": "5"}


@pytest.mark.parametrize(
    ("spec", "fits"),
    [
        ({}, True),
        ({"nodeSelector": {"disktype": "ssd"}}, True),
        ({"nodeSelector": {"disktype": "hdd"}}, False),
        ({"nodeSelector": {"disktype": "ssd", "gpu": "yes"}}, False),
        (required(expr("disktype", "In", "ssd", "nvme")), True),
        (required(expr("disktype", "NotIn", "ssd")), False),
        (required(expr("gpu", "DoesNotExist")), True),
        (required(expr("gpu", "Exists")), False),
        (required(expr("rank", "Gt", "4")), True),
        (required(expr("rank", "Lt", "4")), False),
        (required(expr("gpu", "Exists"), expr("disktype", "Exists")), True),
        (required({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n"]}]}), True),
        (required({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["m"]}]}), False),
        (required({}), False),
        ({"nodeSelector": {"kubernetes.io/hostname": "n"}}, True),
        ({"nodeSelector": {"disktype": "ssd"}, **required(expr("gpu", "Exists"))}, False),
    ],
    ids=[
        "nothing-required",
        "selector-matches",
        "selector-differs",
        "selector-needs-all-pairs",
        "in",
        "not-in",
        "does-not-exist",
        "exists",
        "gt",
        "lt",
        "terms-are-ored",
        "match-fields-name",
        "match-fields-other-name",
        "empty-term-matches-nothing",
        "hostname-label-defaults-to-name",
        "selector-and-affinity-both-apply",
    ],
)
def test_node_affinity_filter(spec: dict[str, Any], fits: bool) -> None:
    status = filter_status(na.new(), make_pod("p", spec=spec), node_info(make_node("n", labels=SSD)))
    assert status.reasons == (() if fits else ("node(s) didn't match Pod's node affinity/selector",))


def test_node_affinity_score_sums_matching_preferred_weights_and_normalizes() -> None:
    preferred = [
        {"weight": 20, "preference": expr("disktype", "In", "ssd")},
        {"weight": 60, "preference": expr("rank", "Gt", "3")},
        {"weight": 99, "preference": {}},  # an empty preference matches nothing
    ]
    pod = pod_info(
        make_pod(
            "p",
            spec={
                "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": preferred}}
            },
        )
    )
    nodes = [
        node_info(make_node("a", labels={"disktype": "ssd", "rank": "5"})),
        node_info(make_node("b", labels={"rank": "9"})),
        node_info(make_node("c", labels={"disktype": "ssd"})),
        node_info(make_node("d")),
    ]
    plugin, state = na.new(), CycleState()
    plugin.pre_score(state, pod, nodes, nodes)
    raw = [plugin.score(state, pod, n) for n in nodes]
    assert raw == [80, 60, 20, 0]
    assert plugin.normalize(state, pod, nodes, raw) == [100, 75, 25, 0]


# NodePorts ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("used", "wanted", "conflict"),
    [
        ([], ("0.0.0.0", "TCP", 80), False),
        ([("0.0.0.0", "TCP", 80)], ("0.0.0.0", "TCP", 80), True),
        ([("0.0.0.0", "UDP", 80)], ("0.0.0.0", "TCP", 80), False),
        ([("10.0.0.1", "TCP", 80)], ("10.0.0.2", "TCP", 80), False),
        ([("10.0.0.1", "TCP", 80)], ("0.0.0.0", "TCP", 80), True),
        ([("0.0.0.0", "TCP", 80)], ("10.0.0.2", "TCP", 80), True),
        ([("10.0.0.1", "TCP", 80)], ("10.0.0.1", "TCP", 80), True),
        ([("0.0.0.0", "TCP", 81)], ("0.0.0.0", "TCP", 80), False),
    ],
    ids=[
        "free",
        "same",
        "other-protocol",
        "other-ips",
        "wildcard-wanted",
        "wildcard-used",
        "same-ip",
        "other-port",
    ],
)
def test_node_ports_conflicts(used: list[Any], wanted: Any, conflict: bool) -> None:
    assert ports.conflicts(set(used), wanted) is conflict


def test_node_ports_filter_with_bound_pod() -> None:
    node = info_with(make_node("n"), make_pod("web", host_port=80, node_name="n"))
    status = filter_status(ports.new(), make_pod("p", host_port=80), node)
    assert status.reasons == ("node(s) didn't have free ports for the requested pod ports",)
    assert status.code is Code.UNSCHEDULABLE
    assert filter_status(ports.new(), make_pod("p", host_port=81), node).is_success()


# NodeResourcesFit --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pod", "reasons"),
    [
        (make_pod("p", cpu="1", memory="1Gi"), ()),
        (make_pod("p", cpu="3"), ("Insufficient cpu",)),
        (make_pod("p", memory="7Gi"), ("Insufficient memory",)),
        (make_pod("p", cpu="3", memory="7Gi"), ("Insufficient cpu", "Insufficient memory")),
        (make_pod("p", cpu="100m", init_cpu="3"), ("Insufficient cpu",)),
        (make_pod("p", requests={"example.com/gpu": "1"}), ("Insufficient example.com/gpu",)),
        (make_pod("p", requests={"ephemeral-storage": "1Gi"}), ("Insufficient ephemeral-storage",)),
        (make_pod("p"), ()),
    ],
    ids=[
        "fits",
        "cpu",
        "memory",
        "cpu-and-memory",
        "init-container-max-rule",
        "extended",
        "ephemeral",
        "best-effort",
    ],
)
def test_node_resources_fit_filter(pod: Pod, reasons: tuple[str, ...]) -> None:
    # 4 CPU / 8Gi, with 2 CPU / 2Gi already requested by a bound pod.
    node = info_with(
        make_node("n", cpu="4", memory="8Gi"), make_pod("b", cpu="2", memory="2Gi", node_name="n")
    )
    assert filter_status(fit.new(), pod, node).reasons == reasons


def test_node_resources_fit_counts_pods_first() -> None:
    node = info_with(make_node("n", pods="1"), make_pod("b", node_name="n"))
    status = filter_status(fit.new(), make_pod("p", cpu="5"), node)
    assert status.reasons == ("Too many pods", "Insufficient cpu")
    assert filter_status(fit.new(), make_pod("p"), node).reasons == ("Too many pods",)


# Cases from kube-scheduler's least_allocated_test.go (cpu in cores there: "4000" is 4000 CPUs).
@pytest.mark.parametrize(
    ("pod_requests", "bound", "nodes", "expected"),
    [
        ([], [], [("4000", "10000"), ("4000", "10000")], [100, 100]),
        (
            [{"cpu": "1000", "memory": "2000"}, {"cpu": "2000", "memory": "3000"}],
            [],
            [("4000", "10000"), ("6000", "10000")],
            [37, 50],
        ),
        (
            [],
            [
                (0, {"cpu": "3000", "memory": "0"}),
                (0, {"cpu": "3000", "memory": "0"}),
                (1, {"cpu": "3000", "memory": "0"}),
                (1, {"cpu": "3000", "memory": "5000"}),
            ],
            [("10000", "20000"), ("10000", "20000")],
            [70, 57],
        ),
        (
            [{"cpu": "3000", "memory": "0"}],
            [(0, {"cpu": "3000", "memory": "0"}), (1, {"cpu": "3000", "memory": "5000"})],
            [("4000", "10000"), ("4000", "10000")],
            [50, 25],
        ),
    ],
    ids=["nothing-requested", "differently-sized-nodes", "bound-pods", "exceeds-capacity"],
)
def test_least_allocated_matches_upstream(
    pod_requests: Any, bound: Any, nodes: Any, expected: list[int]
) -> None:
    def pod_of(name: str, containers: list[dict[str, str]], node: str | None = None) -> Pod:
        spec: dict[str, Any] = {
            "containers": [{"name": f"c{i}", "resources": {"requests": r}} for i, r in enumerate(containers)]
        }
        if node:
            spec["nodeName"] = node
        return Pod.model_validate(
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}
        )

    infos = [node_info(make_node(f"node{i}", cpu=c, memory=m)) for i, (c, m) in enumerate(nodes)]
    for k, (i, requests) in enumerate(bound):
        infos[i].add(pod_info(pod_of(f"b{k}", [requests], infos[i].name)))
    pod = pod_info(pod_of("p", pod_requests))
    assert [fit.new().score(CycleState(), pod, n) for n in infos] == expected


def test_non_zero_requests_for_scoring() -> None:
    best_effort = pod_info(make_pod("p"))
    assert best_effort.non_zero == (100, 200 * 1024 * 1024)
    assert best_effort.requests == {}
    half = pod_info(make_pod("p", cpu="0", memory="1Gi"))
    assert half.non_zero == (0, 1024**3)  # explicitly zero stays zero


# BalancedAllocation ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("requested", "allocatable", "score"),
    [
        ((1000, 2048), (4000, 8192), 100),
        ((1000, 6144), (4000, 8192), 75),
        ((8000, 0), (4000, 8192), 50),  # fractions capped at 1
        ((3000, 5000), (4000, 0), 100),  # one resource only: no deviation
        ((0, 0), (0, 0), 100),
    ],
    ids=["balanced", "skewed", "capped", "one-resource", "nothing"],
)
def test_balanced_score(requested: tuple[int, int], allocatable: tuple[int, int], score: int) -> None:
    assert ba.balanced_score(requested, allocatable) == score


def test_balanced_allocation_skips_best_effort_pods() -> None:
    nodes = [node_info(make_node("n"))]
    assert ba.new().pre_score(CycleState(), pod_info(make_pod("p")), nodes, nodes).is_skip()
    assert not ba.new().pre_score(CycleState(), pod_info(make_pod("p", cpu="1")), nodes, nodes).is_skip()


# PodTopologySpread -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "rounded"), [(2.4, 2), (2.5, 3), (3.5, 4), (2.49999, 2), (0.0, 0)], ids=str
)
def test_go_round_rounds_halves_away_from_zero(value: float, rounded: int) -> None:
    assert pts.go_round(value) == rounded


def test_spread_normalize() -> None:
    assert pts.normalize_spread([2, 4, 6]) == [100, 66, 33]
    assert pts.normalize_spread([0, 0]) == [100, 100]


def test_spread_counts_the_controllers_pods_per_node_and_zone() -> None:
    nodes = [
        info_with(
            make_node("a1", zone="a"),
            make_pod("w0", owner="web", node_name="a1"),
            make_pod("x", owner="other", node_name="a1"),
        ),
        info_with(make_node("a2", zone="a")),
        info_with(make_node("b1", zone="b")),
    ]
    pod = pod_info(make_pod("w1", owner="web"))
    plugin, state = pts.new(), CycleState()
    assert plugin.pre_score(state, pod, nodes, nodes).is_success()
    raw = [plugin.score(state, pod, n) for n in nodes]
    host_w, zone_w = pts.normalizing_weight(3), pts.normalizing_weight(2)
    assert raw == [
        pts.go_round(1 * host_w + 2 + 1 * zone_w + 4),
        pts.go_round(0 * host_w + 2 + 1 * zone_w + 4),
        pts.go_round(0 * host_w + 2 + 0 * zone_w + 4),
    ]
    normalized = plugin.normalize(state, pod, nodes, raw)
    assert normalized[2] == 100 and normalized[0] < normalized[1] < normalized[2]


def spread_constraint(when: str = "DoNotSchedule", **extra: Any) -> dict[str, Any]:
    return {
        "maxSkew": 1,
        "topologyKey": "topology.kubernetes.io/zone",
        "whenUnsatisfiable": when,
        "labelSelector": {"matchLabels": {"app": "web"}},
        **extra,
    }


def web_pod(name: str, node: str | None = None, **spec: Any) -> Pod:
    pod = make_pod(name, node_name=node, spec=spec or None)
    pod.metadata.labels = {"app": "web", "track": "stable" if name.startswith("s") else "canary"}
    return pod


def spread_cluster(*bound: Pod) -> list[NodeInfo]:
    nodes = [
        node_info(make_node("a1", zone="a")),
        node_info(make_node("a2", zone="a")),
        node_info(make_node("b1", zone="b")),
        node_info(make_node("c1", zone="c", labels={"disktype": "ssd"})),
        node_info(make_node("x1")),  # no zone label
    ]
    by_name = {n.name: n for n in nodes}
    for pod in bound:
        assert pod.spec.node_name
        by_name[pod.spec.node_name].add(pod_info(pod))
    return nodes


MISSING = "node(s) didn't match pod topology spread constraints (missing required label)"
SKEWED = "node(s) didn't match pod topology spread constraints"


ALL_ZONES_BOUND = [("s1", "a1"), ("s2", "b1"), ("s3", "c1"), ("s4", "c1")]
SSD_ONLY = {"disktype": "ssd"}


@pytest.mark.parametrize(
    ("constraint", "node_selector", "bound", "expected"),
    [
        (spread_constraint(), None, [("s1", "a1"), ("s2", "b1")], {"a1": SKEWED, "a2": SKEWED, "b1": SKEWED}),
        (
            spread_constraint(),
            None,
            [("s1", "a1"), ("s2", "a2"), ("s3", "b1"), ("s4", "c1")],
            {"a1": SKEWED, "a2": SKEWED},
        ),
        (spread_constraint(maxSkew=2), None, [("s1", "a1"), ("s2", "b1")], {}),
        (
            spread_constraint(minDomains=4),
            None,
            [("s1", "a1"), ("s2", "b1"), ("s3", "c1")],
            {"a1": SKEWED, "a2": SKEWED, "b1": SKEWED, "c1": SKEWED},
        ),
        (spread_constraint(labelSelector={"matchLabels": {"app": "db"}}), None, [("s1", "a1")], {}),
        (
            spread_constraint(matchLabelKeys=["track"]),
            None,
            [("c1", "a1"), ("c2", "b1"), ("s1", "c1")],
            {"a1": SKEWED, "a2": SKEWED, "b1": SKEWED},
        ),
        (spread_constraint(nodeAffinityPolicy="Ignore"), SSD_ONLY, ALL_ZONES_BOUND, {"c1": SKEWED}),
        (spread_constraint(), SSD_ONLY, ALL_ZONES_BOUND, {}),
    ],
    ids=[
        "empty-zone-wins",
        "balanced-zones-take-the-least",
        "max-skew-2",
        "min-domains-makes-minimum-zero",
        "selector-not-matching-counts-nothing",
        "match-label-keys-count-only-own-track",
        "affinity-ignored-counts-every-zone",
        "affinity-honored-counts-only-eligible-nodes",
    ],
)
def test_spread_filter(
    constraint: dict[str, Any], node_selector: Any, bound: list[tuple[str, str]], expected: dict[str, str]
) -> None:
    spec: dict[str, Any] = {"topologySpreadConstraints": [constraint]}
    if node_selector:
        spec["nodeSelector"] = node_selector
    pod = pod_info(web_pod("new", **spec))  # labels app=web, track=canary
    nodes = spread_cluster(*(web_pod(n, node) for n, node in bound))
    plugin, state = pts.new(), CycleState()
    assert plugin.pre_filter(state, pod, nodes).is_success()
    failures = {n.name: plugin.filter(state, pod, n).reasons for n in nodes}
    assert {k: v[0] for k, v in failures.items() if v} == {**expected, "x1": MISSING}


def test_spread_filter_skips_pods_without_hard_constraints() -> None:
    nodes = spread_cluster()
    for pod in (
        make_pod("bare", owner="web"),
        web_pod("soft", topologySpreadConstraints=[spread_constraint("ScheduleAnyway")]),
    ):
        assert pts.new().pre_filter(CycleState(), pod_info(pod), nodes).is_skip()


def test_spread_score_with_explicit_constraints_ignores_nodes_without_the_key() -> None:
    nodes = spread_cluster(web_pod("s1", "a1"), web_pod("s2", "a2"), web_pod("s3", "b1"))
    pod = pod_info(web_pod("new", topologySpreadConstraints=[spread_constraint("ScheduleAnyway")]))
    plugin, state = pts.new(), CycleState()
    assert plugin.pre_score(state, pod, nodes, nodes).is_success()
    raw = [plugin.score(state, pod, n) for n in nodes]
    weight = pts.normalizing_weight(3)  # zones a, b, c among the non-ignored candidates
    assert raw == [pts.go_round(2 * weight), pts.go_round(2 * weight), pts.go_round(weight), 0, 0]
    assert plugin.normalize(state, pod, nodes, raw) == [100 * (raw[0] + 0 - r) // raw[0] for r in raw[:4]] + [
        0
    ]


@pytest.mark.parametrize(
    "pod",
    [make_pod("bare"), web_pod("own", topologySpreadConstraints=[spread_constraint("DoNotSchedule")])],
    ids=["no-controller", "only-hard-constraints"],
)
def test_spread_score_skips_pods_without_soft_constraints(pod: Pod) -> None:
    nodes = [node_info(make_node("n"))]
    assert pts.new().pre_score(CycleState(), pod_info(pod), nodes, nodes).is_skip()


def test_default_normalize() -> None:
    assert default_normalize([0, 5, 10]) == [0, 50, 100]
    assert default_normalize([0, 5, 10], reverse=True) == [100, 50, 0]
    assert default_normalize([0, 0], reverse=True) == [100, 100]
    assert default_normalize([0, 0]) == [0, 0]


# InterPodAffinity --------------------------------------------------------------------------------
def pod_with_term(term: dict[str, Any], namespace: str = "shop", labels: dict[str, str] | None = None) -> Pod:
    pod = make_pod(
        "owner",
        namespace=namespace,
        spec={"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}},
    )
    pod.metadata.labels = labels or {}
    return pod


@pytest.mark.parametrize(
    ("term", "namespace", "labels", "expected"),
    [
        ({"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "k"}, "shop", {"app": "db"}, True),
        (
            {"labelSelector": {"matchLabels": {"app": "db"}}, "topologyKey": "k"},
            "other",
            {"app": "db"},
            False,
        ),
        (
            {"labelSelector": {"matchLabels": {"app": "db"}}, "namespaces": ["other"], "topologyKey": "k"},
            "other",
            {"app": "db"},
            True,
        ),
        (
            {"labelSelector": {"matchLabels": {"app": "db"}}, "namespaceSelector": {}, "topologyKey": "k"},
            "any",
            {"app": "db"},
            True,
        ),
        (
            {
                "labelSelector": {"matchLabels": {"app": "db"}},
                "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ops"}},
                "topologyKey": "k",
            },
            "ops",
            {"app": "db"},
            True,
        ),
        ({"topologyKey": "k"}, "shop", {"app": "db"}, False),
        ({"labelSelector": {}, "topologyKey": "k"}, "shop", {"app": "db"}, True),
        (
            {"labelSelector": {"matchLabels": {"app": "db"}}, "matchLabelKeys": ["tier"], "topologyKey": "k"},
            "shop",
            {"app": "db", "tier": "gold"},
            True,
        ),
        (
            {"labelSelector": {"matchLabels": {"app": "db"}}, "matchLabelKeys": ["tier"], "topologyKey": "k"},
            "shop",
            {"app": "db", "tier": "iron"},
            False,
        ),
        (
            {
                "labelSelector": {"matchLabels": {"app": "db"}},
                "mismatchLabelKeys": ["tier"],
                "topologyKey": "k",
            },
            "shop",
            {"app": "db", "tier": "gold"},
            False,
        ),
    ],
    ids=[
        "own-namespace",
        "other-namespace",
        "listed-namespace",
        "empty-namespace-selector-means-all",
        "namespace-selector-by-name",
        "no-selector-matches-nothing",
        "empty-selector-matches-all",
        "match-label-keys-same-value",
        "match-label-keys-other-value",
        "mismatch-label-keys",
    ],
)
def test_pod_affinity_term_matching(
    term: dict[str, Any], namespace: str, labels: dict[str, str], expected: bool
) -> None:
    owner = pod_info(pod_with_term(term, labels={"tier": "gold"}))
    assert owner.affinity is not None
    [resolved] = owner.affinity.required_affinity
    assert resolved.matches(namespace, labels) is expected


def test_inter_pod_affinity_normalize_is_min_max_scaled() -> None:
    from manikit.runtime.scheduler.plugins import inter_pod_affinity as ipa

    nodes = [node_info(make_node(n)) for n in "abcd"]
    assert ipa.new().normalize(CycleState(), pod_info(make_pod("p")), nodes, [-50, 0, 25, 50]) == [
        0,
        50,
        75,
        100,
    ]
    assert ipa.new().normalize(CycleState(), pod_info(make_pod("p")), nodes, [7, 7, 7, 7]) == [0, 0, 0, 0]


def test_inter_pod_affinity_skips_when_no_term_concerns_the_pod() -> None:
    from manikit.runtime.scheduler.plugins import inter_pod_affinity as ipa

    nodes = [node_info(make_node("a"))]
    pod = pod_info(make_pod("p"))
    assert ipa.new().pre_filter(CycleState(), pod, nodes).is_skip()
    assert ipa.new().pre_score(CycleState(), pod, nodes, nodes).is_skip()
