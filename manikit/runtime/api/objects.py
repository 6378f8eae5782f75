"""Turning what a caller hands the API into stored bodies: validation, defaulting, system fields."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from manikit.errors import Cause, InvalidError
from manikit.kinds.registry import apply_defaults
from manikit.models.meta import ObjectMeta, TypeMeta
from manikit.runtime.api.admission import check_create
from manikit.runtime.api.kinds import invalid, kind_info, scope
from manikit.runtime.store import Body
from manikit.validate import admitted
from manikit.validate.pydantic_errors import error_message
from manikit.validate.semantic import validate_model

#: Kubernetes' alphabet for generated name suffixes (no vowels, no confusable digits).
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"

#: Status the API server resets on create, per kind (the rest keep what the caller gave).
STATUS_ON_CREATE: dict[str, dict[str, Any] | None] = {
    "Deployment": None,
    "ReplicaSet": None,
    "Service": {"loadBalancer": {}},
    "Namespace": {"phase": "Active"},
}


def to_body(
    obj: TypeMeta | Mapping[str, Any], namespace: str | None, trusted: bool, *, handed_over: bool = False
) -> tuple[str, Body]:
    """A fresh body the API may change: validated and defaulted unless ``trusted`` (``body_of``)."""
    kind, body, _ = body_of(obj, namespace, trusted, handed_over=handed_over)
    return kind, body


def body_of(
    obj: TypeMeta | Mapping[str, Any], namespace: str | None, trusted: bool, *, handed_over: bool = False
) -> tuple[str, Body, bool]:
    """A fresh body the API may change: validated and defaulted unless ``trusted``; and whether it is
    plain JSON that nobody else holds, each value of the type the store's text reads back as (an
    admitted manifest handed over: what loading admitted, decoded from its text, with an ObjectMeta
    written as its plain dump and the API's own managedFields).

    ``trusted`` is for controllers writing bodies derived from already-validated objects: it skips
    pydantic (the hot path of a 10,000-pod rollout) but not admission. A manifest loading admitted in
    full in this run (``manikit.validate.admitted``) is not admitted twice: only its ObjectMeta is
    validated again.

    ``handed_over``: the caller gives ``obj`` up, and its managedFields are plain JSON the API made
    itself (server-side apply's create): the body keeps them as they are (``meta_body``).
    """
    owned = not isinstance(obj, TypeMeta)  # a model validated here is ours to default in place
    if isinstance(obj, TypeMeta):
        model: TypeMeta = obj
    elif trusted:
        body = dict(obj)
        body["metadata"] = dict(body.get("metadata") or {})
        kind = str(body.get("kind", ""))
        if kind_info(kind).namespaced and not body["metadata"].get("namespace"):
            body["metadata"]["namespace"] = namespace or "default"
        return kind, body, False
    else:
        kind = str(obj.get("kind", ""))
        namespaced = kind_info(kind).namespaced  # an unknown kind: refused as validate refuses it
        kept = admitted.recall(obj, namespaced)
        if kept is not None:  # admitted by loading: the same checks on the same manifest
            body, meta = kept
            if namespaced and not meta.namespace:  # apply_defaults' one change to ObjectMeta
                meta.namespace = scope(kind, namespace) or "default"
            body["metadata"] = meta_body(meta) if handed_over else meta.to_k8s()
            if not namespaced:
                body["metadata"].pop("namespace", None)
            return kind, body, handed_over
        model = validate(obj)
    check_create(model)
    kind = model.kind
    namespace = scope(kind, namespace or model.metadata.namespace) or "default"
    defaulted = apply_defaults(model, namespace, in_place=owned)
    body = defaulted.to_k8s()
    if not kind_info(kind).namespaced:
        body["metadata"].pop("namespace", None)
    return kind, body, False


def meta_body(meta: ObjectMeta) -> Body:
    """``meta.to_k8s()`` for an ObjectMeta whose managedFields are plain JSON (str keys; str, int,
    bool, float but NaN and infinities, lists and dicts of those) that nobody else holds: they are
    taken as they are instead of dumped value by value (a create's whole field set: most of the
    dump's time). The rest is the model's dump; managedFields go where its field order puts them,
    before ``selfLink``."""
    managed = meta.managed_fields
    out = _plain_dump(meta)
    if out is None:
        out = meta.model_dump(by_alias=True, exclude_none=True, mode="json", exclude=_MANAGED)
    if managed is None:
        return out
    link = out.pop("selfLink", None)
    out["managedFields"] = managed
    if link is not None:
        out["selfLink"] = link
    return out


_MANAGED = {"managed_fields"}
#: ObjectMeta's fields in the order its dump writes them, each with the name it is written under
_META_FIELDS = tuple((name, info.alias or name) for name, info in ObjectMeta.model_fields.items())


def _plain_dump(meta: ObjectMeta) -> Body | None:
    """The dump ``meta_body`` makes (without managedFields) of an ObjectMeta whose fields are each
    None, a ``str``, an ``int`` (not a bool) or a ``dict`` of ``str`` to ``str``: those written as they
    are, in field order, the maps copied; None for any other value (the model dumps it)."""
    values = meta.__dict__
    out: Body = {}
    for name, alias in _META_FIELDS:
        value = values[name]
        kind = type(value)
        if value is None or name == "managed_fields":
            continue
        if kind is str or kind is int:
            out[alias] = value
        elif kind is dict and all(type(k) is str and type(v) is str for k, v in value.items()):
            out[alias] = dict(value)
        else:
            return None
    return out


def validate(data: Mapping[str, Any]) -> TypeMeta:
    kind = str(data.get("kind", ""))
    info = kind_info(kind)
    try:
        return validate_model(info.model, dict(data))
    except ValidationError as exc:
        name = str((data.get("metadata") or {}).get("name", ""))
        causes = [_cause(dict(e)) for e in exc.errors(include_url=False)]
        raise invalid(kind, name, *causes) from exc


def _cause(error: dict[str, Any]) -> Cause:
    """A schema error as the API server's field error: ``spec.replicas: Invalid value: -1: must be
    greater than or equal to 0``."""
    field = ".".join(str(step) for step in error["loc"])
    if error["type"] == "missing":
        return Cause("FieldValueRequired", "Required value", field)
    if error["type"] == "extra_forbidden":
        return Cause("FieldValueNotSupported", f'unknown field "{error["loc"][-1]}"', field)
    return Cause("FieldValueInvalid", f"Invalid value: {error_message([error])}", field)


def generated_name(prefix: str, seed: str, taken: set[str] | None = None) -> str:
    """``prefix`` plus five characters derived from ``seed`` (deterministic, unlike the API server)."""
    for attempt in range(1000):
        digest = hashlib.sha256(f"{seed}/{attempt}".encode()).digest()
        suffix = "".join(NAME_ALPHABET[b % len(NAME_ALPHABET)] for b in digest[:5])
        if taken is None or prefix + suffix not in taken:
            return prefix + suffix
    why = f"Invalid value: {prefix!r}: no free name is left with this prefix"
    cause = Cause.of("metadata.generateName", why)
    raise InvalidError(f"cannot generate a free name with prefix {prefix!r}", causes=[cause])


def spec_of(body: Body) -> Any:
    """What generation tracks: ``spec`` (Endpoints have ``subsets`` instead)."""
    return body.get("spec", body.get("subsets"))


def deterministic_uid(kind: str, namespace: str, name: str, revision: int) -> str:
    """A version-4-shaped uid derived from what is created and when (the store revision): random
    looking, as the API server's, but the same for the same history."""
    digest = bytearray(hashlib.sha256(f"{kind}/{namespace}/{name}/{revision}".encode()).digest()[:16])
    # RFC 4122 version 4 and variant bits, formatted directly (what uuid.UUID(bytes=, version=4)
    # writes, at a fraction of its cost: one uid per create, 10,000 in a large rollout)
    digest[6] = (digest[6] & 0x0F) | 0x40
    digest[8] = (digest[8] & 0x3F) | 0x80
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
