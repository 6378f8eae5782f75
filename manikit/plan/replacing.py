"""``--replace KIND/NAMESPACE/NAME`` (terraform's ``-replace``): the objects a plan deletes and creates
again even though Kubernetes could change them in place, or must because it refuses to."""

from __future__ import annotations

from collections.abc import Collection, Container, Sequence

from manikit.errors import PlanError
from manikit.plan.actions import ObjectKey
from manikit.plan.changes import Desired


def check_replace(
    addresses: Collection[str], desired: Sequence[Desired], recorded: Container[ObjectKey]
) -> frozenset[ObjectKey]:
    """The keys ``addresses`` name; each must be in the manifests and ``recorded`` in the cluster."""
    if not addresses:
        return frozenset()
    wanted = {_address(d.key): d.key for d in desired}
    found: set[ObjectKey] = set()
    for address in addresses:
        key = wanted.get(_normal(address))
        if key is None:
            raise PlanError(
                f"--replace {address}: no such object in the manifests; name it as the plan does, "
                "KIND/NAMESPACE/NAME (KIND/NAME for a Namespace or Node), e.g. Deployment/shop/web"
            )
        if key not in recorded:
            raise PlanError(
                f"--replace {address}: {key} is not in the cluster yet, so there is nothing to replace"
            )
        found.add(key)
    return frozenset(found)


def _address(key: ObjectKey) -> str:
    return _normal(str(key))


def _normal(address: str) -> str:
    kind, _, rest = address.strip().partition("/")
    return f"{kind.lower()}/{rest}"
