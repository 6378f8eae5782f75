"""Apply sets as manikit kept them before it followed the ApplySet standard: members labelled
``manikit.dev/applyset: NAME`` and an inventory in the local store's notes. Read only so that such
a set loses no member; the next apply moves it to the standard (``manikit.plan.live``)."""

from __future__ import annotations

from manikit.cluster.local import LocalCluster
from manikit.cluster.protocol import Cluster

LEGACY_LABEL = "manikit.dev/applyset"
INVENTORY_TOPIC = "applyset"

#: one member as the old inventory recorded it: (kind, namespace, name, apiVersion)
Member = tuple[str, str, str, str]


def legacy_inventory(cluster: Cluster, applyset: str) -> list[Member]:
    """The old inventory of ``applyset`` (only a local state has one)."""
    if not isinstance(cluster, LocalCluster):
        return []
    return [(k[0], k[1], k[2], k[3]) for k in cluster.store.get_note(INVENTORY_TOPIC, applyset) or []]


def forget_legacy_inventory(cluster: Cluster, applyset: str) -> None:
    if isinstance(cluster, LocalCluster) and cluster.store.get_note(INVENTORY_TOPIC, applyset):
        cluster.store.delete_note(INVENTORY_TOPIC, applyset)
