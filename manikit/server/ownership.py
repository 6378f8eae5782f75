"""Who a write through the REST API is by: the ``fieldManager`` parameter, else the client's User-Agent
up to its first ``/`` (``kubectl/v1.37.1 ...`` is ``kubectl``; kubectl names most of its writes itself:
``kubectl-client-side-apply``, ``kubectl-edit``, ``kubectl-label``...), as kube-apiserver names it.
What the write then owns is recorded by the control plane (``manikit.fields.ownership``).
"""

from __future__ import annotations

from collections.abc import Mapping

from manikit.fields import MAX_MANAGER, check_manager


def manager_name(query: Mapping[str, str], user_agent: str) -> str:
    """``fieldManager``, else the User-Agent's prefix (printable characters, at most 128)."""
    given = query.get("fieldManager")
    if given is not None and given != "":
        return check_manager(given)
    prefix = "".join(c for c in user_agent.split("/")[0] if c.isprintable())
    return prefix.encode()[:MAX_MANAGER].decode("utf-8", "ignore")
