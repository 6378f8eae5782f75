"""Field errors as the Kubernetes API server words them (apimachinery's field.Error), with the data path
that locates them in a manifest.

``FieldPath`` builds both at once: ``spec.template.spec.containers[0].image`` for the message and
``("spec", "template", "spec", "containers", 0, "image")`` for the position.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

DataPath = tuple[str | int, ...]


class FieldPath:
    """A field of an object: its Kubernetes display form and its path in the data. Asked for on every
    check of every object (a few dozen per Deployment), so it only links to its parent, both forms are
    made when an error needs them, and a field's paths are made once per run: a path keeps the fields
    and list items below it (not map entries, whose keys are the input's)."""

    __slots__ = ("_below", "_key", "_parent", "_step")

    def __init__(self, parent: FieldPath | None = None, step: str | int = "", key: bool = False) -> None:
        self._parent = parent
        self._step = step
        self._key = key  # a map entry, shown as ``[key]``
        self._below: dict[str | int, FieldPath] = {}

    def child(self, name: str, *more: str) -> FieldPath:
        # a dict look-up per step once made, and no other call: dozens per object, mostly one step
        out = self._below.get(name) or self._descend(name)
        for step in more:
            out = out._below.get(step) or out._descend(step)
        return out

    def index(self, i: int) -> FieldPath:
        return self._below.get(i) or self._descend(i)

    def _descend(self, step: str | int) -> FieldPath:
        found = self._below[step] = FieldPath(self, step)
        return found

    def key(self, key: str) -> FieldPath:
        """A map entry: ``limits[cpu]``."""
        return FieldPath(self, key, True)

    def _steps(self) -> list[FieldPath]:
        steps: list[FieldPath] = []
        node: FieldPath | None = self
        while node is not None and node._parent is not None:
            steps.append(node)
            node = node._parent
        return steps[::-1]

    @property
    def data(self) -> DataPath:
        return tuple(step._step for step in self._steps())

    @property
    def text(self) -> str:
        out = ""
        for step in self._steps():
            if isinstance(step._step, int) or step._key:
                out += f"[{step._step}]"
            else:
                out += f".{step._step}" if out else step._step
        return out

    def named(self, text_of: FieldPath) -> FieldPath:
        """This position, shown as ``text_of`` (the server names a map where manikit points at an entry)."""
        return _Renamed(self, text_of)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldPath) and (self.text, self.data) == (other.text, other.data)

    def __hash__(self) -> int:
        return hash((self.text, self.data))

    def __repr__(self) -> str:
        return f"FieldPath({self.text!r})"


class _Renamed(FieldPath):
    __slots__ = ("_at", "_shown")

    def __init__(self, at: FieldPath, shown: FieldPath) -> None:
        super().__init__()
        self._at = at
        self._shown = shown

    @property
    def data(self) -> DataPath:
        return self._at.data

    @property
    def text(self) -> str:
        return self._shown.text


ROOT = FieldPath()


@dataclass(frozen=True, slots=True)
class FieldError:
    """One cause of an Invalid status. ``code``/``name`` are manikit's (MK003 missing-field, ...)."""

    path: FieldPath
    body: str  # "Required value", "Invalid value: \"x\": detail", ...
    code: str
    name: str
    hint: str = ""
    at_key: bool = False  # point at the mapping key (a label key, a missing field's parent)

    def __str__(self) -> str:
        return f"{self.path.text}: {self.body}" if self.path.text else self.body


def show(value: Any) -> str:
    """A value as the API server prints it in a message (Go's %q for strings, %v for the rest)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), sort_keys=True, default=str)
    return str(value)


INVALID = ("MK001", "invalid-value")
MISSING = ("MK003", "missing-field")
NAME = ("MK202", "invalid-name")


def required(
    path: FieldPath, detail: str = "", *, code: tuple[str, str] = MISSING, hint: str = ""
) -> FieldError:
    body = "Required value" + (f": {detail}" if detail else "")
    return FieldError(path, body, *code, hint, at_key=True)


def invalid(
    path: FieldPath,
    value: Any,
    detail: str,
    *,
    code: tuple[str, str] = INVALID,
    hint: str = "",
    at_key: bool = False,
) -> FieldError:
    shown = value if isinstance(value, _Raw) else show(value)
    body = f"Invalid value: {shown}" + (f": {detail}" if detail else "")
    return FieldError(path, body, *code, hint, at_key)


def not_supported(path: FieldPath, value: Any, supported: tuple[str, ...], *, hint: str = "") -> FieldError:
    values = ", ".join(show(v) for v in supported)
    return FieldError(path, f"Unsupported value: {show(value)}: supported values: {values}", *INVALID, hint)


def forbidden(path: FieldPath, detail: str, *, code: tuple[str, str] = INVALID, hint: str = "") -> FieldError:
    return FieldError(path, "Forbidden" + (f": {detail}" if detail else ""), *code, hint)


def duplicate(path: FieldPath, value: Any, *, code: tuple[str, str] = INVALID, hint: str = "") -> FieldError:
    shown = value if isinstance(value, _Raw) else show(value)
    return FieldError(path, f"Duplicate value: {shown}", *code, hint)


def not_found(path: FieldPath, value: Any, *, hint: str = "") -> FieldError:
    return FieldError(path, f"Not found: {show(value)}", *INVALID, hint)


def too_long(path: FieldPath, detail: str) -> FieldError:
    return FieldError(path, f"Too long: {detail}", *INVALID)


class _Raw(str):
    """A value already formatted as the server prints it (a Go struct, a map)."""


def raw(text: str) -> str:
    return _Raw(text)
