"""What the API server checks beyond the schema, as Problems: each kind's rules (manikit.kinds) with
the server's wording after the field path, a misspelt kind, and whole-number floats read as kubectl
sends them (``replicas: 3.0`` is the integer 3)."""

from __future__ import annotations

import difflib
import math
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from manikit.diagnostics import Level, Problem
from manikit.kinds.field import FieldError
from manikit.kinds.registry import validate_create
from manikit.models.base import validate_checked
from manikit.models.meta import TypeMeta
from manikit.models.registry import BUILTIN_KINDS
from manikit.source.documents import Document

T = TypeVar("T", bound=BaseModel)


def server_problems(doc: Document, obj: TypeMeta) -> list[Problem]:
    """The object's errors the API server would report on create, located in the document."""
    return [field_problem(doc, error) for error in validate_create(obj)]


def field_problem(doc: Document, error: FieldError) -> Problem:
    mark = doc.locate(error.path.data, key=error.at_key)
    return Problem(
        doc.file,
        mark.line,
        mark.col,
        error.code,
        error.name,
        Level.ERROR,
        error.body,
        error.path.text,
        doc.ref(),
        error.hint,
    )


def unknown_kind(doc: Document, api_version: str, kind: str) -> list[Problem]:
    """A kind a built-in API group does not serve (``kind: deployment``): kubectl's "no matches"."""
    served = BUILTIN_KINDS.get(api_version)
    if served is None or kind in served or kind.endswith("List"):
        return []
    same_case = [k for k in served if k.lower() == kind.lower()]
    guess = same_case or difflib.get_close_matches(kind, sorted(served), n=1, cutoff=0.6)
    mark = doc.locate(("kind",))
    return [
        Problem(
            doc.file,
            mark.line,
            mark.col,
            "MK015",
            "unknown-kind",
            Level.ERROR,
            f'no matches for kind "{kind}" in version "{api_version}"',
            "kind",
            doc.ref(),
            f'did you mean "{guess[0]}"?' if guess else "kinds are case-sensitive",
        )
    ]


def validate_model(model: type[T], data: Any) -> T:
    """``model`` from ``data`` as the API server decodes kubectl's JSON: a whole-number float is an
    integer. Tried as written first, so that clean documents are never walked twice."""
    try:
        return validate_checked(model, data)
    except ValidationError:
        fixed = whole_floats_as_ints(data)
        if fixed is data:
            raise
    return validate_checked(model, fixed)


def whole_floats_as_ints(data: Any) -> Any:
    """``3.0`` -> ``3`` throughout (kubectl sends YAML as JSON, where 3.0 is written 3); ``data``
    itself when nothing changes."""
    if isinstance(data, float):
        return int(data) if math.isfinite(data) and data.is_integer() else data
    if isinstance(data, dict):
        out: dict[Any, Any] | None = None
        for key, value in data.items():
            fixed = whole_floats_as_ints(value)
            if fixed is not value:
                out = dict(data) if out is None else out
                out[key] = fixed
        return data if out is None else out
    if isinstance(data, list):
        items = [whole_floats_as_ints(v) for v in data]
        return data if all(a is b for a, b in zip(items, data, strict=True)) else items
    return data
