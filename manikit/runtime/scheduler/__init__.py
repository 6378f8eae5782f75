"""The scheduler: binds pending pods onto nodes with kube-scheduler's Filter and Score plugins.

The contract the rest of the control plane relies on is ``schedule(nodes, pods)`` below and the
``Decision`` value it returns, and ``explain(nodes, pods, namespace, name)`` for one pod's full
per-node verdicts; everything else in this package is the scheduler's own business.
"""

from __future__ import annotations

from manikit.runtime.scheduler.types import Decision, NodeVerdict, explain, schedule

__all__ = ["Decision", "NodeVerdict", "explain", "schedule"]
