"""``manikit render PATH...``: the manifests exactly as the other commands read them, templates rendered.

Like ``helm template``: one multi-document YAML stream on stdout, each file headed by its source.
"""

from __future__ import annotations

import typer

from manikit.cli import console
from manikit.cli.common import (
    ALLOW_ENV_OPTION,
    FILENAME_OPTION,
    PATHS_ARGUMENT,
    SET_OPTION,
    VALUES_OPTION,
    config_exclude,
    count_levels,
    input_paths,
    manifest_files,
    template_options,
)
from manikit.diagnostics import Level, Problem
from manikit.source.templates import render_file


def render(
    paths: list[str] | None = PATHS_ARGUMENT,
    filenames: list[str] | None = FILENAME_OPTION,
    values: list[str] | None = VALUES_OPTION,
    set_values: list[str] | None = SET_OPTION,
    allow_env: bool = ALLOW_ENV_OPTION,
) -> None:
    """Print the manifests as validate, lint, plan and apply read them: *.j2 files rendered.

    Exit codes: 0 rendered, 1 a template failed (its problems on stderr), 2 usage error.

    Example: manikit render examples/templated --values examples/templated/values/production.yaml
    """
    options = template_options(values, set_values, allow_env)
    problems: list[Problem] = []
    out = typer.get_text_stream("stdout")
    for name in manifest_files(input_paths(paths, filenames), config_exclude()):
        source, found = render_file(name, options)
        problems.extend(found)
        if source is not None:
            out.write(_section(source.name, source.text))
    out.flush()
    problems.sort()
    if problems:
        _report(problems)
    if count_levels(problems)[Level.ERROR]:
        raise typer.Exit(1)


def _section(name: str, text: str) -> str:
    """``---`` and a ``# Source:`` comment, then the text (its own leading ``---`` folded into ours)."""
    if text.startswith("---\n") or text.startswith("---\r\n"):
        text = text.split("\n", 1)[1]
    if text and not text.endswith("\n"):
        text += "\n"
    return f"---\n# Source: {name}\n{text}"


def _report(problems: list[Problem]) -> None:
    err = console.stderr()
    styles = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}
    for p in problems:
        err.print(p.headline(), style=styles[p.level], markup=False)


def register(app: typer.Typer) -> None:
    app.command("render")(render)
