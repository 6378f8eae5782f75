"""RFC 7386 JSON merge patch, as ``kubectl patch --type merge`` sends it: the one implementation,
used by ``Cluster.patch``, ``manikit patch`` and the served API's PATCH."""

from __future__ import annotations

import copy
from typing import Any


def merge_patch(target: Any, patch: Any) -> Any:
    """``target`` with ``patch`` merged in: objects merge key by key, ``null`` deletes, anything else
    (lists included) replaces. Neither argument is changed, nor shared with the result where replaced."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result
