"""``manikit apply PATH... | PLANFILE``: plan, show, confirm, apply in one transaction, reconcile."""

from __future__ import annotations

import sys
from contextlib import AbstractContextManager, ExitStack, nullcontext, suppress
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from manikit.cli import console
from manikit.cli.common import (
    ALLOW_ENV_OPTION,
    FILENAME_OPTION,
    JOBS_OPTION,
    MANIFEST_NAMESPACE_OPTION,
    SET_OPTION,
    VALUES_OPTION,
    template_options,
)
from manikit.cli.main import collector_off, end_without_teardown
from manikit.cli.plan_support import (
    ALLOW_EMPTY_OPTION,
    APPLYSET_OPTION,
    FORCE_CONFLICTS_OPTION,
    PREVIEW_OPTION,
    PRUNE_OPTION,
    REPLACE_OPTION,
    PlanFormat,
    plan_for,
    print_plan,
    read_desired,
)
from manikit.cli.print_aside import PrintedAside, can_print_aside, printed_aside
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, STATE_OPTION, ControlPlane, control_plane
from manikit.cli.timing import FOR_OPTION, duration
from manikit.cli.words import plural
from manikit.cluster.recorded import refresh_applied
from manikit.cluster.statefile import checkpoints_aside, keep_backup
from manikit.errors import PlanError
from manikit.plan.actions import PLAN_FILE_MAGIC, ObjectKey, Plan
from manikit.plan.render.pending import group_pending, pods

if TYPE_CHECKING:
    from manikit.apply.executor import ApplyResult
    from manikit.apply.report import RolloutReport

#: below this many changes an apply takes well under a second: no progress bar
PROGRESS_MIN_CHANGES = 500
#: from this many changes on, the state's checkpoints run on a thread (runtime/store/checkpoints.py)
CHECKPOINTS_ASIDE_MIN_CHANGES = 2000


def apply(
    paths: list[str] = typer.Argument(
        None,
        metavar="PATH",
        help="Manifest files or directories (- for stdin), or one plan file from `manikit plan -out`.",
        show_default=False,
    ),
    filenames: list[str] | None = FILENAME_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    auto_approve: bool = typer.Option(
        False, "--auto-approve", "-y", help="Apply without asking for confirmation."
    ),
    applyset: str = APPLYSET_OPTION,
    prune: bool = PRUNE_OPTION,
    allow_empty: bool = ALLOW_EMPTY_OPTION,
    preview: bool = PREVIEW_OPTION,
    replace: list[str] | None = REPLACE_OPTION,
    force_conflicts: bool = FORCE_CONFLICTS_OPTION,
    lock_timeout: float = typer.Option(
        0.0,
        "--lock-timeout",
        min=0,
        metavar="SECONDS",
        help="Seconds to wait for another apply to finish before failing.",
    ),
    wait: bool = typer.Option(
        False, "--wait", help="Fail unless every Deployment becomes Available at its new generation."
    ),
    timeout: float = typer.Option(
        300.0,
        "--timeout",
        min=0,
        metavar="SECONDS",
        help="With --wait: how much simulated time the rollout may take (seconds).",
    ),
    namespace: str = MANIFEST_NAMESPACE_OPTION,
    jobs: int | None = JOBS_OPTION,
    values: list[str] | None = VALUES_OPTION,
    set_values: list[str] | None = SET_OPTION,
    allow_env: bool = ALLOW_ENV_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Apply manifests (or a saved plan) to the local control plane, then reconcile.

    The whole apply is one transaction: it lands entirely or not at all. A second apply waits up to
    --lock-timeout for the first. Without --auto-approve, a terminal is asked to confirm; anything
    else is refused rather than applied silently.

    Examples: manikit apply -f examples/app --auto-approve; manikit apply release.mkplan
    """
    collector_off()  # the objects of an apply are trees, freed by reference counting (cli/main.py)
    paths = [*(paths or []), *(filenames or [])]
    ran_for = duration(run_for)  # a bad duration is a usage error before any work
    if not paths and not allow_empty:
        raise typer.BadParameter("give manifest files or directories, or a plan file", param_hint="PATHS")
    plan_file = paths[0] if len(paths) == 1 and _is_plan_file(paths[0]) else None
    desired = None
    if plan_file is None:
        render = template_options(values, set_values, allow_env)
        desired = read_desired(
            paths,
            namespace,
            render,
            jobs,
            allow_empty=allow_empty,
            applyset=applyset,
            state=state,
            admit=True,
            meanwhile=import_applying,
        )
    from manikit.apply.executor import ApplyResult, ApplyStopped, check_fresh, note_unchanged

    command = "manikit " + " ".join(sys.argv[1:]) if sys.argv else "manikit apply"
    with control_plane(state) as cp, cp.cluster.apply_lock(command, lock_timeout) as lock:
        if "took_over" in lock:
            console.stderr().print(lock["took_over"], markup=False)
        if plan_file is not None:
            from manikit.plan.planfile import load_plan, load_progress  # its models: only for a plan file

            plan = load_plan(plan_file, cp.cluster.signing_key())
            progress = load_progress(plan_file)
            already = check_fresh(cp.cluster, plan, progress)
        else:
            assert desired is not None
            with console.phase("planning..."):
                plan = plan_for(
                    cp.cluster,
                    desired,
                    applyset=applyset,
                    prune=prune,
                    allow_empty=allow_empty,
                    preview=preview,
                    replace=replace or (),
                    force_conflicts=force_conflicts,
                )
            desired = None  # what the plan does not hold of it goes now, before the plan is printed
            already, progress = set(), {}
        aside = auto_approve and not plan.refusals and not plan.empty
        if aside and can_print_aside(plan, cp.cluster.atomic_batches):
            printing: AbstractContextManager[PrintedAside | None] = printed_aside(plan)
        else:
            print_plan(plan, PlanFormat.text)
            printing = nullcontext()
        big = len(plan.changes) >= CHECKPOINTS_ASIDE_MIN_CHANGES
        with ExitStack() as beside:
            with printing as printer:
                if big:  # its commits leave the copy of their pages into the state file to a thread
                    beside.enter_context(checkpoints_aside(cp.cluster))  # (once the printer forked)
                if plan.refusals:
                    raise PlanError(
                        "nothing applied: the cluster would refuse part of this plan (see above); "
                        "resolve each refusal and apply again"
                    )
                if plan.empty:
                    note_unchanged(cp.cluster, plan)  # what the next plan need not parse (plan/textual.py)
                    result = ApplyResult()
                else:
                    _confirm(auto_approve)
                    keep_backup(cp.cluster)
                    try:
                        result = _execute(cp, plan, already, printer)
                    except ApplyStopped as stopped:
                        if plan_file is not None:
                            from manikit.plan.planfile import save_progress

                            save_progress(plan_file, {**progress, **stopped.result.versions})
                        raise
                    if plan_file is not None:
                        from manikit.plan.planfile import clear_progress

                        clear_progress(plan_file)
            # The plan is kept to the end (below), not freed before the reconcile: freeing its objects
            # one by one took 0.08 s of a 10,000-object apply, and the controllers' objects then went
            # into the holes it left all over the heap, which made the reconcile 0.16 s slower than in
            # fresh memory (peak RSS 585 MiB rather than 484).
            _finish(cp, result, wait, timeout, ran_for)
    # Only now, the state committed and closed (its write-ahead log checkpointed), the apply lock
    # released and the load's workers joined: what is left of the process is its teardown, which
    # freed the plan's and the controllers' objects one by one (0.2 s of a 10,000-object apply). The
    # control plane and the plan are kept too: returning would free them (as long again).
    end_without_teardown(cp, plan)


def import_applying() -> None:
    """What applying needs beyond loading: the API, the controllers, the scheduler and numpy, about
    half of the command's imports. ``read_desired`` imports them while its worker processes parse
    (``validate.pieces.pool_map``), on a core that would otherwise wait (issue 17)."""
    import manikit.apply.executor
    import manikit.apply.report  # noqa: F401


def _is_plan_file(path: str) -> bool:
    if path == "-" or not Path(path).is_file():
        return False
    if path.endswith(".mkplan"):
        return True
    with open(path, "rb") as handle:
        head = handle.read(64)
    return PLAN_FILE_MAGIC.encode() in head


def _confirm(auto_approve: bool) -> None:
    if auto_approve:
        return
    if not console.is_interactive():
        raise PlanError(
            "refusing to apply without confirmation: this is not an interactive terminal; "
            "review the plan and pass --auto-approve"
        )
    typer.echo("\nDo you want to perform these actions? Only 'yes' will be accepted.")
    if typer.prompt("  Enter a value", default="", show_default=False).strip() != "yes":
        typer.echo("Apply cancelled.")
        raise typer.Exit(1)


def _execute(
    cp: ControlPlane, plan: Plan, already: set[ObjectKey], printer: PrintedAside | None = None
) -> ApplyResult:
    from manikit.apply.executor import execute

    if printer is None:
        _announce(cp, plan, already)
        return _run(cp, plan, already)
    # The plan is being printed by a child (cli/print_aside.py): this process says nothing until the
    # child is done, and commits only then (a plan stdout did not take is not applied).
    waited = [False]

    def printed() -> None:
        if not waited[0]:
            waited[0] = True
            printer.wait()  # what printing raised stops the apply here, unannounced
            _announce(cp, plan, already)

    try:
        return execute(cp.cluster, plan, skip=already, before_commit=printed)
    except BaseException:
        with suppress(Exception):
            printed()  # said once the plan is whole, before what stopped the apply (once only)
        raise


def _announce(cp: ControlPlane, plan: Plan, already: set[ObjectKey]) -> None:
    err = console.stderr()
    count = len(plan.changes)
    err.print(f"applying {plural(count, 'change')} to {cp.cluster.location}", markup=False)
    if already:
        err.print(
            f"{plural(len(already), 'change')} of this plan already applied (an earlier apply of it "
            f"stopped): {', '.join(str(k) for k in sorted(already))}",
            markup=False,
        )
    err.file.flush()


def _run(cp: ControlPlane, plan: Plan, already: set[ObjectKey]) -> ApplyResult:
    from manikit.apply.executor import execute

    count = len(plan.changes)
    err = console.stderr()
    if not console.is_interactive() or count < PROGRESS_MIN_CHANGES:
        return execute(cp.cluster, plan, skip=already)  # CI logs get no progress bar
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("applying"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("apply", total=count)
        return execute(cp.cluster, plan, progress=lambda done: bar.update(task, completed=done), skip=already)


def _finish(
    cp: ControlPlane, result: ApplyResult, wait: bool, timeout: float, run_for: timedelta | None
) -> None:
    from manikit.apply.report import rollout_report

    out = console.stdout()
    if result.total:
        out.print(
            f"\nApply complete! Resources: {len(result.created)} added, {len(result.updated)} changed, "
            f"{len(result.replaced)} replaced, {len(result.deleted)} destroyed.",
            style="bold green",
            markup=False,
        )
    if console.is_interactive():
        with console.stderr().status("reconciling controllers and scheduler..."):
            cp.reconcile(run_for)
    else:
        cp.reconcile(run_for)
    shown: set[str] = set()

    def progress(step: RolloutReport) -> None:  # each new line once, as kubectl rollout status
        for line in step.deployments:
            if not line.ok and line.text not in shown:
                shown.add(line.text)
                out.print(f"  waiting: {line.text}", style="yellow", markup=False)

    bars = None
    if wait:
        from manikit.cli.rollout_bars import RolloutBars  # rich's progress bars: only for --wait

        bars = RolloutBars()

    def drawn(step: RolloutReport) -> None:  # on a terminal the bars say what the lines would
        if bars is None or not bars.enabled:
            progress(step)
        else:
            bars.update(cp.cluster.list("Deployment"))

    with bars or nullcontext():
        if bars is not None:
            bars.update(cp.cluster.list("Deployment"))
        report = rollout_report(cp.cluster, wait_seconds=timeout if wait else 0.0, progress=drawn)
    refresh_applied(cp.cluster)  # what the controllers wrote since is no work for the next plan
    _print_report(report)
    if wait and not report.converged:
        behind = sum(not line.ok for line in report.deployments)
        console.stderr().print(
            f"error: --wait: the rollout did not complete within {timeout:g}s of simulated time "
            f"({plural(behind, 'deployment')} not rolled out, {pods(len(report.pending))} Pending)",
            markup=False,
        )
        raise typer.Exit(1)


def _print_report(report: RolloutReport) -> None:
    out = console.stdout()
    if report.deployments:
        out.print("\nRollout:", style="bold", markup=False)
    for line in report.deployments:
        out.print(f"  {line.text}", style="green" if line.ok else "yellow", markup=False)
    if report.pending:
        out.print(f"  ! {pods(len(report.pending))} Pending:", style="red", markup=False)
    for group in group_pending(report.pending):
        out.print(f"    {group.count:>5} x {group.message} ({group.names()})", style="red", markup=False)


def register(app: typer.Typer) -> None:
    app.command("apply")(apply)
