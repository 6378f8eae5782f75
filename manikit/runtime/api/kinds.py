"""The kinds the API serves, how they are scoped and which model validates them."""

from __future__ import annotations

from collections.abc import Sequence

from manikit.errors import InvalidError, NotFoundError
from manikit.models.meta import TypeMeta
from manikit.models.registry import INTERNAL_KINDS, KINDS, KindInfo

API_KINDS: dict[str, KindInfo] = {info.kind: info for info in (*KINDS.values(), *INTERNAL_KINDS.values())}

#: The API group shown in messages (kubectl: ``deployments.apps``, ``Deployment.apps``).
GROUP_SUFFIX = {"Deployment": ".apps", "ReplicaSet": ".apps"}


def kind_info(kind: str) -> KindInfo:
    info = API_KINDS.get(kind)
    if info is None:
        raise NotFoundError(f'the server doesn\'t have a resource type "{kind}"')
    return info


def model_for(kind: str) -> type[TypeMeta]:
    return kind_info(kind).model


def scope(kind: str, namespace: str | None) -> str:
    """The store's namespace key: "" for cluster-scoped kinds, else the namespace (default "default")."""
    if not kind_info(kind).namespaced:
        return ""
    return namespace or "default"


def invalid(kind: str, name: str, detail: str, *more: str) -> InvalidError:
    """Kubernetes' Invalid status: ``Deployment.apps "web" is invalid: spec.selector: ...``; several
    causes are listed as the server lists them, ``[a, b]``."""
    causes = (detail, *more)
    shown = detail if not more else f"[{', '.join(causes)}]"
    return InvalidError(
        f'{kind}{GROUP_SUFFIX.get(kind, "")} "{name}" is invalid: {shown}', kind, name, causes
    )


def refuse_invalid(kind: str, name: str, errors: Sequence[object]) -> None:
    """Raise the Invalid status for ``errors`` (field errors), if there are any."""
    if errors:
        raise invalid(kind, name, *(str(e) for e in errors))
