"""``manikit scale deployment NAME --replicas N``: set replicas, then reconcile."""

from __future__ import annotations

import typer

from manikit.cli.state import NAMESPACE_OPTION, STATE_OPTION, control_plane, qualified, resolve_kind
from manikit.errors import UserError
from manikit.models.base import INT32_MAX


def scale(
    kind: str = typer.Argument(..., help="deployment or replicaset (any of their names)."),
    name: str = typer.Argument(..., help="The object to scale."),
    replicas: int = typer.Option(
        ..., "--replicas", min=0, max=INT32_MAX, help="The new number of replicas (Kubernetes' int32)."
    ),
    namespace: str | None = NAMESPACE_OPTION,
    state: str | None = STATE_OPTION,
) -> None:
    """Set the replicas of a Deployment or ReplicaSet."""
    info = resolve_kind(kind)
    if info.kind not in ("Deployment", "ReplicaSet"):
        raise UserError(f"cannot scale a {info.kind}: only deployments and replicasets have replicas")
    with control_plane(state) as cp:
        body = cp.api.get(info.kind, name, namespace)
        spec = {**body["spec"], "replicas": replicas}
        cp.api.update({**body, "spec": spec})
        typer.echo(f"{qualified(info)}/{name} scaled")
        cp.reconcile()


def register(app: typer.Typer) -> None:
    app.command("scale")(scale)
