"""``manikit validate PATH...``: every document checked against the models; exit 1 on any error."""

from __future__ import annotations

from collections import Counter
from functools import partial

import typer

from manikit.cli import console
from manikit.cli.common import (
    ALLOW_ENV_OPTION,
    JOBS_OPTION,
    MANIFEST_NAMESPACE_OPTION,
    PATHS_ARGUMENT,
    SET_OPTION,
    VALUES_OPTION,
    TextOrJson,
    count_levels,
    manifest_files,
    passed_over_notice,
    print_problems_text,
    problems_json,
    template_options,
)
from manikit.diagnostics import Level
from manikit.errors import NoManifestsError
from manikit.validate.pipeline import duplicate_problems, map_files, validate_file


def validate(
    paths: list[str] = PATHS_ARGUMENT,
    output_format: TextOrJson = typer.Option(TextOrJson.text, "--format", "-f", help="Output format."),
    jobs: int | None = JOBS_OPTION,
    namespace: str = MANIFEST_NAMESPACE_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print errors and warnings only, no notices."),
    values: list[str] | None = VALUES_OPTION,
    set_values: list[str] | None = SET_OPTION,
    allow_env: bool = ALLOW_ENV_OPTION,
) -> None:
    """Validate manifests: YAML, apiVersion/kind, every field and value, duplicate objects.

    Exit codes: 0 valid, 1 errors found, 2 usage error or no manifests found.
    """
    render = template_options(values, set_values, allow_env)
    files = manifest_files(paths)
    outcomes = map_files(files, partial(validate_file, keep_objects=False, render=render), jobs)
    problems = [p for o in outcomes for p in o.problems]
    problems.extend(duplicate_problems(outcomes, namespace, render))
    problems.sort()
    documents = sum(o.documents for o in outcomes)
    passed_over: Counter[str] = Counter()
    for o in outcomes:
        passed_over.update(o.passed_over)
    levels = count_levels(problems)
    if documents == 0 and not levels[Level.ERROR]:
        raise NoManifestsError(f"no manifests found in {', '.join(paths)}: the files hold no documents")
    summary = {
        "files": len(files),
        "documents": documents,
        "errors": levels[Level.ERROR],
        "warnings": levels[Level.WARNING],
        "passed_over": dict(passed_over),
    }
    if output_format is TextOrJson.json:
        typer.echo(problems_json(problems, summary))
    else:
        print_problems_text(problems, show_info=not quiet)
        err = console.stderr()
        notice = passed_over_notice(passed_over)
        if notice and not quiet:
            err.print(notice, markup=False)
        verdict = "valid" if not levels[Level.ERROR] else "invalid"
        err.print(
            f"{documents} documents in {len(files)} files: {levels[Level.ERROR]} errors, "
            f"{levels[Level.WARNING]} warnings ({verdict})",
            markup=False,
        )
    if levels[Level.ERROR]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
