"""What templates can use: values that name their own path when a key is missing, YAML-minded
filters (``toyaml``, ``quote``, ``b64encode``, ``required``) and the ``env`` helper, off unless allowed.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import StrictUndefined
from jinja2.exceptions import SecurityError, TemplateRuntimeError
from jinja2.runtime import Undefined
from jinja2.utils import missing

from manikit.source.linemap import BLOCK_LINE, BLOCK_START, strip_marks
from manikit.source.yamldump import DumpError, dump_yaml


class TemplateRefused(SecurityError):
    """The sandbox said no: a path outside the tree, ``env`` without ``--allow-env``."""


class TemplateFailure(TemplateRuntimeError):
    """The template itself failed on purpose (``required``) or asked for something missing."""


class _ValueMap(dict[str, Any]):
    """A values mapping that knows its dotted path, so an undefined value is named in full."""

    # leading underscores: the sandbox keeps templates from reading these
    __slots__ = ("_manikit_path", "_manikit_yaml")
    _manikit_path: str
    _manikit_yaml: str  # toyaml's output, kept: values cannot change while templates render


class _ValueList(list[Any]):
    __slots__ = ("_manikit_path", "_manikit_yaml")
    _manikit_path: str
    _manikit_yaml: str


def wrap_values(value: Any, path: str) -> Any:
    if isinstance(value, Mapping):
        wrapped = _ValueMap((k, wrap_values(v, _join(path, k))) for k, v in value.items())
        wrapped._manikit_path = path
        return wrapped
    if isinstance(value, list):
        items = _ValueList(wrap_values(v, f"{path}[{i}]") for i, v in enumerate(value))
        items._manikit_path = path
        return items
    return value


def _join(path: str, key: Any) -> str:
    return f"{path}.{key}" if path else str(key)


_SCALAR_WORDS = {"str": "a string", "int": "an integer", "bool": "a boolean", "float": "a number"}


class PathUndefined(StrictUndefined):
    """StrictUndefined that names the whole value path: ``"image.tag" is undefined``."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        name = self._undefined_name
        path = getattr(self._undefined_obj, "_manikit_path", None)
        if path is not None:
            step = f"[{name}]" if isinstance(name, int) else f".{name}" if path else str(name)
            return f'"{path}{step}" is undefined'
        obj = self._undefined_obj
        if obj is missing:
            return f'"{name}" is undefined'
        if isinstance(obj, (str, int, float)):  # a scalar where a mapping was expected
            shown = repr(obj) if len(repr(obj)) <= 40 else repr(obj)[:37] + "..."
            what = _SCALAR_WORDS.get(type(obj).__name__, "a scalar")
            return f'"{name}" is undefined: it was looked up in {shown}, {what}, not a mapping'
        return super()._undefined_message


def _fail_if_undefined(value: Any) -> None:
    if isinstance(value, Undefined):
        value._fail_with_undefined_error()


def _plain(value: Any) -> Any:
    _fail_if_undefined(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return strip_marks(value) if isinstance(value, str) else value


def _toyaml(value: Any) -> str:
    """YAML for a value; a multi-line result indents its later lines to where it starts in the output."""
    if isinstance(value, (_ValueMap, _ValueList)):
        kept: str | None = getattr(value, "_manikit_yaml", None)
        if kept is None:
            kept = value._manikit_yaml = _dump_marked(value)
        return kept
    return _dump_marked(value)


def _dump_marked(value: Any) -> str:
    try:
        text = dump_yaml(_plain(value))
    except DumpError as exc:
        raise TemplateFailure(str(exc)) from exc
    first, *rest = text.split("\n")
    if not rest:
        return first
    return BLOCK_START + first + "".join("\n" + (BLOCK_LINE + line if line else "") for line in rest)


def _quote(value: Any) -> str:
    _fail_if_undefined(value)
    text = "" if value is None else strip_marks(str(value))
    return json.dumps(text, ensure_ascii=not text.isprintable())


def _b64encode(value: Any) -> str:
    _fail_if_undefined(value)
    data = value if isinstance(value, bytes) else strip_marks(str(value)).encode()
    return base64.b64encode(data).decode("ascii")


def _required(value: Any, message: str = "a required value is missing") -> Any:
    if isinstance(value, Undefined) or value is None or value == "":
        raise TemplateFailure(message)
    return value


_NO_DEFAULT = object()


def env_reader(allow: bool) -> Callable[..., str]:
    def env(name: str, default: Any = _NO_DEFAULT) -> str:
        if not allow:
            raise TemplateRefused(
                f'env("{name}") reads the process environment, which is off: pass --allow-env to allow it'
            )
        value = os.environ.get(name)
        if value is not None:
            return value
        if default is _NO_DEFAULT:
            raise TemplateFailure(
                f'environment variable {name} is not set; give a default: env("{name}", "")'
            )
        return str(default)

    return env


FILTERS: dict[str, Callable[..., Any]] = {
    "toyaml": _toyaml,
    "quote": _quote,
    "b64encode": _b64encode,
    "required": _required,
}
