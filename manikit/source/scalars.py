"""Plain-scalar resolution as Kubernetes' YAML decoder (sigs.k8s.io/yaml over go-yaml v2) does it.

That is YAML 1.1 flavoured: ``yes``/``no``/``on``/``off`` are booleans, ``0644`` is octal, ``1_000`` is
an integer. Timestamps stay strings. Quoted scalars are always strings.
"""

from __future__ import annotations

import re
from typing import Any

_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE"})
_FALSE = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "False", "FALSE"})
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    ".inf": float("inf"),
    ".Inf": float("inf"),
    ".INF": float("inf"),
    "+.inf": float("inf"),
    "+.Inf": float("inf"),
    "+.INF": float("inf"),
    "-.inf": float("-inf"),
    "-.Inf": float("-inf"),
    "-.INF": float("-inf"),
    ".nan": float("nan"),
    ".NaN": float("nan"),
    ".NAN": float("nan"),
}
MAYBE_NOT_STRING = frozenset("0123456789-+.~nNyYtTfFoO")
_STR_TAG = "tag:yaml.org,2002:str"


def resolve_plain(text: str) -> Any:
    """The value of an unquoted, untagged scalar."""
    if not text:
        return None
    if text[0] not in MAYBE_NOT_STRING:
        return text
    if text.isdigit() and text.isascii() and (text[0] != "0" or len(text) == 1):
        return int(text)  # the common number: decimal digits, no sign, no octal leading zero
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    number = _resolve_int(text)
    if number is not None:
        return number
    if _FLOAT.fullmatch(text):
        return float(text.replace("_", ""))
    return _SPECIAL_FLOATS.get(text, text)


def _resolve_int(text: str) -> int | None:
    body = text.replace("_", "")
    sign = 1
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    try:
        if body.isdigit():
            if len(body) > 1 and body[0] == "0":
                return sign * int(body, 8)  # go-yaml v2: a leading zero means octal
            return sign * int(body)
        prefix = body[:2].lower()
        if prefix in ("0x", "0o", "0b"):
            return sign * int(body, 0)
    except ValueError:
        return None
    return None


def resolve_tagged(text: str, tag: str) -> Any:
    """A scalar with an explicit standard tag; other tags keep the text."""
    if tag == _STR_TAG:
        return text
    if tag.endswith(":int"):
        value = _resolve_int(text)
        return text if value is None else value
    if tag.endswith(":float"):
        try:
            return float(text)
        except ValueError:
            return text
    if tag.endswith(":bool"):
        return True if text in _TRUE else False if text in _FALSE else text
    if tag.endswith(":null"):
        return None
    return text
