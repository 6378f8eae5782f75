"""The default profile: which plugins filter (in kube-scheduler's order, first failure wins) and
which score, with kube-scheduler's default weights."""

from __future__ import annotations

from dataclasses import dataclass

from manikit.runtime.scheduler.framework import (
    FilterPlugin,
    NormalizeScorePlugin,
    PreScorePlugin,
    ScorePlugin,
)
from manikit.runtime.scheduler.plugins import REGISTRY
from manikit.runtime.scheduler.plugins import balanced_allocation as ba
from manikit.runtime.scheduler.plugins import inter_pod_affinity as ipa
from manikit.runtime.scheduler.plugins import node_affinity as na
from manikit.runtime.scheduler.plugins import node_name as nn
from manikit.runtime.scheduler.plugins import node_ports as np_
from manikit.runtime.scheduler.plugins import node_resources_fit as fit
from manikit.runtime.scheduler.plugins import node_unschedulable as nu
from manikit.runtime.scheduler.plugins import pod_topology_spread as pts
from manikit.runtime.scheduler.plugins import taint_toleration as tt

#: getDefaultPlugins() order, restricted to the plugins manikit models.
DEFAULT_FILTERS = (nu.NAME, nn.NAME, tt.NAME, na.NAME, np_.NAME, fit.NAME, pts.NAME, ipa.NAME)
DEFAULT_SCORES = ((tt.NAME, 3), (na.NAME, 2), (fit.NAME, 1), (pts.NAME, 2), (ipa.NAME, 2), (ba.NAME, 1))


@dataclass(frozen=True)
class ScoreEntry:
    plugin: ScorePlugin
    weight: int

    @property
    def name(self) -> str:
        return self.plugin.name

    def pre_score(self) -> PreScorePlugin | None:
        return self.plugin if isinstance(self.plugin, PreScorePlugin) else None

    def normalizer(self) -> NormalizeScorePlugin | None:
        return self.plugin if isinstance(self.plugin, NormalizeScorePlugin) else None


@dataclass(frozen=True)
class Profile:
    filters: tuple[FilterPlugin, ...]
    scores: tuple[ScoreEntry, ...]


def build_profile(
    filters: tuple[str, ...] = DEFAULT_FILTERS, scores: tuple[tuple[str, int], ...] = DEFAULT_SCORES
) -> Profile:
    made = {name: REGISTRY[name]() for name in {*filters, *(n for n, _ in scores)}}
    filter_plugins = tuple(_filter(made[n]) for n in filters)
    score_entries = tuple(ScoreEntry(_scorer(made[n]), w) for n, w in scores)
    return Profile(filter_plugins, score_entries)


def _filter(plugin: object) -> FilterPlugin:
    if not isinstance(plugin, FilterPlugin):
        raise TypeError(f"{type(plugin).__name__} is not a Filter plugin")
    return plugin


def _scorer(plugin: object) -> ScorePlugin:
    if not isinstance(plugin, ScorePlugin):
        raise TypeError(f"{type(plugin).__name__} is not a Score plugin")
    return plugin


DEFAULT_PROFILE = build_profile()
