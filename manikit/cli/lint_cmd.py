"""``manikit lint PATH...``: validation plus every enabled rule over all files together.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or no manifests,
3 internal error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from enum import StrEnum
from functools import partial
from pathlib import Path

import typer

from manikit.cli import console
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
    input_paths,
    manifest_files,
    no_documents,
    not_manifests_notice,
    passed_over_notice,
    template_options,
)
from manikit.cli.words import plural
from manikit.diagnostics import Level
from manikit.errors import ConfigError, SourceError
from manikit.lint.config import CONFIG_NAMES, LintConfig, find_config, load_config
from manikit.lint.engine import LintReport, lint_files
from manikit.lint.findings import NodeCapacity
from manikit.lint.reporters import REPORTERS
from manikit.source.values import RenderOptions, render_options


class LintFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    github = "github"
    junit = "junit"


class FailOn(StrEnum):
    info = "info"
    warning = "warning"
    error = "error"


CONFIG_OPTION = typer.Option(
    None,
    "--config",
    "-c",
    metavar="FILE",
    help="Configuration file (default: .manikit.yaml or pyproject.toml [tool.manikit], searched upward).",
)


def lint(
    paths: list[str] | None = PATHS_ARGUMENT,
    filenames: list[str] | None = FILENAME_OPTION,
    output_format: LintFormat = typer.Option(
        LintFormat.text,
        "--output",
        "-o",
        "--format",
        metavar="FORMAT",
        help="text, json, sarif, github or junit.",
    ),
    output: Path | None = typer.Option(
        None, "--output-file", metavar="FILE", help="Write the report to this file instead of stdout."
    ),
    sarif_file: Path | None = typer.Option(
        None,
        "--sarif-file",
        metavar="FILE",
        help="Also write a SARIF 2.1.0 report to this file (for code scanning); its directory is created.",
    ),
    fail_on: FailOn | None = typer.Option(
        None, "--fail-on", help="Exit 1 on findings at or above this level (default: error, or the config's)."
    ),
    config_file: Path | None = CONFIG_OPTION,
    nodes: list[str] = typer.Option(
        [],
        "--nodes",
        metavar="FILE",
        help="Node manifests for the capacity rules (overrides the config's nodes).",
        show_default=False,
    ),
    jobs: int | None = JOBS_OPTION,
    namespace: str = MANIFEST_NAMESPACE_OPTION,
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Text format: no info-level findings, no notices."
    ),
    values: list[str] | None = VALUES_OPTION,
    set_values: list[str] | None = SET_OPTION,
    allow_env: bool = ALLOW_ENV_OPTION,
    strict_files: bool = STRICT_FILES_OPTION,
    allow_no_manifests: bool = NO_MANIFESTS_OK_OPTION,
    hook: bool = HOOK_OPTION,
) -> None:
    """Lint manifests: validation plus resource, metadata and security rules, with fixes.

    Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage error or no
    manifests found, 3 internal error.

    Examples: manikit lint examples/app; manikit lint -o sarif --output-file manikit.sarif .
    """
    inputs = input_paths(paths, filenames)
    render = template_options(values, set_values, allow_env)
    config = current_config(config_file)
    threshold = Level.parse(fail_on.value) if fail_on is not None else config.fail_on
    capacities = _capacities(nodes, config)
    exclude = (*config.exclude, *CONFIG_NAMES)  # a config file is not a manifest
    none_ok = allow_no_manifests or hook
    run = partial(
        lint_files, config=config, nodes=capacities, jobs=jobs, namespace=namespace, strict_files=strict_files
    )
    try:
        if hook:
            report = _hook_report(inputs, exclude, run, render)
        else:
            files = manifest_files(inputs, exclude, none_ok=none_ok)
            with console.phase(f"linting {plural(len(files), 'file')}..."):
                report = run(files, render=render)
    except NothingToCheck:
        no_documents(inputs, [], none_ok=True)
        return
    if report.documents == 0 and not report.count(Level.ERROR):
        _write(report, output_format, output, sarif_file)
        no_documents(inputs, report.not_manifests, none_ok=none_ok)
    if quiet and output_format is LintFormat.text:
        report.problems = [p for p in report.problems if p.level > Level.INFO]
    _write(report, output_format, output, sarif_file)
    if output_format is LintFormat.text and output is None:
        _summary(report, threshold, quiet)
    if report.fails(threshold):
        raise typer.Exit(1)


def _capacities(nodes: list[str], config: LintConfig) -> tuple[NodeCapacity, ...]:
    paths = nodes or list(config.nodes)
    if not paths:  # no nodes: the capacity rules have none to check against (nor the Node model to build)
        return ()
    from manikit.lint.nodes import load_nodes

    try:
        return load_nodes(paths)
    except SourceError as exc:
        where = "--nodes" if nodes else f"{config.source}: nodes"
        raise ConfigError(f"{where}: {exc}") from exc


def _hook_report(
    changed: list[str], exclude: tuple[str, ...], run: Callable[..., LintReport], render: RenderOptions
) -> LintReport:
    """Hook mode: the whole tree is linted for context; findings are kept on the changed files (and on
    the templates a changed partial or values file affects), each values/ file rendered as well."""
    from manikit.cli.hook import hook_scope  # pre-commit mode only

    scope = hook_scope(changed, exclude)
    report = run(scope.files, render=render)
    problems = list(report.problems)
    for values_file, templates in scope.values_renders:
        with_values = render_options([values_file], [], render.allow_env)
        extra = run(templates, render=with_values)
        problems.extend(p for p in extra.problems if p not in problems)
    report.problems = sorted(p for p in problems if p.file in scope.report_on)
    report.not_manifests = [n for n in report.not_manifests if n in scope.report_on]
    report.files = sorted(scope.report_on)
    report.documents = sum(report.documents_in.get(name, 0) for name in scope.report_on)
    return report


def current_config(config_file: Path | None) -> LintConfig:
    """The --config file, else the nearest one from the current directory upward, else the defaults."""
    return load_config(config_file if config_file is not None else find_config(Path.cwd()))


def _write(report: LintReport, fmt: LintFormat, output: Path | None, sarif_file: Path | None) -> None:
    if sarif_file is not None:
        _write_file(sarif_file, REPORTERS["sarif"](report, False))
    if output is not None:
        _write_file(output, REPORTERS[fmt.value](report, False))
        return
    color = fmt is LintFormat.text and console.is_colored(sys.stdout)  # rich is imported only for color
    sys.stdout.write(REPORTERS[fmt.value](report, color))
    sys.stdout.flush()


def _write_file(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def _summary(report: LintReport, threshold: Level, quiet: bool) -> None:
    notices = (
        passed_over_notice(report.passed_over, templates_linted=True),
        not_manifests_notice(report.not_manifests),
    )
    for notice in notices:
        if notice and not quiet:
            typer.echo(notice, err=True)
    verdict = "failed" if report.fails(threshold) else "passed"
    typer.echo(
        f"{plural(report.documents, 'document')} in {plural(len(report.files), 'file')}: "
        f"{plural(report.count(Level.ERROR), 'error')}, {plural(report.count(Level.WARNING), 'warning')}, "
        f"{plural(report.count(Level.INFO), 'note')} ({verdict} at --fail-on {threshold})",
        err=True,
    )


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
