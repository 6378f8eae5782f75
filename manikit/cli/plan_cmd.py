"""``manikit plan PATH...``: what apply would create, change, replace or delete, field by field."""

from __future__ import annotations

import typer

from manikit.cli import console
from manikit.cli.common import (
    ALLOW_ENV_OPTION,
    FILENAME_OPTION,
    JOBS_OPTION,
    MANIFEST_NAMESPACE_OPTION,
    PATHS_ARGUMENT,
    SET_OPTION,
    VALUES_OPTION,
    template_options,
)
from manikit.cli.main import end_without_teardown
from manikit.cli.plan_support import (
    ALLOW_EMPTY_OPTION,
    APPLYSET_OPTION,
    FORCE_CONFLICTS_OPTION,
    PREVIEW_OPTION,
    PRUNE_OPTION,
    REPLACE_OPTION,
    PlanFormat,
    import_preview,
    plan_for,
    print_plan,
    read_desired,
    write_html,
)
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, STATE_OPTION, control_plane


def plan(
    paths: list[str] | None = PATHS_ARGUMENT,
    filenames: list[str] | None = FILENAME_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    output_format: PlanFormat = typer.Option(
        PlanFormat.text, "--output", "-o", "--format", metavar="FORMAT", help="text, json or markdown."
    ),
    out: str | None = typer.Option(
        None,
        "-out",
        "--out",
        metavar="FILE",
        help="Save the plan to this file, for `manikit apply FILE` (terraform's -out).",
        show_default=False,
    ),
    html: str | None = typer.Option(
        None,
        "--html",
        metavar="FILE",
        help="Also write the plan as a self-contained HTML page with per-node capacity bars.",
        show_default=False,
    ),
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 0 for no changes, 2 for changes, 1 for errors."
    ),
    applyset: str = APPLYSET_OPTION,
    prune: bool = PRUNE_OPTION,
    allow_empty: bool = ALLOW_EMPTY_OPTION,
    preview: bool = PREVIEW_OPTION,
    replace: list[str] | None = REPLACE_OPTION,
    force_conflicts: bool = FORCE_CONFLICTS_OPTION,
    namespace: str = MANIFEST_NAMESPACE_OPTION,
    jobs: int | None = JOBS_OPTION,
    values: list[str] | None = VALUES_OPTION,
    set_values: list[str] | None = SET_OPTION,
    allow_env: bool = ALLOW_ENV_OPTION,
) -> None:
    """Show what `manikit apply` would change in the control plane, like `terraform plan`.

    Examples: manikit plan examples/app; manikit plan -f examples/app -out app.plan; manikit plan -o
    markdown examples/app > plan.md

    Each object is planned as a server-side apply under field manager `manikit` (dry run): a field
    the manifests no longer set is removed, a field they never set (replicas after a scale) is left
    alone, and a field another manager owns is a conflict naming it (--force-conflicts takes it).
    Server-owned fields and defaults never show as differences; quantities compare by value; lists
    compare by their keys. What the cluster would refuse (an immutable field: see --replace) is an
    error, exit 1. Unless --no-preview, the controllers and scheduler are dry-run on a copy of the
    state to show pods that would stay Pending.
    """
    paths = [*(paths or []), *(filenames or [])]
    if not paths and not allow_empty:
        raise typer.BadParameter("give at least one manifest file or directory (PATH or -f PATH)")
    end_without_teardown()  # what the plan holds needs no freeing once it is printed
    render = template_options(values, set_values, allow_env)
    desired = read_desired(
        paths,
        namespace,
        render,
        jobs,
        allow_empty=allow_empty,
        applyset=applyset,
        state=state,
        meanwhile=import_preview if preview else None,
    )
    # a saved plan is bound to a state: it needs one; a plan to read creates none
    with control_plane(state, read_only=out is None) as cp, console.phase("planning..."):
        result = plan_for(
            cp.cluster,
            desired,
            applyset=applyset,
            prune=prune,
            allow_empty=allow_empty,
            preview=preview,
            replace=replace or (),
            force_conflicts=force_conflicts,
        )
        key = cp.cluster.signing_key(create=True) if out and not result.refusals else ""
    print_plan(result, output_format)
    if html:
        write_html(result, html)
    if result.refusals:
        if out:
            typer.echo(f"\nThe plan was not saved to {out}: the cluster would refuse part of it.", err=True)
        raise typer.Exit(1)
    if out:
        from manikit.plan.planfile import save_plan  # its models are built as it is imported

        save_plan(result, out, key)
        typer.echo(f"\nSaved the plan to {out}. To apply exactly this plan: manikit apply {out}", err=True)
    if detailed_exitcode and not result.empty:
        raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    app.command("plan")(plan)
