"""``manikit validate PATH...``: every document checked against the models; exit 1 on any error."""

# No `from __future__ import annotations`: typer would evaluate every parameter's annotation from its
# string at each start (start-up time, issue 17).
from collections import Counter

import typer

from manikit.cli.common import (
    ALLOW_ENV_OPTION,
    FILENAME_OPTION,
    HOOK_OPTION,
    JOBS_OPTION,
    MANIFEST_NAMESPACE_OPTION,
    NO_MANIFESTS_OK_OPTION,
    PATHS_ARGUMENT,
    SET_OPTION,
    STRICT_FILES_OPTION,
    VALUES_OPTION,
    NothingToCheck,
    TextOrJson,
    config_exclude,
    count_levels,
    input_paths,
    manifest_files,
    no_documents,
    not_manifests_notice,
    passed_over_notice,
    print_problems_text,
    problems_json,
    template_options,
)
from manikit.cli.words import plural
from manikit.diagnostics import Level
from manikit.validate.pipeline import validate_files


def validate(
    paths: list[str] | None = PATHS_ARGUMENT,
    filenames: list[str] | None = FILENAME_OPTION,
    output_format: TextOrJson = typer.Option(
        TextOrJson.text, "--output", "-o", "--format", metavar="FORMAT", help="text or json."
    ),
    jobs: int | None = JOBS_OPTION,
    namespace: str = MANIFEST_NAMESPACE_OPTION,
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print errors and warnings only, no notices."),
    values: list[str] | None = VALUES_OPTION,
    set_values: list[str] | None = SET_OPTION,
    allow_env: bool = ALLOW_ENV_OPTION,
    strict_files: bool = STRICT_FILES_OPTION,
    allow_no_manifests: bool = NO_MANIFESTS_OK_OPTION,
    hook: bool = HOOK_OPTION,
) -> None:
    """Validate manifests: YAML, apiVersion/kind, every field and value, duplicate objects.

    Exit codes: 0 valid, 1 errors found, 2 usage error or no manifests found.

    Examples: manikit validate examples/app; manikit validate -f examples/app -o json
    """
    inputs = input_paths(paths, filenames)
    render = template_options(values, set_values, allow_env)
    none_ok = allow_no_manifests or hook
    try:
        if hook:
            from manikit.cli.hook import hook_scope  # pre-commit mode only

            scope = hook_scope(inputs, config_exclude())
            files, report_on = scope.files, frozenset(scope.report_on)
        else:
            files = manifest_files(inputs, config_exclude(), none_ok=none_ok)
            report_on = None
    except NothingToCheck:
        no_documents(inputs, [], none_ok=True)
        return
    found = validate_files(files, namespace=namespace, render=render, strict_files=strict_files, jobs=jobs)
    outcomes, problems = found.outcomes, found.problems
    shown = [o for o in outcomes if report_on is None or o.name in report_on]
    problems = sorted(p for p in problems if report_on is None or p.file in report_on)
    documents = sum(o.documents for o in shown)
    passed_over: Counter[str] = Counter()
    for o in outcomes:
        passed_over.update(o.passed_over)
    not_manifests = sorted(o.name for o in shown if o.not_manifest)
    levels = count_levels(problems)
    if documents == 0 and not levels[Level.ERROR]:
        no_documents(inputs, not_manifests, none_ok=none_ok)
    summary = {
        "files": len(shown),
        "documents": documents,
        "errors": levels[Level.ERROR],
        "warnings": levels[Level.WARNING],
        "passed_over": dict(passed_over),
        "not_manifests": not_manifests,
    }
    if output_format is TextOrJson.json:
        typer.echo(problems_json(problems, summary))
    else:
        if problems:  # rich (colors) is imported only when there is something to color
            print_problems_text(problems, show_info=not quiet)
        for notice in (passed_over_notice(passed_over), not_manifests_notice(not_manifests)):
            if notice and not quiet:
                typer.echo(notice, err=True)
        verdict = "valid" if not levels[Level.ERROR] else "invalid"
        typer.echo(
            f"{plural(documents, 'document')} in {plural(len(shown), 'file')}: "
            f"{plural(levels[Level.ERROR], 'error')}, {plural(levels[Level.WARNING], 'warning')} ({verdict})",
            err=True,
        )
    if levels[Level.ERROR]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
