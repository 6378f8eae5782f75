"""ConfigMap (v1): Kubernetes' rules for the kind (ValidateConfigMap, ValidateConfigMapUpdate, v1.31):
keys as file names, no key in both maps, at most 1 MiB in all, nothing changes once ``immutable``."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from manikit.kinds import names
from manikit.kinds.field import ROOT, FieldError, forbidden, invalid, too_long
from manikit.kinds.meta import validate_object_meta
from manikit.models.configmap import ConfigMap

KIND = "ConfigMap"
NAMESPACED = True
ALLOCATED: tuple[tuple[str, ...], ...] = ()

#: core.MaxSecretSize, the limit of a ConfigMap's data and binaryData together
MAX_SIZE = 1024 * 1024
KEY_FMT = "[-._a-zA-Z0-9]+"
_KEY = re.compile(KEY_FMT)
KEY_MESSAGE = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or "
    f"'KEY_NAME',  or 'key-name', regex used for validation is '{KEY_FMT}')"
)
IMMUTABLE = "field is immutable when `immutable` is set"


def key_errors(key: str) -> tuple[str, ...]:
    """IsConfigMapKey: the messages for a key that cannot be a file name in a volume."""
    errors = []
    if len(key) > names.SUBDOMAIN_MAX:
        errors.append(f"must be no more than {names.SUBDOMAIN_MAX} characters")
    if not _KEY.fullmatch(key):
        errors.append(KEY_MESSAGE)
    if key == ".":
        errors.append("must not be '.'")
    elif key == "..":
        errors.append("must not be '..'")
    elif key.startswith(".."):
        errors.append("must not start with '..'")
    return tuple(errors)


def validate_create(cm: ConfigMap) -> list[FieldError]:
    errors = validate_object_meta(cm.metadata, NAMESPACED, names.name_is_dns1123_subdomain)
    data, binary = cm.data or {}, cm.binary_data or {}
    size = 0
    for key, value in data.items():
        at = ROOT.child("data").key(key)
        errors.extend(invalid(at, key, message, at_key=True) for message in key_errors(key))
        if key in binary:
            errors.append(invalid(at, key, "duplicate of key present in binaryData", at_key=True))
        size += len(value.encode())
    for key, value in binary.items():
        at = ROOT.child("binaryData").key(key)
        errors.extend(invalid(at, key, message, at_key=True) for message in key_errors(key))
        try:
            size += len(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            errors.append(invalid(at, value, "illegal base64 data: binaryData values are base64-encoded"))
    if size > MAX_SIZE:
        errors.append(too_long(ROOT, f"may not be more than {MAX_SIZE} bytes"))
    return errors


def validate_update(old: dict[str, Any], new: dict[str, Any]) -> list[FieldError]:
    """Once a ConfigMap is immutable, its data, its binaryData and the switch itself stay as they are."""
    if old.get("immutable") is not True:
        return []
    errors = []
    if new.get("immutable") is not True:
        errors.append(forbidden(ROOT.child("immutable"), IMMUTABLE))
    for field in ("data", "binaryData"):
        if (old.get(field) or {}) != (new.get(field) or {}):
            errors.append(forbidden(ROOT.child(field), IMMUTABLE))
    return errors
