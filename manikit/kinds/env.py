"""A container's environment as the API server validates it (v1.31 ValidateEnv, ValidateEnvFrom):
names, one source per valueFrom, the downward API's field and resource paths, key references."""

from __future__ import annotations

import re

from manikit.kinds import names
from manikit.kinds.field import FieldError, FieldPath, invalid, not_supported, required
from manikit.models.pod import Container
from manikit.models.podextras import ConfigMapKeySelector, SecretKeySelector

#: The pod fields an environment variable may read (validEnvDownwardAPIFieldPathExpressions).
FIELD_PATHS = (
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
)
RESOURCE_PATHS = (
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
)
_SUBSCRIPT = re.compile(r"metadata\.(labels|annotations)\['([^']*)'\]")
_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")
CONFIG_KEY_MESSAGE = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
)


def validate_env(c: Container, path: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    for i, env in enumerate(c.env or []):  # the paths are made only for an error or a valueFrom
        if not env.name:
            errors.append(required(path.child("env").index(i).child("name")))
        elif wrong := names.env_var_name(env.name):
            at = path.child("env").index(i).child("name")
            errors += [invalid(at, env.name, m) for m in wrong]
        if env.value_from is not None:
            at = path.child("env").index(i).child("valueFrom")
            errors += _value_from(env.value_from, at, bool(env.value))
    for i, source in enumerate(c.env_from or []):
        at = path.child("envFrom").index(i)
        if source.prefix:
            errors += [
                invalid(at.child("prefix"), source.prefix, m) for m in names.env_var_name(source.prefix)
            ]
        refs = [
            (n, r)
            for n, r in (("configMapRef", source.config_map_ref), ("secretRef", source.secret_ref))
            if r
        ]
        if len(refs) != 1:
            detail = "must specify one of: `configMapRef` or `secretRef`"
            if refs:
                detail = "may not have more than one field specified at a time"
            errors.append(invalid(at, "", detail))
        for field, ref in refs:
            if not ref.name:
                errors.append(required(at.child(field, "name")))
    return errors


def _value_from(source: object, at: FieldPath, has_value: bool) -> list[FieldError]:
    fields = vars(source)  # a model's fields (a missing one through getattr costs an exception)
    refs = {
        "fieldRef": fields.get("field_ref"),
        "resourceFieldRef": fields.get("resource_field_ref"),
        "configMapKeyRef": fields.get("config_map_key_ref"),
        "secretKeyRef": fields.get("secret_key_ref"),
        "fileKeyRef": fields.get("file_key_ref"),
    }
    given = {k: v for k, v in refs.items() if v is not None}
    errors: list[FieldError] = []
    if not given:
        detail = "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"
        errors.append(invalid(at, "", detail))
    elif len(given) > 1:
        errors.append(invalid(at, "", "may not have more than one field specified at a time"))
    if has_value and given:
        hint = "keep value or valueFrom, not both"
        errors.append(invalid(at, "", "may not be specified when `value` is not empty", hint=hint))
    field_ref = refs["fieldRef"]
    if field_ref is not None:
        errors += _field_path(field_ref.field_path, field_ref.api_version, at.child("fieldRef"))
    resource_ref = refs["resourceFieldRef"]
    if resource_ref is not None:
        resource = resource_ref.resource
        if resource not in RESOURCE_PATHS and not resource.startswith(
            ("limits.hugepages-", "requests.hugepages-")
        ):
            errors.append(not_supported(at.child("resourceFieldRef", "resource"), resource, RESOURCE_PATHS))
    for field in ("configMapKeyRef", "secretKeyRef"):
        ref = refs[field]
        if isinstance(ref, (ConfigMapKeySelector, SecretKeySelector)):
            errors += _key_ref(ref, at.child(field))
    return errors


def _field_path(field_path: str, api_version: str | None, at: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    if api_version is not None and api_version != "v1":
        errors.append(not_supported(at.child("apiVersion"), api_version, ("v1",)))
    if not field_path:
        return [*errors, required(at.child("fieldPath"))]
    subscript = _SUBSCRIPT.fullmatch(field_path)
    if subscript is not None:
        key = subscript.group(2)
        return errors + [invalid(at.child("fieldPath"), key, m) for m in names.qualified_name(key.lower())]
    if field_path not in FIELD_PATHS:
        hint = "e.g. metadata.name, or metadata.labels['app'] for one label"
        errors.append(not_supported(at.child("fieldPath"), field_path, FIELD_PATHS, hint=hint))
    return errors


def _key_ref(ref: ConfigMapKeySelector | SecretKeySelector, at: FieldPath) -> list[FieldError]:
    errors: list[FieldError] = []
    if not ref.name:
        errors.append(required(at.child("name")))
    if not ref.key:
        errors.append(required(at.child("key")))
    elif len(ref.key) > 253 or not _CONFIG_KEY.fullmatch(ref.key):
        errors.append(invalid(at.child("key"), ref.key, CONFIG_KEY_MESSAGE))
    return errors
