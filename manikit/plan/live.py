"""The recorded side of a plan: live objects for the desired keys, and the apply set's inventory.

An apply set is the objects one `manikit apply` manages: each carries the label
``manikit.dev/applyset: <name>``, and the cluster keeps the set's inventory, so that a prune
deletes exactly what this apply set created and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable

from manikit.cluster import Cluster
from manikit.plan.actions import APPLY_ORDER, Body, ObjectKey

APPLYSET_LABEL = "manikit.dev/applyset"
DEFAULT_APPLYSET = "default"


def inventory(cluster: Cluster, applyset: str) -> set[ObjectKey]:
    """The apply set's members: the stored inventory plus anything still labelled as a member."""
    return set(members(cluster, applyset)[0])


def members(cluster: Cluster, applyset: str) -> tuple[set[ObjectKey], dict[ObjectKey, Body]]:
    """The apply set's keys, and the live objects among them found by their label (read once)."""
    keys = {ObjectKey(*k) for k in cluster.applyset_inventory(applyset)}
    found: dict[ObjectKey, Body] = {}
    for kind in APPLY_ORDER:
        for body in cluster.list(kind, None, {APPLYSET_LABEL: applyset}):
            key = ObjectKey.of(body)
            keys.add(key)
            found[key] = body
    return keys, found


def live_objects(
    cluster: Cluster, keys: Iterable[ObjectKey], known: dict[ObjectKey, Body] | None = None
) -> dict[ObjectKey, Body]:
    """The current object for each key that exists (``known``: objects already read)."""
    found: dict[ObjectKey, Body] = {}
    known = known or {}
    for key in keys:
        body = known.get(key)
        if body is None:
            body = cluster.find(key.kind, key.name, key.namespace or None)
        if body is not None:
            found[key] = body
    return found


def save_inventory(cluster: Cluster, applyset: str, keys: Iterable[ObjectKey]) -> None:
    cluster.save_applyset_inventory(applyset, [(k.kind, k.namespace, k.name, k.api_version) for k in keys])
