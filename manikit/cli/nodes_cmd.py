"""``manikit nodes add FILE...``: register Node manifests with the control plane, then reconcile
(pending pods may now fit)."""

from __future__ import annotations

import typer

from manikit.cli.common import manifest_files, print_problems_text
from manikit.cli.state import STATE_OPTION, control_plane
from manikit.cli.timing import FOR_OPTION, duration
from manikit.diagnostics import Level
from manikit.errors import UserError
from manikit.validate.pipeline import validate_file

nodes_app = typer.Typer(help="Manage the nodes of the local cluster.", no_args_is_help=True)


@nodes_app.command("add")
def add(
    paths: list[str] = typer.Argument(
        ..., help="Files or directories of Node manifests.", show_default=False
    ),
    state: str | None = STATE_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Add the Node manifests in FILE... (other kinds are refused: use apply for those).

    Example: manikit nodes add examples/cluster/nodes.yaml
    """
    outcomes = [validate_file(name, keep_objects=True) for name in manifest_files(paths)]
    problems = sorted(p for o in outcomes for p in o.problems if p.level is Level.ERROR)
    if problems:
        print_problems_text(problems)
        raise typer.Exit(1)
    objects = [v.obj for o in outcomes for v in o.objects]
    others = sorted({f"{o.kind}/{o.name}" for o in objects if o.kind != "Node"})
    if others:
        raise UserError(f"nodes add takes Node manifests only; found {', '.join(others)}")
    if not objects:
        raise UserError(f"no Node manifests found in {', '.join(paths)}")
    with control_plane(state, default_cluster=False) as cp:  # your nodes instead of the default ones
        with cp.cluster.batch():
            for node in objects:
                cp.cluster.create(node.to_k8s(), manager="manikit-create")
        for node in objects:
            typer.echo(f"node/{node.name} created")
        cp.reconcile(duration(run_for))


def register(app: typer.Typer) -> None:
    app.add_typer(nodes_app, name="nodes")
