"""Each plugin's two forms, against each other: its vector form must give, on every node, what its
per-node form gives (filter reasons, raw and normalized scores, PreFilter/PreScore skips), on random
clusters and pods, over all nodes and over random subsets of them."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manikit.runtime.scheduler.engine import take_snapshot
from manikit.runtime.scheduler.framework import (
    CycleState,
    FilterPlugin,
    NormalizeScorePlugin,
    PreFilterPlugin,
    PreScorePlugin,
    ScorePlugin,
)
from manikit.runtime.scheduler.nodeinfo import NodeInfo, PodInfo
from manikit.runtime.scheduler.plugins import REGISTRY
from manikit.runtime.scheduler.plugins.pod_topology_spread import (
    SpreadState,
    _rounded_row,
    _rounded_table,
    normalizing_weight,
)
from manikit.runtime.scheduler.profile import build_profile
from manikit.runtime.scheduler.vectorised import (
    NodeFilterVector,
    NodeScoreVector,
    PodCoverage,
    PodScoreVector,
    UsageFilterVector,
    UsageScoreVector,
    vector_profile,
)
from manikit.runtime.scheduler.vectors import Bools, ClusterArrays
from tests.runtime.scheduler.random_cluster import random_nodes, random_pods

PLUGINS = {name: factory() for name, factory in REGISTRY.items()}


class View:
    """A TemplateView for one pod, with the feasible nodes chosen by the test."""

    def __init__(self, cluster: ClusterArrays, info: PodInfo, feasible: Bools) -> None:
        self.cluster, self.info, self.feasible = cluster, info, feasible
        self.memo: dict[str, Any] = {}
        self.feasible_count = int(np.count_nonzero(feasible))
        self.epoch = 0


def cases(seed: int) -> list[tuple[ClusterArrays, PodInfo, Bools, random.Random]]:
    rng = random.Random(seed)
    nodes = random_nodes(rng)
    snap = take_snapshot(nodes, random_pods(rng, nodes))
    cluster = ClusterArrays(snap.nodes)
    found = []
    for pod in snap.pending:
        feasible = np.array([rng.random() < 0.7 for _ in snap.nodes], dtype=bool)
        feasible[rng.randrange(len(snap.nodes))] = True  # scores are computed for one node at least
        found.append((cluster, pod, feasible, rng))
    return found


def per_node_filter(plugin: Any, pod: PodInfo, nodes: list[NodeInfo]) -> list[tuple[str, ...] | None]:
    """Reasons per node (None: passes), PreFilter first as the runner does."""
    assert isinstance(plugin, FilterPlugin)
    state = CycleState()
    if isinstance(plugin, PreFilterPlugin) and plugin.pre_filter(state, pod, nodes).is_skip():
        return [None for _ in nodes]
    found: list[tuple[str, ...] | None] = []
    for node in nodes:
        status = plugin.filter(state, pod, node)
        assert status.is_success() or status.plugin == plugin.name
        found.append(None if status.is_success() else status.reasons)
    return found


def per_node_scores(plugin: Any, pod: PodInfo, cluster: ClusterArrays, feasible: Bools) -> list[int] | None:
    """Normalized scores of the feasible nodes (None: PreScore skips), as the runner computes them."""
    assert isinstance(plugin, ScorePlugin)
    state = CycleState()
    chosen = [n for n, f in zip(cluster.nodes, feasible.tolist(), strict=True) if f]
    if isinstance(plugin, PreScorePlugin) and plugin.pre_score(state, pod, chosen, cluster.nodes).is_skip():
        return None
    scores = [plugin.score(state, pod, node) for node in chosen]
    if isinstance(plugin, NormalizeScorePlugin):
        scores = plugin.normalize(state, pod, chosen, scores)
    return scores


def check_filter(
    plugin: Any, cluster: ClusterArrays, pod: PodInfo, feasible: Bools, rng: random.Random
) -> None:
    expected = per_node_filter(plugin, pod, cluster.nodes)
    view = View(cluster, pod, feasible)
    if isinstance(plugin, NodeFilterVector):
        failures = plugin.filter_nodes(view)
        got = [None if code == 0 else failures.reasons[code - 1] for code in failures.codes.tolist()]
        assert got == expected
    elif isinstance(plugin, UsageFilterVector):
        reasons = plugin.usage_reasons(pod)
        ix = np.array(sorted(rng.sample(range(cluster.size), rng.randint(1, cluster.size))), dtype=np.int64)
        bits = plugin.filter_usage(view, ix).tolist()
        got = [tuple(r for k, r in enumerate(reasons) if b >> k & 1) or None for b in bits]
        assert got == [expected[i] for i in ix.tolist()]
    else:  # only covers: the filter passes everywhere for the pods it covers
        assert isinstance(plugin, PodCoverage)
        assert expected == [None] * cluster.size


def check_score(plugin: Any, cluster: ClusterArrays, pod: PodInfo, feasible: Bools) -> None:
    expected = per_node_scores(plugin, pod, cluster, feasible)
    view = View(cluster, pod, feasible)
    if isinstance(plugin, NodeScoreVector):
        got = plugin.normalize_nodes(plugin.score_nodes(view), feasible)[feasible].tolist()
    elif isinstance(plugin, UsageScoreVector):
        everywhere = np.arange(cluster.size, dtype=np.int64)
        got = None if plugin.skips_score(pod) else plugin.score_usage(view, everywhere)[feasible].tolist()
    elif isinstance(plugin, PodScoreVector):
        scores = plugin.vector_scorer(cluster).score(view, pod, 1)
        got = None if scores is None else scores[feasible].tolist()
    else:  # only covers: the score is skipped for the pods it covers
        assert isinstance(plugin, PodCoverage)
        got = None
    assert got == expected


def check_seed(seed: int) -> None:
    for cluster, pod, feasible, rng in cases(seed):
        for name, plugin in PLUGINS.items():
            if isinstance(plugin, PodCoverage) and not plugin.covers(cluster, pod):
                continue  # the per-node path decides this pod
            if isinstance(plugin, FilterPlugin):
                check_filter(plugin, cluster, pod, feasible, rng)
            if isinstance(plugin, ScorePlugin):
                check_score(plugin, cluster, pod, feasible)
            assert name == plugin.name


VECTOR_KINDS = (
    NodeFilterVector,
    UsageFilterVector,
    NodeScoreVector,
    UsageScoreVector,
    PodScoreVector,
    PodCoverage,
)


@pytest.mark.parametrize("name", sorted(PLUGINS))
def test_every_plugin_has_a_vector_form(name: str) -> None:
    assert any(isinstance(PLUGINS[name], kind) for kind in VECTOR_KINDS)


def test_the_default_profile_takes_the_vector_path() -> None:
    assert vector_profile(build_profile()) is not None


@pytest.mark.parametrize("seed", range(40))
def test_vector_forms_agree_with_per_node_forms(seed: int) -> None:
    check_seed(seed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_vector_forms_agree_on_any_seed(seed: int) -> None:
    check_seed(seed)


@settings(max_examples=300, deadline=None)
@given(
    zones=st.lists(st.integers(0, 5000), min_size=1, max_size=12),
    pods=st.integers(0, 5000),
    highest=st.integers(0, 120),
    nodes=st.integers(1, 20000),
    zone_count=st.integers(1, 12),
)
def test_one_spread_score_row_in_python_equals_the_numpy_table(
    zones: list[int], pods: int, highest: int, nodes: int, zone_count: int
) -> None:
    """A zone's row of the system-default spreading score table computed in Python floats is the
    numpy table's row, cell for cell (the same float operations; rounding half away from zero)."""
    width = 8
    while width <= highest:
        width *= 2
    host, zone = normalizing_weight(nodes), normalizing_weight(zone_count)
    table = _rounded_table(np.array([pods, *zones], dtype=np.int64), highest + 1, width, host, zone)
    assert _rounded_row(pods, highest + 1, host, zone) == table[: highest + 1].tolist()
    assert table.shape == ((len(zones) + 2) * width,)


def test_spread_score_rounds_halves_up() -> None:
    """A raw score of exactly .5 rounds up (Go's math.Round), not to even."""
    # host weight 0.25: counts 0..3 give 2.0, 2.25, 2.5, 2.75; zone weight 0.5 on 1 pod: + 4.5
    table = _rounded_table(np.array([1]), 4, 8, 0.25, 0.5).tolist()
    assert table[:8] == [7, 7, 7, 7, 0, 0, 0, 0]  # 6.5, 6.75, 7.0, 7.25
    assert table[8:12] == [2, 2, 3, 3]  # no zone: 2.0, 2.25, 2.5, 2.75
    assert _rounded_row(1, 4, 0.25, 0.5) == [7, 7, 7, 7]


def test_spread_state_recomputes_only_changed_rows_and_agrees_with_a_full_table() -> None:
    """As pods land, the kept table is the one computed from scratch."""
    state = object.__new__(SpreadState)
    state.zones = np.array([0, 0, 0], dtype=np.int64)
    state._table, state._table_key, state._table_zones = None, (0, 0, 0.0, 0.0), []
    rng = random.Random(7)
    host, zone = normalizing_weight(300), normalizing_weight(3)
    used, width = 1, 8
    for _ in range(200):
        state.zones[rng.randrange(3)] += 1
        if rng.random() < 0.05:
            used = min(used + 1, width)
        kept = state.rounded(used, width, host, zone).tolist()
        assert kept == _rounded_table(state.zones, used, width, host, zone).tolist()
