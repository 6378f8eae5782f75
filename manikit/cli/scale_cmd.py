"""``manikit scale deployment NAME --replicas N``: set replicas, then reconcile."""

from __future__ import annotations

import typer

from manikit.cli.resources import one_object, qualified
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, NAMESPACE_OPTION, STATE_OPTION, control_plane
from manikit.cli.timing import FOR_OPTION, duration
from manikit.cluster.retry import retry_on_conflict
from manikit.errors import UserError
from manikit.models.base import INT32_MAX

#: The field manager of a scale (kubectl scale names none and is "kubectl" on the scale subresource).
MANAGER = "manikit-scale"


def scale(
    kind: str = typer.Argument(
        ..., metavar="KIND[/NAME]", help="deployment or replicaset (any of their names), or KIND/NAME."
    ),
    name: str | None = typer.Argument(None, metavar="NAME", help="The object to scale.", show_default=False),
    replicas: int = typer.Option(
        ...,
        "--replicas",
        min=0,
        max=INT32_MAX,
        metavar="N",
        help="The new number of replicas (Kubernetes' int32).",
    ),
    namespace: str | None = NAMESPACE_OPTION,
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Set the replicas of a Deployment or ReplicaSet.

    Examples: manikit scale deployment web --replicas 5 -n shop; manikit scale deploy/web --replicas 5 -n shop
    """
    info, name = one_object(kind, name)
    if info.kind not in ("Deployment", "ReplicaSet"):
        raise UserError(f"cannot scale a {info.kind}: only deployments and replicasets have replicas")
    with control_plane(state) as cp:

        def change() -> None:
            body = cp.cluster.get(info.kind, name, namespace)
            cp.cluster.update({**body, "spec": {**body["spec"], "replicas": replicas}}, manager=MANAGER)

        retry_on_conflict(change)
        typer.echo(f"{qualified(info)}/{name} scaled")
        cp.reconcile(duration(run_for))


def register(app: typer.Typer) -> None:
    app.command("scale")(scale)
