"""``manikit schema``: write the JSON Schemas generated from the models, or check them for drift."""

from __future__ import annotations

from pathlib import Path

import typer

from manikit.errors import UserError
from manikit.models.schemas import all_schemas, dumps


def schema(
    out: Path = typer.Option(
        Path("schemas"), "--out", metavar="DIR", help="Directory to write the schemas into."
    ),
    check: bool = typer.Option(
        False, "--check", help="Write nothing; exit 1 when the files differ from the models (for CI)."
    ),
) -> None:
    """Write JSON Schemas for each kind and for any manifest (for editors and jsonschema).

    Point yaml-language-server at them with a first line such as
    ``# yaml-language-server: $schema=schemas/manifest.schema.json``.

    Example: manikit schema --check --out schemas/
    """
    schemas = all_schemas()
    if check:
        stale = [n for n, s in schemas.items() if not _same(out / n, dumps(s))]
        if stale:
            typer.echo(
                f"schemas out of date in {out}: {', '.join(stale)}; run: manikit schema --out {out}", err=True
            )
            raise typer.Exit(1)
        typer.echo(f"{len(schemas)} schemas in {out} match the models")
        return
    try:
        out.mkdir(parents=True, exist_ok=True)
        for name, body in schemas.items():
            (out / name).write_text(dumps(body), encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{out}: cannot write schemas: {exc.strerror or exc}") from exc
    typer.echo(f"wrote {len(schemas)} schemas to {out}")


def _same(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except OSError:
        return False


def register(app: typer.Typer) -> None:
    app.command("schema")(schema)
