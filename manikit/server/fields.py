"""Field validation (``fieldValidation=Strict|Warn|Ignore``): what happens to fields no model knows.

Strict (kubectl's default) refuses the object with every unknown field named; Warn drops them and
says so in ``Warning`` headers (kubectl prints ``Warning: unknown field "spec.bogus"``); Ignore drops
them silently. Without the parameter the API server warns, as kube-apiserver does.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from manikit.models.registry import INTERNAL_KINDS, KINDS
from manikit.server.status import ApiError

MODES = ("Strict", "Warn", "Ignore")
_MODELS = {info.kind: info.model for info in (*KINDS.values(), *INTERNAL_KINDS.values())}


def unknown_fields(body: dict[str, Any]) -> list[tuple[str | int, ...]]:
    model = _MODELS.get(str(body.get("kind", "")))
    if model is None:
        return []
    try:
        model.model_validate(body)
    except ValidationError as exc:
        return [tuple(e["loc"]) for e in exc.errors(include_url=False) if e["type"] == "extra_forbidden"]
    return []


def dotted(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _drop(body: Any, loc: tuple[str | int, ...]) -> None:
    node = body
    for part in loc[:-1]:
        node = node[part]
    if isinstance(node, dict):
        node.pop(loc[-1], None)


def enforce(body: dict[str, Any], mode: str | None, warnings: list[str]) -> None:
    """Apply the field validation ``mode`` to ``body`` (in place)."""
    chosen = mode or "Warn"
    if chosen not in MODES:
        raise ApiError(
            "BadRequest",
            f'fieldValidation: Unsupported value: "{chosen}": supported values: "Ignore", "Strict", "Warn"',
        )
    unknown = unknown_fields(body)
    if not unknown:
        return
    if chosen == "Strict":
        kind, version = body.get("kind"), str(body.get("apiVersion", "")).rpartition("/")[2]
        fields = ", ".join(f'unknown field "{dotted(loc)}"' for loc in unknown)
        raise ApiError(
            "BadRequest",
            f'{kind} in version "{version}" cannot be handled as a {kind}: strict decoding error: {fields}',
        )
    for loc in sorted(unknown, key=len, reverse=True):
        _drop(body, loc)
        if chosen == "Warn":
            warnings.append(f'unknown field "{dotted(loc)}"')
