"""FailedScheduling wording, exactly as kube-scheduler's FitError.Error() builds it.

``0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.``
Each node contributes every reason of the filter that rejected it; the "count reason" strings are
sorted as strings (Go's sort.Strings), so "10 ..." comes before "2 ...", as in real clusters.

No preemption suffix (``preemption: 0/3 nodes are available: ...``): that text is the
DefaultPreemption PostFilter's report, and manikit's scheduler runs no preemption, so claiming what
preemption found would be inventing a result. The message is what a cluster with PostFilter
disabled prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

NO_NODES_AVAILABLE = "no nodes available to schedule pods"
#: PodScheduled condition reasons (v1.PodReasonUnschedulable, v1.PodReasonSchedulingGated).
UNSCHEDULABLE = "Unschedulable"
SCHEDULING_GATED = "SchedulingGated"
SCHEDULING_GATED_MESSAGE = "Scheduling is blocked due to non-empty scheduling gates"
NO_NODE_AVAILABLE_MSG = "0/{count} nodes are available"


def fit_error_message(num_nodes: int, reasons_per_node: Iterable[Sequence[str]]) -> str:
    """The message for ``num_nodes`` nodes, each rejected with its filter's reasons."""
    histogram = Counter(reason for reasons in reasons_per_node for reason in reasons)
    return fit_error_message_from_counts(num_nodes, histogram)


def fit_error_message_from_counts(num_nodes: int, histogram: Counter[str]) -> str:
    """The same message from reason counts already added up over the nodes."""
    if num_nodes == 0:
        return NO_NODES_AVAILABLE
    message = NO_NODE_AVAILABLE_MSG.format(count=num_nodes) + ":"
    parts = sorted(f"{count} {reason}" for reason, count in histogram.items() if count)
    if parts:
        message += f" {', '.join(parts)}."
    return message
