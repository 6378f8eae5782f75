"""The merge keys of the served kinds' lists, as their Go types declare them
(``patchMergeKey``/``listMapKeys``): strategic merge patches and field ownership both key list items by
them."""

from __future__ import annotations

from typing import Any

#: Lists merged item by item, by field name, with their merge key (the kinds manikit serves).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "volumes": "name",
    "env": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "conditions": "type",
    "ownerReferences": "uid",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "readinessGates": "conditionType",
    "resourceClaims": "name",
    "addresses": "type",
    "containerStatuses": "name",
    "initContainerStatuses": "name",
}


def list_key(field: str, items: list[Any]) -> str | None:
    if field == "ports":  # container ports by containerPort, Service ports by port
        sample = next((i for i in items if isinstance(i, dict)), {})
        return "containerPort" if "containerPort" in sample else "port"
    return MERGE_KEYS.get(field)
