"""The cluster seam: the ``Cluster`` protocol that plan, apply and the CLI use, ``LocalCluster`` over
the local control plane, ``manikit.cluster.remote.RemoteCluster`` over any Kubernetes API server
(imported only when a command targets one: lightkube costs start-up time), and ``open_cluster``, the
one way to open either."""

from manikit.cluster.local import LocalCluster
from manikit.cluster.opening import open_cluster
from manikit.cluster.protocol import (
    FIELD_MANAGER,
    Body,
    Cluster,
    NodeVerdict,
    Propagation,
    SchedulingVerdicts,
    Selector,
    Settling,
    Watched,
)

__all__ = [
    "FIELD_MANAGER",
    "Body",
    "Cluster",
    "LocalCluster",
    "NodeVerdict",
    "Propagation",
    "SchedulingVerdicts",
    "Selector",
    "Settling",
    "Watched",
    "open_cluster",
]
