"""FailedScheduling wording: kube-scheduler's FitError.Error(), character for character."""

from __future__ import annotations

from collections import Counter

import pytest

from manikit.runtime.scheduler import schedule
from manikit.runtime.scheduler.message import fit_error_message, fit_error_message_from_counts
from tests.runtime.scheduler.helpers import make_node, make_pod

AFFINITY = "node(s) didn't match Pod's node affinity/selector"


@pytest.mark.parametrize(
    ("num_nodes", "reasons", "message"),
    [
        (
            3,
            [["Insufficient cpu"], [AFFINITY], [AFFINITY]],
            f"0/3 nodes are available: 1 Insufficient cpu, 2 {AFFINITY}.",
        ),
        (
            1,
            [["Insufficient cpu", "Insufficient memory"]],
            "0/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory.",
        ),
        (
            12,
            [["Insufficient cpu"]] * 10 + [[AFFINITY]] * 2,
            f"0/12 nodes are available: 10 Insufficient cpu, 2 {AFFINITY}.",
        ),
        (
            12,
            [["Too many pods"]] * 2 + [["Insufficient cpu"]] * 10,
            "0/12 nodes are available: 10 Insufficient cpu, 2 Too many pods.",
        ),
        (0, [], "no nodes available to schedule pods"),
    ],
    ids=["issue-example", "two-reasons-one-node", "sorted-as-strings", "count-first", "no-nodes"],
)
def test_fit_error_message(num_nodes: int, reasons: list[list[str]], message: str) -> None:
    assert fit_error_message(num_nodes, reasons) == message
    assert fit_error_message_from_counts(num_nodes, Counter(r for rs in reasons for r in rs)) == message


@pytest.mark.parametrize("fast", [True, False], ids=["vector-path", "per-node-path"])
def test_issue_example_end_to_end(fast: bool) -> None:
    from manikit.runtime.scheduler.engine import schedule_pods

    nodes = [
        make_node("node-a", cpu="1", labels={"disktype": "ssd"}),
        make_node("node-b", labels={"disktype": "hdd"}),
        make_node("node-c"),
    ]
    pod = make_pod("web", cpu="2", spec={"nodeSelector": {"disktype": "ssd"}})
    [decision] = schedule_pods(nodes, [pod], fast=fast)
    assert decision.node is None
    assert decision.message == (
        "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector."
    )
    assert [(v.node, v.plugin, v.reasons) for v in decision.verdicts] == [
        ("node-a", "NodeResourcesFit", ("Insufficient cpu",)),
        ("node-b", "NodeAffinity", (AFFINITY,)),
        ("node-c", "NodeAffinity", (AFFINITY,)),
    ]


def test_every_filter_in_one_message() -> None:
    nodes = [
        make_node("a", unschedulable=True),
        make_node("b", taints=[{"key": "gpu", "value": "true", "effect": "NoSchedule"}]),
        make_node("c", labels={"pool": "other"}),
        make_node("d"),
        make_node("e", cpu="100m"),
        make_node("f", pods="1"),
    ]
    pods = [
        make_pod("port-holder", host_port=80, node_name="d"),
        make_pod("filler", node_name="f"),
        make_pod("web", cpu="200m", host_port=80, spec={"nodeSelector": {"kubernetes.io/os": "linux"}}),
    ]
    for node in nodes[2:]:
        node.metadata.labels = {**node.labels, "kubernetes.io/os": "linux"}
    nodes[2].metadata.labels = {"pool": "other"}
    [decision] = schedule(nodes, pods)
    assert decision.message == (
        "0/6 nodes are available: 1 Insufficient cpu, 1 Too many pods, "
        "1 node(s) didn't have free ports for the requested pod ports, "
        "1 node(s) didn't match Pod's node affinity/selector, "
        "1 node(s) had untolerated taint {gpu: true}, 1 node(s) were unschedulable."
    )
