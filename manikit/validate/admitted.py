"""Create admission that loading has done already, kept by content, so that the API server does not
run the same checks again on the same manifest in the same run (issue 17: 10,000 objects applied).

Loading (``manikit.plan.desired``) validates each manifest as the API server's create admission does:
the kind's model (pydantic), the kind's create validation and its defaulting (``manikit.kinds``), in
this process or in its forked workers, which run the same code. ``keep`` records the result for each
manifest of a file without any problem; ``recall`` hands it back to the API for a create whose object
is that manifest, compared whole as canonical JSON (keys sorted, every value and its type), except
ObjectMeta's own fields. Those (labels, annotations, managedFields, the namespace...) are what apply
and the API add (the apply set's label, managedFields), so ``recall`` validates the create's
ObjectMeta itself, every time, with the model and rules the full path uses; only ``name`` and
``generateName`` are part of the comparison, as the kind's name rule checks them. Anything else, a
problem or a value that cannot be compared, is a miss: the API then admits the object in full.

This holds as long as a kind's create rules read ObjectMeta only through ``validate_object_meta``
(``manikit.kinds.meta``) and its defaulting sets only the namespace there, as today; the tests judge
every mutant of the validation suite both ways (``tests/validate/test_admitted.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
from pydantic import ValidationError

from manikit.kinds.meta import validate_object_meta
from manikit.models.base import validate_checked
from manikit.models.meta import ObjectMeta

Body = dict[str, Any]
#: the ObjectMeta fields a kind's own checks (its name rule) read: compared with the rest
NAMING = ("name", "generateName")
#: canonical content of a manifest -> its admitted body without metadata (JSON)
_KEPT: dict[bytes, bytes] = {}


def content_key(obj: Mapping[str, Any]) -> bytes | None:
    """What two manifests share when their create admission is the same but for ObjectMeta: the
    whole object, as canonical JSON, with only the naming fields of its metadata (None: not JSON)."""
    meta = obj.get("metadata")
    if not isinstance(meta, dict):
        return None
    named = {k: meta[k] for k in NAMING if k in meta}
    try:
        return orjson.dumps({**obj, "metadata": named}, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # a value JSON does not hold (or an integer beyond 64 bits): never kept
        return None


def keep(admitted: Iterable[tuple[Mapping[str, Any], Mapping[str, Any]]]) -> int:
    """Record what create admission made of each manifest: ``(manifest, body)`` pairs, ``body`` the
    manifest validated and defaulted in full. Replaces what was kept (one desired set at a time);
    returns how many are kept."""
    _KEPT.clear()
    for manifest, body in admitted:
        key = content_key(manifest)
        if key is not None:
            _KEPT[key] = orjson.dumps({**body, "metadata": {}})
    return len(_KEPT)


def forget() -> None:
    _KEPT.clear()


def kept() -> int:
    """How many manifests are kept."""
    return len(_KEPT)


def recall(obj: Mapping[str, Any], namespaced: bool) -> tuple[Body, ObjectMeta] | None:
    """For a create of ``obj``: the admitted body of the same manifest (a fresh copy, its metadata
    empty) and ``obj``'s ObjectMeta, validated here; None when nothing is kept for it or its
    ObjectMeta has any problem (the full admission then says which)."""
    if not _KEPT:
        return None
    key = content_key(obj)
    kept = None if key is None else _KEPT.get(key)
    if kept is None:
        return None
    meta = _object_meta(obj["metadata"])
    if meta is None or validate_object_meta(meta, namespaced, _named_already):
        return None
    body: Body = orjson.loads(kept)
    return body, meta


def _object_meta(raw: dict[str, Any]) -> ObjectMeta | None:
    """``raw`` validated as the full admission validates it (None: it refuses it). The model holds each
    managedFields entry as ``dict[str, Any]``: only the list, the entries and their keys are checked,
    so those are what is validated here; the values go in unchanged (``validate_checked``'s verdict
    does not depend on them: the bounded validator walks them for integers beyond int64, and when it
    finds one the checked validator, which bounds only a model's own fields, accepts them)."""
    plain = _plain_meta(raw)
    if plain is not None:
        return plain
    managed = raw.get("managedFields")
    shallow = raw
    if managed is not None:
        if type(managed) is not list or any(type(entry) is not dict for entry in managed):
            return None
        shallow = {**raw, "managedFields": [dict.fromkeys(entry) for entry in managed]}
    try:
        meta = validate_checked(ObjectMeta, shallow)
    except ValidationError:
        return None
    if managed is not None:
        meta.managed_fields = managed  # dumped (``to_k8s``) as the full admission dumps its copy
    return meta


#: ObjectMeta fields whose value ``_plain_meta`` takes as it is: the alias, the Python name, and whether
#: the value is a string (else a map of strings to strings)
_PLAIN_FIELDS = {
    "name": ("name", True),
    "generateName": ("generate_name", True),
    "namespace": ("namespace", True),
    "labels": ("labels", False),
    "annotations": ("annotations", False),
}


_NO_FIELDS: dict[str, Any] = dict.fromkeys(ObjectMeta.model_fields)


def _plain_meta(raw: dict[str, Any]) -> ObjectMeta | None:
    """``raw`` as ``validate_checked`` would make it, without running it, for the ObjectMeta a create by
    server-side apply hands over (names, labels, annotations and the API's own managedFields): each of
    those fields a ``str`` or a ``dict`` of ``str`` to ``str`` (exactly those types), managedFields a
    list of dicts with ``str`` keys. Strict validation takes such values as they are, so the model is
    the same; anything else (another field, another type, an integer anywhere) is None: validated."""
    values: dict[str, Any] = {}
    for alias, value in raw.items():
        if alias == "managedFields":
            if type(value) is not list:
                return None
            for entry in value:
                if type(entry) is not dict or any(type(k) is not str for k in entry):
                    return None
            values["managed_fields"] = value
            continue
        field = _PLAIN_FIELDS.get(alias) if type(alias) is str else None
        if field is None:
            return None
        if field[1]:
            if type(value) is not str:
                return None
        elif type(value) is not dict or any(
            type(k) is not str or type(v) is not str for k, v in value.items()
        ):
            return None
        values[field[0]] = value if field[1] else dict(value)
    meta = ObjectMeta.__new__(ObjectMeta)  # what ``model_construct`` makes, at a fraction of its cost
    fields = _NO_FIELDS.copy()
    fields.update(values)
    object.__setattr__(meta, "__dict__", fields)
    object.__setattr__(meta, "__pydantic_fields_set__", set(values))
    object.__setattr__(meta, "__pydantic_extra__", None)
    object.__setattr__(meta, "__pydantic_private__", None)
    return meta


def _named_already(name: str, prefix: bool) -> tuple[str, ...]:
    """The kind's name rule held for this name when the manifest was admitted (the name is compared)."""
    return ()
