"""Command-line values taken as they are when they already have their type, without pydantic.

typer >= 0.25 converts every parameter's value through a pydantic ``TypeAdapter``, built the first time
the parameter is processed, even when the value is absent or a plain string: on ``manikit validate``
that is a score of adapters and pydantic's plugin loader (importlib.metadata) before any manifest is
read (issue 17). Here an absent value, a string for a ``str``, strings for a ``list[str]``, a member for
an enum and an integer within bounds for an ``int`` are taken as typer would have returned them; every
other value goes to typer's own conversion, built on demand, so its checks and messages are unchanged.
Older typers (no per-parameter runtime conversion) are left alone.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, get_args, get_origin

import typer.core

try:  # typer >= 0.25
    from typer._coercion import build_runtime_param
except ImportError:  # pragma: no cover - depends on the installed typer
    build_runtime_param = None  # type: ignore[assignment]


class PlainValues:
    """A parameter's conversion: values that already have their type pass, the rest go to typer's."""

    __slots__ = ("_accepts", "_descriptor", "_typer")

    def __init__(self, descriptor: Any) -> None:
        self._descriptor = descriptor
        self._accepts = _plain_check(descriptor.annotation, descriptor.parameter_info)
        self._typer: Any = None

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        if value is None:  # what typer's RuntimeParam.coerce returns for an absent value
            return () if param.multiple or param.nargs == -1 else None
        if self._accepts is not None and self._accepts(value):
            return list(value) if isinstance(value, tuple) else value
        if self._typer is None:
            assert build_runtime_param is not None
            self._typer = build_runtime_param(self._descriptor)
        return self._typer.coerce(value, param=param, ctx=ctx)


def _plain_check(annotation: Any, info: Any) -> Any:
    """A predicate for the values typer's conversion would return unchanged; None: none is known."""
    if getattr(info, "parser", None) is not None or getattr(info, "click_type", None) is not None:
        return None
    if annotation is str:
        return _is_str
    if get_origin(annotation) is list and get_args(annotation) == (str,):
        return _is_str_list
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        members = tuple(annotation)
        return lambda value: any(value is member for member in members)
    if annotation is int and not getattr(info, "clamp", False):
        low, high = info.min, info.max
        return lambda value: (
            type(value) is int and (low is None or value >= low) and (high is None or value <= high)
        )
    return None


def _is_str(value: Any) -> bool:
    return type(value) is str


def _is_str_list(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(type(item) is str for item in value)


def take_plain_values() -> None:
    """Make every typer parameter convert through ``PlainValues`` (once; idempotent)."""
    parameter = getattr(typer.core, "_TyperParameter", None)
    if build_runtime_param is None or parameter is None or not hasattr(parameter, "get_runtime_param"):
        return  # pragma: no cover - another typer: its own conversion, as it is
    if getattr(parameter.get_runtime_param, "plain_values", False):
        return

    def get_runtime_param(self: Any) -> Any:
        if self._runtime_param is None:
            self._runtime_param = PlainValues(self.type_descriptor)
        return self._runtime_param

    get_runtime_param.plain_values = True  # type: ignore[attr-defined]
    parameter.get_runtime_param = get_runtime_param
