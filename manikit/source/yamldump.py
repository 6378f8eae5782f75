"""Plain data to block-style YAML, for the templates' ``toyaml`` filter.

Deterministic (keys in the order given) and safe to read back with Kubernetes' YAML 1.1 resolution:
a string that would read as anything but itself (``yes``, ``0644``, ``1e3``, ``null``) is quoted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from manikit.source.scalars import resolve_plain

_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_STEP = 2


class DumpError(TypeError):
    """A value YAML cannot hold (a function, a custom object)."""


def dump_yaml(value: Any) -> str:
    """``value`` as YAML without a trailing newline; mappings and lists in block style."""
    if _is_block(value):
        return "\n".join(_block(value, 0))
    return _scalar(value, 0)


def _is_block(value: Any) -> bool:
    return isinstance(value, (Mapping, list, tuple)) and len(value) > 0


def _block(value: Mapping[Any, Any] | Sequence[Any], indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, Mapping):
        for key, item in value.items():
            head = f"{pad}{_key(key)}:"
            out.extend(_entry(head, item, indent + _STEP))
        return out
    for item in value:
        if _is_block(item):
            nested = _block(item, indent + _STEP)
            nested[0] = f"{pad}- {nested[0][indent + _STEP :]}"
            out.extend(nested)
        else:
            out.extend(_entry(f"{pad}-", item, indent + _STEP))
    return out


def _entry(head: str, item: Any, indent: int) -> list[str]:
    if _is_block(item):
        return [head, *_block(item, indent)]
    if isinstance(item, str) and _literal_ok(item):
        return [head + " " + _chomp(item), *_literal_lines(item, indent)]
    return [f"{head} {_scalar(item, indent)}"]


def _key(key: Any) -> str:
    if isinstance(key, (Mapping, list, tuple)):
        raise DumpError("toyaml: a mapping key must be a scalar")
    return _scalar(key, 0)


def _scalar(value: Any, indent: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return repr(value)
    if isinstance(value, str):
        return value if _plain_ok(value) else _quoted(value)
    if isinstance(value, Mapping):
        return "{}"
    if isinstance(value, (list, tuple)):
        return "[]"
    raise DumpError(f"toyaml cannot write a {type(value).__name__}")


def _plain_ok(text: str) -> bool:
    """Can ``text`` be written unquoted and read back as this very string?"""
    if not text or text != text.strip() or text[0] in _INDICATORS:
        return False
    if ": " in text or " #" in text or text.endswith(":") or not text.isprintable():
        return False
    return resolve_plain(text) == text and isinstance(resolve_plain(text), str)


def _quoted(text: str) -> str:
    # JSON's escapes are YAML's double-quoted escapes; escape all of non-ASCII only when needed
    return json.dumps(text, ensure_ascii=not text.isprintable())


def _literal_ok(text: str) -> bool:
    """Multi-line text reads best as a literal block, when YAML can hold it unchanged."""
    if "\n" not in text or text[0] in " \t\n" or "\r" in text:
        return False
    return all(line.isprintable() or line == "" for line in text.split("\n"))


def _chomp(text: str) -> str:
    if not text.endswith("\n"):
        return "|-"
    return "|+" if text.endswith("\n\n") else "|"


def _literal_lines(text: str, indent: int) -> list[str]:
    body = text[:-1] if text.endswith("\n") else text
    pad = " " * indent
    return [pad + line if line else "" for line in body.split("\n")]
