"""``manikit delete KIND NAME...``: delete objects, cascading to their dependents, then reconcile."""

from __future__ import annotations

from enum import StrEnum

import typer

from manikit.cli.resources import RESOURCE_ARGUMENT, qualified, resource_args
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, NAMESPACE_OPTION, STATE_OPTION, control_plane
from manikit.cli.timing import FOR_OPTION, duration
from manikit.cluster import Propagation
from manikit.errors import UserError


class Cascade(StrEnum):
    background = "background"
    foreground = "foreground"
    orphan = "orphan"


PROPAGATION: dict[Cascade, Propagation] = {
    Cascade.background: "Background",
    Cascade.foreground: "Foreground",
    Cascade.orphan: "Orphan",
}


def delete(
    kind: str = RESOURCE_ARGUMENT,
    names: list[str] = typer.Argument(None, metavar="NAME", help="Names of the objects.", show_default=False),
    namespace: str | None = NAMESPACE_OPTION,
    selector: str | None = typer.Option(
        None, "--selector", "-l", metavar="SELECTOR", help="Delete every object matching."
    ),
    cascade: Cascade = typer.Option(
        Cascade.background,
        "--cascade",
        help="background (the default), foreground, or orphan the dependents.",
    ),
    grace_period: int = typer.Option(
        -1,
        "--grace-period",
        metavar="SECONDS",
        help="Seconds a pod gets to stop (default: its own; 0 with --force: now).",
    ),
    force: bool = typer.Option(False, "--force", help="With --grace-period=0: remove pods at once."),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Delete objects; their ReplicaSets and pods go too unless --cascade=orphan.

    Examples: manikit delete deploy web -n shop; manikit delete deployment.apps/web -n shop
    """
    wanted = resource_args(kind, names or [])
    if not any(named for _, named in wanted) and not selector:
        raise UserError("resource(s) were provided, but no name or label selector was specified")
    with control_plane(state) as cp:
        targets = []
        for info, named in wanted:
            ns = (namespace or "default") if info.namespaced else None
            found = list(named) + (
                [b["metadata"]["name"] for b in cp.cluster.list(info.kind, ns, selector)] if selector else []
            )
            targets += [(info, ns, name) for name in found]
        with cp.cluster.batch():
            for info, ns, name in targets:
                cp.cluster.delete(
                    info.kind,
                    name,
                    ns,
                    propagation=PROPAGATION[cascade],
                    grace_period=_grace(grace_period, force),
                )
        for info, _, name in targets:
            typer.echo(f'{qualified(info)} "{name}" deleted')
        if selector and not targets:
            typer.echo("No resources found")
        cp.reconcile(duration(run_for))


def _grace(seconds: int, force: bool) -> int | None:
    if seconds == 0 and not force:
        raise UserError("--grace-period=0 must have --force specified to delete at once")
    if force and seconds < 0:
        return 0
    return None if seconds < 0 else seconds


def register(app: typer.Typer) -> None:
    app.command("delete")(delete)
