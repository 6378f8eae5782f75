"""``manikit lint PATH...``: validation plus every enabled rule over all files together.

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or no manifests,
3 internal error.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from manikit.cli import console
from manikit.cli.common import (
    ALLOW_ENV_OPTION,
    JOBS_OPTION,
    MANIFEST_NAMESPACE_OPTION,
    PATHS_ARGUMENT,
    SET_OPTION,
    VALUES_OPTION,
    manifest_files,
    passed_over_notice,
    template_options,
)
from manikit.diagnostics import Level
from manikit.errors import ConfigError, NoManifestsError, SourceError
from manikit.lint.config import CONFIG_NAMES, LintConfig, find_config, load_config
from manikit.lint.engine import LintReport, lint_files
from manikit.lint.nodes import load_nodes
from manikit.lint.reporters import REPORTERS


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
    help="Configuration file (default: .manikit.yaml or pyproject.toml [tool.manikit], searched upward).",
)


def lint(
    paths: list[str] = PATHS_ARGUMENT,
    output_format: LintFormat = typer.Option(LintFormat.text, "--format", "-f", help="Output format."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to this file."),
    sarif_file: Path | None = typer.Option(
        None, "--sarif-file", help="Also write a SARIF 2.1.0 report to this file (for code scanning)."
    ),
    fail_on: FailOn | None = typer.Option(
        None, "--fail-on", help="Exit 1 on findings at or above this level (default: error, or the config's)."
    ),
    config_file: Path | None = CONFIG_OPTION,
    nodes: list[str] = typer.Option(
        [], "--nodes", help="Node manifests for the capacity rules (overrides the config's nodes)."
    ),
    jobs: int | None = JOBS_OPTION,
    namespace: str = MANIFEST_NAMESPACE_OPTION,
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="Text format: no info-level findings, no notices."
    ),
    values: list[str] | None = VALUES_OPTION,
    set_values: list[str] | None = SET_OPTION,
    allow_env: bool = ALLOW_ENV_OPTION,
) -> None:
    """Lint manifests: validation plus resource, metadata and security rules, with fixes.

    Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage error or no
    manifests found, 3 internal error.
    """
    render = template_options(values, set_values, allow_env)
    config = current_config(config_file)
    threshold = Level.parse(fail_on.value) if fail_on is not None else config.fail_on
    node_paths = nodes or list(config.nodes)
    try:
        capacities = load_nodes(node_paths)
    except SourceError as exc:
        where = "--nodes" if nodes else f"{config.source}: nodes"
        raise ConfigError(f"{where}: {exc}") from exc
    files = manifest_files(paths, (*config.exclude, *CONFIG_NAMES))  # a config file is not a manifest
    report = lint_files(files, config, capacities, jobs=jobs, namespace=namespace, render=render)
    if report.documents == 0 and not report.count(Level.ERROR):
        raise NoManifestsError(f"no manifests found in {', '.join(paths)}: the files hold no documents")
    if quiet and output_format is LintFormat.text:
        report.problems = [p for p in report.problems if p.level > Level.INFO]
    _write(report, output_format, output, sarif_file)
    if output_format is LintFormat.text and output is None:
        _summary(report, threshold, quiet)
    if report.fails(threshold):
        raise typer.Exit(1)


def current_config(config_file: Path | None) -> LintConfig:
    """The --config file, else the nearest one from the current directory upward, else the defaults."""
    return load_config(config_file if config_file is not None else find_config(Path.cwd()))


def _write(report: LintReport, fmt: LintFormat, output: Path | None, sarif_file: Path | None) -> None:
    if sarif_file is not None:
        _write_file(sarif_file, REPORTERS["sarif"](report, False))
    if output is not None:
        _write_file(output, REPORTERS[fmt.value](report, False))
        return
    out = console.stdout()
    text = REPORTERS[fmt.value](report, fmt is LintFormat.text and out.is_terminal and not out.no_color)
    out.file.write(text)
    out.file.flush()


def _write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"{path}: cannot write: {exc.strerror or exc}") from exc


def _summary(report: LintReport, threshold: Level, quiet: bool) -> None:
    err = console.stderr()
    notice = passed_over_notice(report.passed_over)
    if notice and not quiet:
        err.print(notice, markup=False)
    verdict = "failed" if report.fails(threshold) else "passed"
    err.print(
        f"{report.documents} documents in {len(report.files)} files: {report.count(Level.ERROR)} errors, "
        f"{report.count(Level.WARNING)} warnings, {report.count(Level.INFO)} notes "
        f"({verdict} at --fail-on {threshold})",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    app.command("lint")(lint)
