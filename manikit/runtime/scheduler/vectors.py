"""The cluster as whole-node numpy vectors (one slot per node, nodes sorted by name), kept in step
with the NodeInfos as pods are assumed, plus indexes the vectorised path reads: label columns, taint sets,
zones, host ports, and per-controller pod counts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

from manikit.models.node import Taint
from manikit.runtime.scheduler.nodeinfo import ZONE_LABEL, Group, NodeInfo, PodInfo
from manikit.runtime.scheduler.podaffinity import AffinityTerm
from manikit.runtime.scheduler.resources import PODS

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]


class ClusterArrays:
    def __init__(self, nodes: list[NodeInfo]) -> None:
        self.nodes = nodes
        self.size = len(nodes)
        self.names = [n.name for n in nodes]
        self.index = {name: i for i, name in enumerate(self.names)}
        self._alloc: dict[str, Ints] = {}
        self._requested: dict[str, Ints] = {}
        self._all_allocatable: dict[str, bool] = {}
        self._alloc_float: dict[str, Floats] = {}
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
        # Row of the spread score table: the zone value's index, or one extra row for "no zone label".
        self.zone_row = np.where(self.has_zone, self.zone_of, self.zone_count)
        self._label_columns: dict[str, tuple[npt.NDArray[np.int32], list[str]]] = {}
        self.port_users: defaultdict[tuple[str, int], set[int]] = defaultdict(set)
        for i, node in enumerate(nodes):
            for _, protocol, port in node.used_ports:
                self.port_users[(protocol, port)].add(i)
        self._groups: dict[Group, GroupCounts] = {}
        self._bound_groups = self._count_groups(nodes)
        self.changes: list[int] = []  # node indices, one per assumed pod: what templates must refresh
        # Every inter-pod (anti-)affinity term of the placed pods, and per (namespace, labels) of
        # other pods how far that list has been checked for a term about them and if one was found.
        self.affinity_terms: list[AffinityTerm] = [
            t for n in nodes for p in n.pods_with_affinity if p.affinity for t in p.affinity.all_terms()
        ]
        self._concerned: dict[tuple[str, frozenset[tuple[str, str]]], tuple[int, bool]] = {}

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

    def all_allocatable(self, resource: str) -> bool:
        """Whether every node has some of ``resource`` (scores then need no zero-capacity cases)."""
        if resource not in self._all_allocatable:
            self._all_allocatable[resource] = bool((self.allocatable(resource) != 0).all())
        return self._all_allocatable[resource]

    def allocatable_float(self, resource: str) -> Floats:
        if resource not in self._alloc_float:
            self._alloc_float[resource] = self.allocatable(resource).astype(np.float64)
        return self._alloc_float[resource]

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

    def _count_groups(self, nodes: list[NodeInfo]) -> dict[Group, Ints]:
        """Per controller, its bound pods per node, in one pass over the nodes that hold any."""
        counts: dict[Group, Ints] = {}
        for i, node in enumerate(nodes):
            for group, count in node.group_counts.items():
                if group not in counts:
                    counts[group] = np.zeros(self.size, dtype=np.int64)
                counts[group][i] = count
        return counts

    def group(self, group: Group) -> GroupCounts:
        """Per node, how many pods of this controller it holds (and the spread table index)."""
        found = self._groups.get(group)
        if found is None:
            counts = self._bound_groups.pop(group, None)
            if counts is None:
                counts = np.zeros(self.size, dtype=np.int64)
            found = self._groups[group] = GroupCounts(counts, self.zone_row)
        return found

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
        if pod.group is not None:
            if pod.group in self._groups:
                self._groups[pod.group].add(i)
            else:  # counted here until a spreading decision first asks for this controller
                counts = self._bound_groups.get(pod.group)
                if counts is None:
                    counts = self._bound_groups[pod.group] = np.zeros(self.size, dtype=np.int64)
                counts[i] += 1
        self.changes.append(i)
        if pod.affinity is not None:
            self.affinity_terms.extend(pod.affinity.all_terms())

    def concerned_by_affinity(self, pod: PodInfo) -> bool:
        """Whether any placed pod has an inter-pod (anti-)affinity term that selects ``pod``."""
        if not self.affinity_terms:
            return False
        key = (pod.namespace, frozenset(pod.pod.labels.items()))
        checked, found = self._concerned.get(key, (0, False))
        if not found:
            labels = pod.pod.labels
            found = any(term.matches(pod.namespace, labels) for term in self.affinity_terms[checked:])
            self._concerned[key] = (len(self.affinity_terms), found)
        return found


class GroupCounts:
    """One controller's pods per node, and per node the flat index ``zone_row * width + count`` into
    a (zones + 1) x width table: the spread score depends on a node only through that pair."""

    def __init__(self, counts: Ints, zone_row: Ints) -> None:
        self.counts = counts
        self.zone_row = zone_row
        self.highest = int(counts.max()) if counts.size else 0
        self._reindex(8)

    def _reindex(self, width: int) -> None:
        while width <= self.highest:
            width *= 2
        self.width = width
        self.index: Ints = self.zone_row * width + self.counts

    def add(self, i: int) -> None:
        self.counts[i] += 1
        count = int(self.counts[i])
        if count > self.highest:
            self.highest = count
        if count >= self.width:
            self._reindex(self.width * 2)
        else:
            self.index[i] += 1
