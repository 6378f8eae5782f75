"""What ``manikit plan`` and ``manikit apply`` share on the command line: options, reading the
manifests into a desired set (problems printed, exit 1), and printing a plan."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import StrEnum
from functools import partial
from operator import itemgetter
from pathlib import Path
from typing import IO

import typer

from manikit.catalogue import is_server_error
from manikit.cli import console
from manikit.cli.common import config_exclude, manifest_files, not_manifests_notice
from manikit.cli.state import locate_state
from manikit.cli.words import listed, plural
from manikit.cluster import Cluster
from manikit.cluster.recorded import AppliedRecord, peek_applied_record
from manikit.diagnostics import Level, Problem
from manikit.errors import FIELD_ERROR_WORDS, InvalidError, NoManifestsError, UserError
from manikit.plan.actions import Plan
from manikit.plan.desired import DesiredSet, load_desired
from manikit.plan.planner import make_plan
from manikit.plan.render.json_format import render_json
from manikit.plan.render.styled import print_styled
from manikit.plan.render.text import Line, text_blocks_of, text_lines_of
from manikit.source.values import RenderOptions

APPLYSET_OPTION = typer.Option(
    "default",
    "--applyset",
    metavar="NAME",
    help="The apply set: the group of objects this command manages and prunes.",
)
PRUNE_OPTION = typer.Option(
    False, "--prune", help="Delete objects of this apply set that are no longer in the manifests."
)
ALLOW_EMPTY_OPTION = typer.Option(
    False, "--allow-empty", help="Allow --prune with no manifests (deletes all)."
)
REPLACE_OPTION = typer.Option(
    None,
    "--replace",
    metavar="KIND/NAMESPACE/NAME",
    help="Delete this object and create it again (terraform's -replace), e.g. to change a field "
    "Kubernetes refuses to change in place. Repeatable.",
    show_default=False,
)
FORCE_CONFLICTS_OPTION = typer.Option(
    False,
    "--force-conflicts",
    help="Take fields another field manager owns (kubectl apply --server-side --force-conflicts).",
)
PREVIEW_OPTION = typer.Option(
    True,
    "--preview/--no-preview",
    help="Dry-run controllers and scheduler to show pods that would stay Pending.",
)


class PlanFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


def read_desired(
    paths: Sequence[str],
    namespace: str,
    render: RenderOptions,
    jobs: int | None,
    *,
    allow_empty: bool,
    applyset: str | None = None,
    state: str | None = None,
    admit: bool = False,
    meanwhile: Callable[[], object] | None = None,
) -> DesiredSet:
    """The manifests as a desired set, to plan in ``applyset`` against ``state`` (the option); errors
    are printed (stderr) and end the command with exit 1. ``admit``: they are applied in this process
    (``load_desired``); ``meanwhile``: the command's own work while the files load (``load_desired``)."""
    files = manifest_files(paths, config_exclude()) if paths or not allow_empty else []
    with console.phase(f"reading {plural(len(files), 'file')}..."):
        desired = load_desired(
            files,
            namespace,
            jobs,
            render,
            applyset,
            partial(applied_hint, state),
            admit=admit,
            meanwhile=meanwhile,
        )
    err = console.stderr()
    for problem in desired.problems:
        if problem.level >= Level.WARNING:
            err.print(
                problem.headline(), markup=False, style="red" if problem.level is Level.ERROR else "yellow"
            )
    if desired.unmanaged:
        err.print(
            f"notice: {plural(len(desired.unmanaged), 'object')} not managed here (kinds manikit does not "
            f"model; not planned or applied): {listed(desired.unmanaged)}",
            markup=False,
        )
    notice = not_manifests_notice(desired.not_manifests)
    if notice:
        err.print(notice, markup=False)
    if desired.errors:
        for line in refusals(desired.errors):
            err.print(line, markup=False, style="red")
        err.print(f"{plural(len(desired.errors), 'error')} in the manifests: nothing planned", markup=False)
        raise typer.Exit(1)
    if files and desired.documents == 0:
        raise NoManifestsError(f"no manifests found in {', '.join(paths)}: the files hold no documents")
    return desired


def applied_hint(state: str | None) -> AppliedRecord | None:
    """What a local state file recorded of manikit's applies, peeked at before the state is opened
    (``load_desired`` then parses and defaults only what a plan will read): nothing is printed or
    created, and any trouble is left to opening the state."""
    try:
        where = locate_state(state)
    except UserError:
        return None
    if not isinstance(where.target, Path) or not where.target.is_file():
        return None
    return peek_applied_record(where.target)


def refusals(errors: Sequence[Problem]) -> list[str]:
    """What the API server would answer for each object it refuses, in kubectl's words:
    ``The Deployment "web" is invalid: <cause>`` (several: one ``* <cause>`` a line)."""
    causes: dict[str, list[str]] = {}
    for problem in errors:
        if problem.object_ref and is_server_error(problem.code):
            message = problem.message
            if problem.code == "MK001" and not message.startswith(FIELD_ERROR_WORDS):
                message = f"Invalid value: {message}"  # a schema error, worded as the server's
            cause = f"{problem.path}: {message}" if problem.path else message
            causes.setdefault(problem.object_ref, []).append(cause)
    lines = []
    for ref, found in causes.items():
        kind, _, rest = ref.partition("/")
        error = InvalidError("", kind=kind, name=rest.rpartition("/")[2], causes=found)
        lines.append(error.kubectl_message())
    return lines


def write_html(plan: Plan, path: str) -> None:
    """``--html FILE``: the page, written whole or not at all."""
    from manikit.plan.render.html import render_html  # jinja2: imported only for --html

    target = Path(path)
    try:
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(render_html(plan), encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        raise UserError(f"{path}: cannot write the HTML plan: {exc.strerror or exc}") from exc
    typer.echo(f"Wrote the plan as HTML to {path}", err=True)


def print_plan(plan: Plan, output_format: PlanFormat) -> None:
    if output_format is PlanFormat.json:
        typer.echo(render_json(plan))
    elif output_format is PlanFormat.markdown:
        from manikit.plan.render.markdown import render_markdown  # jinja2: only for markdown

        typer.echo(render_markdown(plan), nl=False)
    else:
        out = console.stdout()
        if out.no_color:  # not a terminal: plain text, in large writes (rich per line is slow on big plans)
            _write_plain(text_blocks_of(plan), out.file)  # printed as they come: never held whole
            return
        print_styled(text_lines_of(plan), out)


_LINES_PER_WRITE = 4096
_TEXT = itemgetter(0)  # ``Line.text``


def _write_plain(blocks: Iterable[list[Line]], file: IO[str]) -> None:
    """The blocks' lines' texts, each ended by a newline, written ``_LINES_PER_WRITE`` at a time."""
    texts: list[str] = []
    size = _LINES_PER_WRITE
    for block in blocks:
        texts.extend(map(_TEXT, block))  # each line's text, in C
        while len(texts) >= size:
            file.write("\n".join(texts[:size]) + "\n")
            del texts[:size]
    if texts:
        file.write("\n".join(texts) + "\n")
    file.flush()


def import_preview() -> None:
    """The scheduling preview's controllers, scheduler and numpy (``plan_for``), for ``read_desired``
    to import while its worker processes parse (``validate.pieces.pool_map``)."""
    import manikit.apply.preview  # noqa: F401


def plan_for(
    cluster: Cluster,
    desired: DesiredSet,
    *,
    applyset: str,
    prune: bool,
    allow_empty: bool,
    preview: bool,
    replace: Sequence[str] = (),
    force_conflicts: bool = False,
) -> Plan:
    """The plan to ``desired``, with its scheduling preview unless ``preview`` is False (or the cluster
    would refuse part of it: a preview of a plan that cannot be applied would mislead)."""
    plan = make_plan(
        cluster,
        desired,
        applyset=applyset,
        prune=prune,
        allow_empty=allow_empty,
        replace=replace,
        force_conflicts=force_conflicts,
    )
    if not preview or plan.refusals:
        return plan
    from manikit.apply.preview import with_preview  # the controllers and scheduler: only to preview

    return with_preview(cluster, plan)
