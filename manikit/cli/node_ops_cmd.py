"""``manikit nodes stop|start|cordon|uncordon|drain|taint NAME``: what happens to a node, and what an
operator does to one, as kubectl's words say it."""

from __future__ import annotations

import typer

from manikit.cli import console
from manikit.cli.nodes_cmd import nodes_app
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, STATE_OPTION, control_plane, local_cluster
from manikit.cli.timing import FOR_OPTION, duration
from manikit.cluster import nodeops

NODE_ARGUMENT = typer.Argument(..., metavar="NAME", help="The node.")


@nodes_app.command("stop")
def stop(
    name: str = NODE_ARGUMENT, state: str | None = STATE_OPTION, run_for: str | None = FOR_OPTION
) -> None:
    """The node goes down: its kubelet stops posting status (NotReady after 40 s, pods evicted after
    their 300 s tolerations and replaced elsewhere).

    Example: manikit nodes stop node-1
    """
    with control_plane(state) as cp:
        changed = local_cluster(cp, "nodes stop").set_node_stopped(name, True)
        typer.echo(f"node/{name} {'stopped' if changed else 'already stopped'}")
        cp.reconcile(duration(run_for))


@nodes_app.command("start")
def start(
    name: str = NODE_ARGUMENT, state: str | None = STATE_OPTION, run_for: str | None = FOR_OPTION
) -> None:
    """The node comes back: its kubelet posts Ready again and finishes the pods deleted meanwhile.

    Example: manikit nodes start node-1
    """
    with control_plane(state) as cp:
        changed = local_cluster(cp, "nodes start").set_node_stopped(name, False)
        typer.echo(f"node/{name} {'started' if changed else 'already running'}")
        cp.reconcile(duration(run_for))


def _cordon(name: str, state: str | None, flag: bool, run_for: str | None) -> None:
    with control_plane(state) as cp:
        changed = nodeops.set_unschedulable(cp.cluster, name, flag)
        word = "cordoned" if flag else "uncordoned"
        typer.echo(f"node/{name} {word}" if changed else f"node/{name} already {word}")
        cp.reconcile(duration(run_for))


@nodes_app.command("cordon")
def cordon(
    name: str = NODE_ARGUMENT, state: str | None = STATE_OPTION, run_for: str | None = FOR_OPTION
) -> None:
    """Mark the node unschedulable (its pods stay).

    Example: manikit nodes cordon node-1
    """
    _cordon(name, state, True, run_for)


@nodes_app.command("uncordon")
def uncordon(
    name: str = NODE_ARGUMENT, state: str | None = STATE_OPTION, run_for: str | None = FOR_OPTION
) -> None:
    """Mark the node schedulable again.

    Example: manikit nodes uncordon node-1
    """
    _cordon(name, state, False, run_for)


@nodes_app.command("taint")
def taint(
    name: str = NODE_ARGUMENT,
    specs: list[str] = typer.Argument(
        ..., metavar="TAINT...", help="KEY[=VALUE]:EFFECT to add, KEY[:EFFECT]- to remove."
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a taint of the same key and effect."),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Add or remove taints (NoExecute ones evict the pods that do not tolerate them).

    Example: manikit nodes taint node-1 dedicated=gpu:NoSchedule
    """
    with control_plane(state) as cp:
        typer.echo(f"node/{name} {nodeops.taint(cp.cluster, name, specs, overwrite)}")
        cp.reconcile(duration(run_for))


@nodes_app.command("drain")
def drain(
    name: str = NODE_ARGUMENT,
    force: bool = typer.Option(False, "--force", help="Also delete pods that declare no controller."),
    ignore_daemonsets: bool = typer.Option(False, "--ignore-daemonsets", help="Leave DaemonSet pods."),
    delete_emptydir_data: bool = typer.Option(
        False, "--delete-emptydir-data", help="Also evict pods with emptyDir volumes (their data is lost)."
    ),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Cordon the node and evict its pods, as kubectl drain (refusing what would not come back).

    Example: manikit nodes drain node-1 --ignore-daemonsets
    """
    with control_plane(state) as cp:
        changed = nodeops.set_unschedulable(cp.cluster, name, True)
        typer.echo(f"node/{name} {'cordoned' if changed else 'already cordoned'}")
        plan = nodeops.drain_plan(
            cp.cluster,
            name,
            force=force,
            ignore_daemonsets=ignore_daemonsets,
            delete_emptydir=delete_emptydir_data,
        )
        err = console.stderr()
        if plan.errors:
            cp.reconcile(duration(run_for))
            err.print(
                f'error: unable to drain node "{name}" due to error: {", ".join(plan.errors)}, '
                "continuing command...",
                markup=False,
            )
            err.print(f"There are pending nodes to be drained:\n {name}", markup=False)
            for error in plan.errors:
                err.print(f"error: {error}", markup=False)
            raise typer.Exit(1)
        for warning in plan.warnings:
            err.print(f"Warning: {warning}", markup=False)
        with cp.cluster.batch():
            for pod in plan.evict:
                meta = pod["metadata"]
                typer.echo(f"evicting pod {meta['namespace']}/{meta['name']}")
                cp.cluster.delete("Pod", meta["name"], meta["namespace"])
        cp.reconcile(duration(run_for))
        for pod in plan.evict:
            meta = pod["metadata"]
            if cp.cluster.find("Pod", meta["name"], meta["namespace"]) is None:
                typer.echo(f"pod/{meta['name']} evicted")
        typer.echo(f"node/{name} drained")


def register(app: typer.Typer) -> None:
    """The commands above hang off ``manikit nodes`` (registered by nodes_cmd)."""
