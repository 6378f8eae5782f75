"""Translate pydantic's validation errors into Problems: field path with names, position, did-you-mean.

Paths show list items by name where they have one: ``spec.template.spec.containers[name=web].image``.
"""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any, cast

from pydantic import BaseModel, ValidationError

from manikit.diagnostics import Level, Problem
from manikit.source.documents import Document
from manikit.source.positions import Path

_TYPE_WORDS = {
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "an integer",
    "string_type": "a string",
    "bool_type": "a boolean (true or false)",
    "bool_parsing": "a boolean",
    "float_type": "a number",
    "float_parsing": "a number",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def problems_from_validation_error(
    exc: ValidationError, doc: Document, model: type[BaseModel]
) -> list[Problem]:
    """One Problem per distinct field; union alternatives are merged into one message."""
    merged: dict[tuple[Path, str], list[dict[str, Any]]] = {}
    for details in exc.errors(include_url=False):
        error = dict(details)
        path = _data_path(doc.data, tuple(cast("tuple[Any, ...]", error["loc"])))
        kind = (
            "missing"
            if error["type"] == "missing"
            else "extra"
            if error["type"] == "extra_forbidden"
            else "value"
        )
        merged.setdefault((path, kind), []).append(error)
    problems = [_problem(doc, model, path, kind, errors) for (path, kind), errors in merged.items()]
    return problems


def _data_path(data: Any, loc: tuple[Any, ...]) -> Path:
    """The loc without pydantic's union tags: only steps that exist in (or are missing from) the data."""
    path: list[str | int] = []
    node = data
    for step in loc:
        if isinstance(node, dict) and isinstance(step, str):
            path.append(step)
            node = node.get(step)
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            path.append(step)
            node = node[step]
        elif node is None and isinstance(step, str) and not path:
            path.append(step)
        else:
            continue  # a union member's tag, or a step below a missing node
    return tuple(path)


def display_path(data: Any, path: Path) -> str:
    """``spec.containers[name=web].ports[0]``: list items by name when they have one."""
    out = ""
    node = data
    for step in path:
        if isinstance(step, int):
            item = node[step] if isinstance(node, list) and step < len(node) else None
            name = item.get("name") if isinstance(item, dict) else None
            out += f"[name={name}]" if isinstance(name, str) and name else f"[{step}]"
            node = item
        else:
            out += f".{step}" if out else str(step)
            node = node.get(step) if isinstance(node, dict) else None
    return out


def _problem(
    doc: Document, model: type[BaseModel], path: Path, kind: str, errors: list[dict[str, Any]]
) -> Problem:
    shown = display_path(doc.data, path)
    if kind == "extra":
        field = str(path[-1]) if path else "?"
        mark = doc.locate(path, key=True)
        allowed = allowed_fields(model, path[:-1], doc.data)
        guess = difflib.get_close_matches(field, allowed, n=1, cutoff=0.6)
        hint = f'did you mean "{guess[0]}"?' if guess else ""
        message = f'unknown field "{field}"'
        return Problem(
            doc.file,
            mark.line,
            mark.col,
            "MK002",
            "unknown-field",
            Level.ERROR,
            message + (f"; {hint}" if hint else ""),
            shown,
            doc.ref(),
        )
    if kind == "missing":
        field = str(errors[0]["loc"][-1])
        parent_path = path[:-1] if path and path[-1] == field else path
        mark = doc.locate(parent_path, key=True)
        message = f'missing required field "{field}"'
        return Problem(
            doc.file,
            mark.line,
            mark.col,
            "MK003",
            "missing-field",
            Level.ERROR,
            message,
            display_path(doc.data, (*parent_path, field)),
            doc.ref(),
        )
    mark = doc.locate(path)
    if any(e["type"] in ("quantity", "quantity_type") for e in errors):
        error = next(e for e in errors if e["type"] in ("quantity", "quantity_type"))
        return Problem(
            doc.file,
            mark.line,
            mark.col,
            "MK101",
            "invalid-quantity",
            Level.ERROR,
            str(error["msg"]),
            shown,
            doc.ref(),
        )
    return Problem(
        doc.file,
        mark.line,
        mark.col,
        "MK001",
        "invalid-value",
        Level.ERROR,
        _value_message(errors),
        shown,
        doc.ref(),
    )


def _value_message(errors: list[dict[str, Any]]) -> str:
    value = errors[0].get("input")
    expected = [w for w in (_TYPE_WORDS.get(e["type"]) for e in errors) if w]
    if expected and len(expected) == len(errors):
        wanted = " or ".join(dict.fromkeys(expected))
        return f"{_show(value)} is not {wanted}"
    detail = "; ".join(dict.fromkeys(_clean(e) for e in errors if e["type"] not in _TYPE_WORDS))
    return f"{_show(value)}: {detail}" if not isinstance(value, (dict, list)) else detail


def _clean(error: dict[str, Any]) -> str:
    msg = str(error["msg"])
    if error["type"] == "literal_error":
        return "must be " + msg.removeprefix("Input should be ")
    msg = msg.removeprefix("Value error, ")
    return msg.replace("Input should be", "must be")


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    return str(value)


def allowed_fields(model: type[BaseModel], path: Path, data: Any) -> list[str]:
    """The Kubernetes field names allowed at ``path`` of ``model`` (for did-you-mean)."""
    target = _model_at(model, path)
    if target is None:
        return []
    return [f.alias or name for name, f in target.model_fields.items()]


def _model_at(model: type[BaseModel], path: Path) -> type[BaseModel] | None:
    current: Any = model
    for step in path:
        if isinstance(step, int):
            current = _element_type(current)
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            current = _element_type(current)  # a dict's values
            continue
        by_alias = {f.alias or n: f for n, f in current.model_fields.items()}
        field = by_alias.get(step)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``X | None`` -> ``X``."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _element_type(annotation: Any) -> Any:
    annotation = _unwrap(annotation)
    args = typing.get_args(annotation)
    return _unwrap(args[-1]) if args else None


def error_message(errors: list[dict[str, Any]]) -> str:
    """Errors of one value in manikit's words, for callers outside manifests (the configuration)."""
    message = _value_message(errors)
    shown = _show(errors[0].get("input"))
    doubled = f"{shown}: {shown} "
    return message.replace(doubled, f"{shown} ", 1) if message.startswith(doubled) else message
