"""Options and helpers shared by the commands that read manifests."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path

import typer

from manikit.cli import console
from manikit.cli.words import listed, plural
from manikit.diagnostics import Level, Problem
from manikit.errors import NoManifestsError
from manikit.lint.discovery import CONFIG_NAMES, find_config
from manikit.source.discovery import discover
from manikit.source.values import RenderOptions, render_options

PATHS_ARGUMENT = typer.Argument(
    None,
    metavar="PATH",
    help="Manifest files or directories (searched recursively for .yaml, .yml, .json and their .j2 "
    "templates); - for stdin. Same as -f.",
    show_default=False,
)
FILENAME_OPTION = typer.Option(
    None,
    "--filename",
    "-f",
    metavar="PATH",
    help="A manifest file or directory, as kubectl's -f (repeatable; positional paths work too).",
    show_default=False,
)
STRICT_FILES_OPTION = typer.Option(
    False,
    "--strict-files",
    help="Judge every YAML/JSON file as a manifest: a file without apiVersion and kind is an error "
    "(MK006) instead of being passed over.",
)
HOOK_OPTION = typer.Option(
    False,
    "--hook",
    help="pre-commit mode: the paths are the changed files; the whole tree is read for cross-object "
    "context, findings are reported on the changed files only; no manifest among them passes.",
)
NO_MANIFESTS_OK_OPTION = typer.Option(
    False,
    "--allow-no-manifests",
    help="Pass when the inputs hold no Kubernetes manifest (for hooks and CI handed whatever changed).",
)
JOBS_OPTION = typer.Option(
    None,
    "--jobs",
    "-j",
    min=1,
    metavar="N",
    help="Worker processes (default: all cores for large inputs, else 1).",
)

MANIFEST_NAMESPACE_OPTION = typer.Option(
    "default",
    "--namespace",
    "-n",
    metavar="NAME",
    help="Namespace of objects that name none (and for duplicate detection).",
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


def input_paths(paths: Sequence[str] | None, filenames: Sequence[str] | None) -> list[str]:
    """Positional paths and -f/--filename together; none at all is a usage error."""
    found = [*(paths or ()), *(filenames or ())]
    if not found:
        raise typer.BadParameter("give at least one manifest file or directory (PATH or -f PATH)")
    return found


def config_exclude() -> tuple[str, ...]:
    """The ``exclude`` globs of the nearest configuration, and the configuration files themselves."""
    path = find_config(Path.cwd())
    if path is None:  # no file: nothing of lint needs loading
        return CONFIG_NAMES
    from manikit.lint.config import load_config

    return (*load_config(path).exclude, *CONFIG_NAMES)


class NothingToCheck(Exception):
    """No file left to read, and the caller said that is fine (a hook handed only other files)."""


def manifest_files(paths: Sequence[str], exclude: Sequence[str] = (), *, none_ok: bool = False) -> list[str]:
    """The files to read (Helm charts and values files set aside with a notice); none at all is a user
    error (exit 2), never a silent pass, unless ``none_ok`` (then NothingToCheck)."""
    found = discover(paths, exclude)
    for chart in found.helm_charts:
        console.stderr().print(
            f"notice: {chart} is a Helm chart (Go templates), passed over; to check what it renders: "
            f"helm template {chart} | manikit lint -",
            markup=False,
        )
    if found.values_files:
        console.stderr().print(
            f"notice: passed over {plural(len(found.values_files), 'values file')} of template trees "
            f"(not manifests; give them with --values): {listed(found.values_files)}",
            markup=False,
        )
    if not found.files:
        if none_ok:
            raise NothingToCheck()
        shown = ", ".join(paths)
        raise NoManifestsError(
            f"no manifests found in {shown} (looked for *.yaml, *.yml, *.json and *.j2 templates)"
        )
    return found.files


def not_manifests_notice(names: Sequence[str]) -> str:
    """``notice: 3 files are not Kubernetes manifests, passed over: a, b, c``; empty for none."""
    if not names:
        return ""
    verb = "is not a Kubernetes manifest" if len(names) == 1 else "are not Kubernetes manifests"
    return (
        f"notice: {plural(len(names), 'file')} {verb} (no apiVersion or kind), passed over: {listed(names)}"
    )


def no_documents(paths: Sequence[str], not_manifests: Sequence[str], *, none_ok: bool) -> None:
    """The end of a run that read no Kubernetes document: a pass when ``none_ok``, else exit 2."""
    if none_ok:
        console.stderr().print(
            "no Kubernetes manifests among the files given: nothing to check", markup=False
        )
        raise typer.Exit(0)
    why = (
        "the files are not Kubernetes manifests (no apiVersion or kind; --strict-files judges them anyway)"
        if not_manifests
        else "the files hold no documents"
    )
    raise NoManifestsError(f"no manifests found in {', '.join(paths)}: {why}")


# What rich strips from printed text (rich.control.strip_control_codes): BEL, BS, VT, FF, CR.
_CONTROL_CODES = dict.fromkeys((7, 8, 11, 12, 13))


def print_problems_text(problems: Sequence[Problem], *, show_info: bool = True) -> None:
    shown = [p for p in problems if show_info or p.level is not Level.INFO]
    if not console.is_colored(sys.stdout):  # plain text: rich would only cost time (and start-up)
        sys.stdout.write("".join(p.headline().translate(_CONTROL_CODES) + "\n" for p in shown))
        sys.stdout.flush()
        return
    out = console.stdout()
    styles = {Level.ERROR: "bold red", Level.WARNING: "yellow", Level.INFO: "cyan"}
    for p in shown:
        out.print(p.headline(), style=styles[p.level], markup=False, emoji=False)
    out.file.flush()


def problems_json(problems: Sequence[Problem], summary: dict[str, object]) -> str:
    return json.dumps({"problems": [p.to_dict() for p in problems], "summary": summary}, indent=2)


def count_levels(problems: Sequence[Problem]) -> Counter[Level]:
    return Counter(p.level for p in problems)


def passed_over_notice(passed_over: Counter[str], *, templates_linted: bool = False) -> str:
    if not passed_over:
        return ""
    total = sum(passed_over.values())
    kinds = ", ".join(f"{kind} ({n})" for kind, n in sorted(passed_over.items()))
    if templates_linted:
        return (
            f"notice: {plural(total, 'object')} of kinds manikit does not model, not validated field "
            "by field (pod templates of StatefulSets, DaemonSets, Jobs, CronJobs and "
            f"ReplicationControllers are linted): {kinds}"
        )
    return f"notice: passed over {plural(total, 'object')} of kinds manikit does not model: {kinds}"
