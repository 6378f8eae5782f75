"""``manikit rollout status|history|undo|pause|resume|restart deployment NAME``, as kubectl rollout.

``status`` runs the cluster (in simulated time) and prints kubectl's progress line each time it
changes, until the rollout finishes (exit 0), the cluster settles without finishing it, or --timeout
passes (exit 1); ``--no-watch`` prints where it stands once.
"""

from __future__ import annotations

import typer

from manikit.cli import console
from manikit.cli.columns import format_table
from manikit.cli.resources import one_object
from manikit.cli.rollout_bars import RolloutBars
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, NAMESPACE_OPTION, STATE_OPTION, control_plane
from manikit.cli.timing import FOR_OPTION, duration
from manikit.cluster.deployments import revisions as revisions_of
from manikit.cluster.deployments import rollout_status, template_without_hash
from manikit.cluster.retry import retry_on_conflict
from manikit.cluster.times import rfc3339
from manikit.errors import UserError
from manikit.source.yamldump import dump_yaml

rollout_app = typer.Typer(help="Manage the rollout of a deployment.", no_args_is_help=True)
KIND_ARGUMENT = typer.Argument(
    ..., metavar="KIND[/NAME]", help="deployment (deploy, deployments, deployment.apps), or deploy/NAME."
)
NAME_ARGUMENT = typer.Argument(None, metavar="NAME", help="The deployment.", show_default=False)
CHANGE_CAUSE = "kubernetes.io/change-cause"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
#: The field manager of pause, resume, restart and undo (kubectl rollout's is "kubectl-rollout").
MANAGER = "manikit-rollout"


def _deployment(kind: str, name: str | None) -> str:
    """The deployment's name from ``deploy NAME`` or ``deploy/NAME``."""
    info, found = one_object(kind, name)
    if info.kind != "Deployment":
        raise UserError(f"rollout works on deployments here, not {kind}")
    return found


@rollout_app.command("status")
def status(
    kind: str = KIND_ARGUMENT, name: str | None = NAME_ARGUMENT, namespace: str | None = NAMESPACE_OPTION,
    watch: bool = typer.Option(True, "--watch/--no-watch", "-w", help="Wait for the rollout to finish."),
    timeout: str | None = typer.Option(
        None, "--timeout", metavar="DURATION", help="Give up after this much simulated time (default: never)."
    ),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
) -> None:  # fmt: skip
    """Show the rollout's progress until it completes; exit 1 unless it does.

    Example: manikit rollout status deploy/web -n shop
    """
    name = _deployment(kind, name)
    limit = duration(timeout, "--timeout")
    with control_plane(state, read_only=True) as cp:
        dep = cp.cluster.get("Deployment", name, namespace)
        ns = dep["metadata"]["namespace"]
        shown: list[str] = []

        bars = RolloutBars()

        def look() -> bool:
            current = cp.cluster.get("Deployment", name, ns)
            message, done = rollout_status(current)
            bars.update([current])
            if not shown or shown[-1] != message:
                typer.echo(message)
                shown.append(message)
            return done

        if look():
            return
        if not watch:
            raise typer.Exit(1)
        start = cp.cluster.now()
        with bars:
            cp.reconcile(limit, observe=look)
            if look():
                return
        if limit is not None and cp.cluster.now() >= start + limit:
            console.stderr().print("error: timed out waiting for the condition", markup=False)
        else:
            console.stderr().print(
                f'error: deployment "{name}" rollout cannot finish: the cluster has settled', markup=False
            )
        raise typer.Exit(1)


@rollout_app.command("history")
def history(
    kind: str = KIND_ARGUMENT, name: str | None = NAME_ARGUMENT, namespace: str | None = NAMESPACE_OPTION,
    revision: int | None = typer.Option(
        None, "--revision", metavar="N", help="Show the pod template of this revision."
    ),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
) -> None:  # fmt: skip
    """List the revisions of a deployment (or show one).

    Example: manikit rollout history deploy/web -n shop
    """
    name = _deployment(kind, name)
    with control_plane(state, read_only=True) as cp:
        dep = cp.cluster.get("Deployment", name, namespace)
        revisions = revisions_of(cp.cluster, dep)
        if revision is not None:
            if revision not in revisions:
                raise UserError(f"unable to find the specified revision {revision}")
            template = template_without_hash(revisions[revision]["spec"]["template"])
            typer.echo(f"deployment.apps/{name} with revision #{revision}\nPod Template:")
            typer.echo(dump_yaml(template).rstrip("\n"))
            return
        rows = [
            [str(number), (rs["metadata"].get("annotations") or {}).get(CHANGE_CAUSE, "<none>")]
            for number, rs in sorted(revisions.items())
        ]
        typer.echo(f"deployment.apps/{name} \n" + format_table(["REVISION", "CHANGE-CAUSE"], rows))


@rollout_app.command("undo")
def undo(
    kind: str = KIND_ARGUMENT, name: str | None = NAME_ARGUMENT, namespace: str | None = NAMESPACE_OPTION,
    to_revision: int = typer.Option(
        0, "--to-revision", metavar="N", help="Revision to go back to (default: previous)."
    ),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:  # fmt: skip
    """Roll back to the previous (or a given) revision's pod template.

    Example: manikit rollout undo deploy/web --to-revision 1 -n shop
    """
    name = _deployment(kind, name)
    with control_plane(state) as cp:

        def roll_back() -> int | None:
            """The revision rolled back to; None when the template already is that revision's."""
            dep = cp.cluster.get("Deployment", name, namespace)
            revisions = revisions_of(cp.cluster, dep)
            wanted = to_revision
            if wanted == 0:
                previous = sorted(revisions)[:-1]
                if not previous:
                    raise UserError(f'no rollout history found for deployment "{name}"')
                wanted = previous[-1]
            if wanted not in revisions:
                raise UserError(f"unable to find specified revision {wanted} in history")
            template = template_without_hash(revisions[wanted]["spec"]["template"])
            if template == dep["spec"]["template"]:
                typer.echo(
                    f"deployment.apps/{name} skipped rollback "
                    f"(current template already matches revision {wanted})"
                )
                return None
            cp.cluster.update({**dep, "spec": {**dep["spec"], "template": template}}, manager=MANAGER)
            return wanted

        if retry_on_conflict(roll_back) is None:
            return
        typer.echo(f"deployment.apps/{name} rolled back")
        cp.reconcile(duration(run_for))


def _set_paused(
    name: str, namespace: str | None, state: str | None, paused: bool, run_for: str | None
) -> None:
    word = "paused" if paused else "resumed"
    with control_plane(state) as cp:

        def set_paused() -> bool:
            dep = cp.cluster.get("Deployment", name, namespace)
            if bool(dep["spec"].get("paused")) == paused:
                return False
            cp.cluster.update({**dep, "spec": {**dep["spec"], "paused": paused}}, manager=MANAGER)
            return True

        if not retry_on_conflict(set_paused):
            typer.echo(f"deployment.apps/{name} already {word}")
            return
        typer.echo(f"deployment.apps/{name} {word}")
        cp.reconcile(duration(run_for))


@rollout_app.command("restart")
def restart(
    kind: str = KIND_ARGUMENT, name: str | None = NAME_ARGUMENT, namespace: str | None = NAMESPACE_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:  # fmt: skip
    """Restart every pod by a rollout (kubectl's restartedAt annotation on the pod template).

    Example: manikit rollout restart deploy/web -n shop
    """
    name = _deployment(kind, name)
    with control_plane(state) as cp:

        def restart_it() -> None:
            dep = cp.cluster.get("Deployment", name, namespace)
            if dep["spec"].get("paused"):
                raise UserError(
                    f'deployments.apps "{name}" can\'t restart paused deployment (run rollout resume first)'
                )
            template = dep["spec"]["template"]
            meta = dict(template.get("metadata") or {})
            annotations = {**(meta.get("annotations") or {}), RESTARTED_AT: rfc3339(cp.cluster.now())}
            meta["annotations"] = annotations
            spec = {**dep["spec"], "template": {**template, "metadata": meta}}
            cp.cluster.update({**dep, "spec": spec}, manager=MANAGER)

        retry_on_conflict(restart_it)
        typer.echo(f"deployment.apps/{name} restarted")
        cp.reconcile(duration(run_for))


@rollout_app.command("pause")
def pause(
    kind: str = KIND_ARGUMENT, name: str | None = NAME_ARGUMENT, namespace: str | None = NAMESPACE_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:  # fmt: skip
    """Pause a deployment: template changes wait until it is resumed.

    Example: manikit rollout pause deploy/web -n shop
    """
    name = _deployment(kind, name)
    _set_paused(name, namespace, state, True, run_for)


@rollout_app.command("resume")
def resume(
    kind: str = KIND_ARGUMENT, name: str | None = NAME_ARGUMENT, namespace: str | None = NAMESPACE_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:  # fmt: skip
    """Resume a paused deployment.

    Example: manikit rollout resume deploy/web -n shop
    """
    name = _deployment(kind, name)
    _set_paused(name, namespace, state, False, run_for)


def register(app: typer.Typer) -> None:
    app.add_typer(rollout_app, name="rollout")
