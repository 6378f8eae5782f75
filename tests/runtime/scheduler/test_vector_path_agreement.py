"""The vectorised path must decide exactly what the per-node path decides: same node, same FailedScheduling
message, same verdicts, on random clusters full of taints, selectors, affinities, ports and spreads."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from manikit.runtime.scheduler import template, vectorpath
from manikit.runtime.scheduler.engine import schedule_pods
from manikit.runtime.scheduler.framework import SUCCESS, CycleState, Status, unschedulable
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.profile import (
    DEFAULT_FILTERS,
    DEFAULT_PROFILE,
    DEFAULT_SCORES,
    Profile,
    build_profile,
)
from manikit.runtime.scheduler.vectorised import vector_profile
from tests.runtime.scheduler.helpers import make_node, make_pod
from tests.runtime.scheduler.random_cluster import random_nodes, random_pods


def assert_agree(seed: int, profile: Profile = DEFAULT_PROFILE) -> None:
    rng = random.Random(seed)
    nodes = random_nodes(rng)
    pods = random_pods(rng, nodes)
    slow = schedule_pods(nodes, pods, fast=False, profile=profile)
    fast = schedule_pods(nodes, pods, fast=True, profile=profile)
    assert [(d.name, d.node, d.message) for d in fast] == [(d.name, d.node, d.message) for d in slow]
    for f, s in zip(fast, slow, strict=True):
        if s.node is None:
            assert f.verdicts == s.verdicts
        else:
            chosen = next(v for v in s.verdicts if v.node == s.node)
            assert f.verdicts == (chosen,)


@pytest.mark.parametrize(
    ("limit", "budget"),
    [(0, vectorpath.TEMPLATE_MEMORY_BUDGET), (1000, vectorpath.TEMPLATE_MEMORY_BUDGET), (1000, 1)],
    ids=["vector-refresh", "scalar-refresh", "one-template-cached"],
)
@pytest.mark.parametrize("seed", range(60))
def test_vector_path_agrees_with_plugins(
    seed: int, limit: int, budget: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(template, "SCALAR_REFRESH_LIMIT", limit)
    monkeypatch.setattr(vectorpath, "TEMPLATE_MEMORY_BUDGET", budget)
    assert_agree(seed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
@example(981)  # a controller's first pod placed by the plugin path, before any spreading decision
def test_vector_path_agrees_on_any_seed(seed: int) -> None:
    assert_agree(seed)


def shuffled_profile(seed: int) -> Profile:
    """The default plugins in another filter order (usage filters before node-only ones, too), some
    left out, with other score weights."""
    rng = random.Random(seed)
    filters = [name for name in DEFAULT_FILTERS if rng.random() < 0.8]
    rng.shuffle(filters)
    scores = [(name, rng.randint(1, 5)) for name, _ in DEFAULT_SCORES if rng.random() < 0.8]
    return build_profile(tuple(filters), tuple(scores))


@pytest.mark.parametrize("seed", range(40))
def test_a_custom_profile_of_vector_plugins_takes_the_vector_path_and_agrees(seed: int) -> None:
    profile = shuffled_profile(seed)
    assert vector_profile(profile) is not None
    assert_agree(seed, profile)


class NodeOnlyOdd:
    """A filter with no vector form: a profile holding it is scheduled node by node."""

    name = "NodeOnlyOdd"

    def filter(self, state: CycleState, pod: PodInfo, node: NodeInfo) -> Status:
        return SUCCESS if node.name[-1] in "13579" else unschedulable(self.name, "node(s) were even")


def test_a_plugin_without_vector_form_makes_the_engine_fall_back_to_the_per_node_path() -> None:
    profile = Profile((NodeOnlyOdd(), *DEFAULT_PROFILE.filters), DEFAULT_PROFILE.scores)
    assert vector_profile(profile) is None
    nodes = [make_node(f"n{i}") for i in range(4)]
    decisions = schedule_pods(nodes, [make_pod(f"p{i}", cpu="1") for i in range(3)], profile=profile)
    assert {d.node for d in decisions} <= {"n1", "n3"}
    assert all(len(d.verdicts) == 4 for d in decisions)  # every node's verdict: the per-node path


@pytest.mark.parametrize("seed", range(3))
def test_vector_path_agrees_on_crowded_nodes(seed: int) -> None:
    """Many replicas per node: spread tables widen, most refreshes are vectors over many nodes."""
    rng = random.Random(seed)
    nodes = [
        make_node(
            f"n{i:03d}",
            cpu=rng.choice(["4", "8"]),
            zone=rng.choice(["a", "b", None]),
            labels={"disk": "ssd"} if rng.random() < 0.3 else {},
        )
        for i in range(rng.randint(3, 12))
    ]
    pods = [
        make_pod(
            f"p{i:03d}",
            cpu=rng.choice(["50m", "100m", "300m"]),
            owner=f"rs{i % 4}",
            spec={"nodeSelector": {"disk": "ssd"}} if i % 4 == 3 else None,
            created=f"2025-01-01T00:{rng.randrange(60):02d}:00Z",
        )
        for i in range(200)
    ]
    slow = schedule_pods(nodes, pods, fast=False)
    fast = schedule_pods(nodes, pods, fast=True)
    assert [(d.name, d.node, d.message) for d in fast] == [(d.name, d.node, d.message) for d in slow]
