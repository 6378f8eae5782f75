"""``manikit schema``: write the JSON Schemas generated from the models (placeholder until schemas land)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    del app
