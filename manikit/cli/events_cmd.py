"""``manikit events``: the control plane's events, oldest first, as ``kubectl events`` lists them."""

from __future__ import annotations

from datetime import datetime

import typer

from manikit.cli import console
from manikit.cli.columns import format_table
from manikit.cli.resources import resolve_kind
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, NAMESPACE_OPTION, STATE_OPTION, control_plane
from manikit.cli.watch import watch_events
from manikit.cluster import Cluster
from manikit.cluster.objects import EventRecord
from manikit.cluster.times import human_age
from manikit.errors import UserError


def events(
    namespace: str | None = NAMESPACE_OPTION,
    all_namespaces: bool = typer.Option(False, "--all-namespaces", "-A", help="Events of every namespace."),
    for_object: str | None = typer.Option(
        None, "--for", metavar="KIND/NAME", help="Only events about KIND/NAME, e.g. deploy/web."
    ),
    types: list[str] = typer.Option(
        [], "--types", metavar="TYPE", show_default=False, help="Only these types (Normal, Warning)."
    ),
    watch: bool = typer.Option(False, "--watch", "-w", help="Run the cluster and print events as they come."),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
) -> None:
    """List events (LAST SEEN, TYPE, REASON, OBJECT, MESSAGE); -w: run the cluster and print new ones.

    Example: manikit events -n shop --for deploy/web
    """
    with control_plane(state, read_only=True) as cp:
        ns = None if all_namespaces else (namespace or "default")
        kind = name = None
        if for_object:
            kind_name, _, name = for_object.partition("/")
            if not name:
                raise UserError(f"--for takes KIND/NAME, not {for_object!r}")
            kind = resolve_kind(kind_name).kind
        wanted = {t.lower() for t in types}

        def listed() -> list[EventRecord]:
            found = cp.cluster.events(namespace=ns) if ns is None else _in_namespace(cp.cluster, ns)
            if kind is not None:
                found = [e for e in found if e.kind == kind and e.name == name]
            return [e for e in found if e.type.lower() in wanted] if wanted else found

        found = listed()
        if not found and not watch:
            where = "" if ns is None else f" in {ns} namespace"
            console.stderr().print(f"No events found{where}.", markup=False)
            return
        if found:
            typer.echo(_table(found, cp.cluster.now(), ns is None))
        if watch:
            watch_events(
                cp,
                listed,
                lambda fresh: _table(fresh, cp.cluster.now(), ns is None, header=False),
                None,  # --for names an object here
            )


def _table(found: list[EventRecord], now: datetime, all_namespaces: bool, header: bool = True) -> str:
    headers = ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    rows = [
        [
            human_age(e.last_timestamp, now)
            + (f" (x{e.count} over {human_age(e.first_timestamp, now)})" if e.count > 1 else ""),
            e.type,
            e.reason,
            f"{e.kind.lower()}/{e.name}",
            e.message,
        ]
        for e in found
    ]
    if all_namespaces:
        headers = ["NAMESPACE", *headers]
        rows = [[e.namespace, *row] for e, row in zip(found, rows, strict=True)]
    text = format_table(headers, rows)
    return text if header else "\n".join(text.splitlines()[1:])


def _in_namespace(cluster: Cluster, namespace: str) -> list[EventRecord]:
    # Events of cluster-scoped objects (nodes) have no namespace; kubectl shows them under default.
    found = cluster.events(namespace=namespace)
    if namespace == "default":
        found = sorted([*found, *cluster.events(namespace="")], key=lambda e: (e.last_timestamp, e.id))
    return found


def register(app: typer.Typer) -> None:
    app.command("events")(events)
