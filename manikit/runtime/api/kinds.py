"""The kinds the API serves, how they are scoped and which model validates them."""

from __future__ import annotations

from collections.abc import Sequence

from manikit.errors import Cause, InvalidError, NotFoundError
from manikit.kinds.field import FieldError
from manikit.models.meta import TypeMeta
from manikit.models.registry import INTERNAL_KINDS, KINDS, KindInfo
from manikit.runtime.store.names import group_of

API_KINDS: dict[str, KindInfo] = {info.kind: info for info in (*KINDS.values(), *INTERNAL_KINDS.values())}


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


def invalid(kind: str, name: str, *causes: Cause | str) -> InvalidError:
    """Kubernetes' Invalid status: ``Deployment.apps "web" is invalid: spec.selector: ...``; several
    causes are listed as the server lists them, ``[a, b]``. A cause is a ``Cause`` or its printed form
    (``spec.ports[0].nodePort: Invalid value: 1: ...``)."""
    return InvalidError.of(kind, name, causes, group_of(kind))


def refuse_invalid(kind: str, name: str, errors: Sequence[FieldError]) -> None:
    """Raise the Invalid status for ``errors`` (field errors), if there are any."""
    if errors:
        raise invalid(kind, name, *(Cause.of(e.path.text, e.body) for e in errors))
