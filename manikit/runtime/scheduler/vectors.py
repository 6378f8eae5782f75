"""The cluster as whole-node numpy vectors (one slot per node, nodes sorted by name), kept in step
with the NodeInfos as pods are assumed, plus indexes the fast path reads: label columns, taint sets,
zones, host ports, and per-controller pod counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from manikit.models.node import Taint
from manikit.runtime.scheduler.nodeinfo import ZONE_LABEL, Group, NodeInfo, PodInfo
from manikit.runtime.scheduler.resources import PODS

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


class ClusterArrays:
    def __init__(self, nodes: list[NodeInfo]) -> None:
        self.nodes = nodes
        self.size = len(nodes)
        self.names = [n.name for n in nodes]
        self._alloc: dict[str, Ints] = {}
        self._requested: dict[str, Ints] = {}
        self.non_zero_cpu = self._ints(n.non_zero_cpu for n in nodes)
        self.non_zero_memory = self._ints(n.non_zero_memory for n in nodes)
        self.pod_count = self._ints(n.pod_count for n in nodes)
        self.allowed_pods = self.allocatable(PODS)
        self.unschedulable = np.array([n.unschedulable for n in nodes], dtype=bool)
        self.taint_sets, self.taint_set_of = self._index_taints(nodes)
        zone_values: dict[str, int] = {}
        self.zone_of = self._ints(
            zone_values.setdefault(n.labels.get(ZONE_LABEL, ""), len(zone_values)) for n in nodes
        )
        self.zone_count = len(zone_values)
        self.has_zone = np.array([ZONE_LABEL in n.labels for n in nodes], dtype=bool)
        self._label_columns: dict[str, tuple[npt.NDArray[np.int32], list[str]]] = {}
        self.port_users: defaultdict[tuple[str, int], set[int]] = defaultdict(set)
        for i, node in enumerate(nodes):
            for _, protocol, port in node.used_ports:
                self.port_users[(protocol, port)].add(i)
        self._group_counts: dict[Group, Ints] = {}
        self.changes: list[int] = []  # node indices, one per assumed pod: what templates must refresh

    @staticmethod
    def _ints(values: Iterable[int]) -> Ints:
        return np.fromiter(values, dtype=np.int64, count=-1)

    @staticmethod
    def _index_taints(nodes: list[NodeInfo]) -> tuple[list[tuple[Taint, ...]], Ints]:
        """Nodes grouped by identical taint lists: taint rules are evaluated once per group."""
        ids: dict[tuple[tuple[str, str | None, str], ...], int] = {}
        sets: list[tuple[Taint, ...]] = []
        of = np.zeros(len(nodes), dtype=np.int64)
        for i, node in enumerate(nodes):
            key = tuple((t.key, t.value, t.effect) for t in node.taints)
            if key not in ids:
                ids[key] = len(sets)
                sets.append(node.taints)
            of[i] = ids[key]
        return sets, of

    def allocatable(self, resource: str) -> Ints:
        if resource not in self._alloc:
            self._alloc[resource] = self._ints(n.allocatable.get(resource, 0) for n in self.nodes)
        return self._alloc[resource]

    def requested(self, resource: str) -> Ints:
        if resource not in self._requested:
            self._requested[resource] = self._ints(n.requested.get(resource, 0) for n in self.nodes)
        return self._requested[resource]

    def label_column(self, key: str) -> tuple[npt.NDArray[np.int32], list[str]]:
        """Per node, 0 when the label is absent, else 1 + the index of its value in the list."""
        if key not in self._label_columns:
            values: dict[str, int] = {}
            codes = np.zeros(self.size, dtype=np.int32)
            for i, node in enumerate(self.nodes):
                value = node.labels.get(key)
                if value is not None:
                    codes[i] = values.setdefault(value, len(values) + 1)
            self._label_columns[key] = (codes, list(values))
        return self._label_columns[key]

    def group_counts(self, group: Group) -> Ints:
        """Per node, how many pods of this controller it holds."""
        if group not in self._group_counts:
            self._group_counts[group] = self._ints(n.group_counts[group] for n in self.nodes)
        return self._group_counts[group]

    def assume(self, i: int, pod: PodInfo) -> None:
        """Account for ``pod`` on node ``i`` in the NodeInfo and in every vector built so far."""
        self.nodes[i].add(pod)
        for resource, value in pod.requests.items():
            if resource in self._requested:
                self._requested[resource][i] += value
        self.non_zero_cpu[i] += pod.non_zero[0]
        self.non_zero_memory[i] += pod.non_zero[1]
        self.pod_count[i] += 1
        for _, protocol, port in pod.host_ports:
            self.port_users[(protocol, port)].add(i)
        if pod.group is not None and pod.group in self._group_counts:
            self._group_counts[pod.group][i] += 1
        self.changes.append(i)
