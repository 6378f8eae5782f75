"""Options and helpers shared by the commands that read manifests."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum

import typer

from manikit.cli import console
from manikit.diagnostics import Level, Problem
from manikit.errors import NoManifestsError
from manikit.source.reader import expand_paths
from manikit.source.values import RenderOptions, render_options

PATHS_ARGUMENT = typer.Argument(
    ...,
    help="Manifest files or directories (searched recursively for .yaml, .yml, .json and their .j2 "
    "templates); - for stdin.",
    show_default=False,
)
JOBS_OPTION = typer.Option(
    None, "--jobs", "-j", min=1, help="Worker processes (default: all cores for large inputs, else 1)."
)

MANIFEST_NAMESPACE_OPTION = typer.Option(
    "default", "--namespace", "-n", help="Namespace of objects that name none (and for duplicate detection)."
)

# The render options bundle: every command that reads manifests declares these three parameters
# (values / set_values / allow_env) and passes ``template_options(...)`` to the loader.
VALUES_OPTION = typer.Option(
    None,
    "--values",
    metavar="FILE",
    help="Values for *.j2 templates, over the tree's manikit.values.yaml (repeatable; later files win, "
    "deep-merged).",
)
SET_OPTION = typer.Option(
    None,
    "--set",
    metavar="NAME=VALUE",
    help="One template value, read as YAML, e.g. image.tag=1.4.3 (repeatable; wins over --values).",
)
ALLOW_ENV_OPTION = typer.Option(
    False, "--allow-env", help='Let templates read environment variables with env("NAME", default).'
)


def template_options(
    values: Sequence[str] | None, set_values: Sequence[str] | None, allow_env: bool
) -> RenderOptions:
    """The render options of a command line: values files read and checked here, once (ConfigError)."""
    return render_options(values or (), set_values or (), allow_env)


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


def manifest_files(paths: Sequence[str], exclude: Sequence[str] = ()) -> list[str]:
    """The files to read; none at all is a user error (exit 2), never a silent pass."""
    files = expand_paths(paths, exclude)
    if not files:
        shown = ", ".join(paths)
        raise NoManifestsError(f"no manifests found in {shown} (looked for *.yaml, *.yml, *.json)")
    return files


def print_problems_text(problems: Sequence[Problem], *, show_info: bool = True) -> None:
    out = console.stdout()
    styles = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}
    for p in problems:
        if p.level is Level.INFO and not show_info:
            continue
        out.print(p.headline(), style=styles[p.level], markup=False)
    out.file.flush()


def problems_json(problems: Sequence[Problem], summary: dict[str, object]) -> str:
    return json.dumps({"problems": [p.to_dict() for p in problems], "summary": summary}, indent=2)


def count_levels(problems: Sequence[Problem]) -> Counter[Level]:
    return Counter(p.level for p in problems)


def passed_over_notice(passed_over: Counter[str]) -> str:
    if not passed_over:
        return ""
    total = sum(passed_over.values())
    kinds = ", ".join(f"{kind} ({n})" for kind, n in sorted(passed_over.items()))
    noun = "object" if total == 1 else "objects"
    return f"notice: passed over {total} {noun} of kinds manikit does not model: {kinds}"
