"""``manikit get KIND [NAME...]``: objects of the local control plane, with kubectl's columns."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

import typer

from manikit.cli import console
from manikit.cli.columns import format_table, headers_for, rows_for
from manikit.cli.resources import qualified, resource_args
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, NAMESPACE_OPTION, STATE_OPTION, control_plane
from manikit.cli.timing import FOR_OPTION, duration
from manikit.cli.watch import watch_objects
from manikit.cluster import Body, Cluster
from manikit.errors import UserError
from manikit.models.registry import KindInfo
from manikit.source.yamldump import dump_yaml


class Output(StrEnum):
    wide = "wide"
    yaml = "yaml"
    json = "json"
    name = "name"


def get(
    kind: str = typer.Argument(
        ...,
        metavar="KIND[/NAME]",
        help="po, deploy, rs, svc, ns, no, ep (singular, plural, short or KIND.GROUP name), a list "
        "(deploy,po), all, or KIND/NAME (deployment.apps/web), as kubectl takes them.",
    ),
    names: list[str] = typer.Argument(
        None, metavar="NAME", help="Names of objects to show (default: all).", show_default=False
    ),
    namespace: str | None = NAMESPACE_OPTION,
    all_namespaces: bool = typer.Option(False, "--all-namespaces", "-A", help="List across all namespaces."),
    selector: str | None = typer.Option(
        None, "--selector", "-l", metavar="SELECTOR", help="Label selector, e.g. app=web,tier!=db."
    ),
    output: Output | None = typer.Option(
        None, "--output", "-o", metavar="FORMAT", help="wide, yaml, json or name.", show_default=False
    ),
    show_labels: bool = typer.Option(False, "--show-labels", help="Add a LABELS column."),
    watch: bool = typer.Option(False, "--watch", "-w", help="Run the cluster and print each change."),
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    run_for: str | None = FOR_OPTION,
) -> None:
    """Display objects of the local control plane as kubectl does; -w: run the cluster and print changes.

    Examples: manikit get pods -n shop -o wide; manikit get deploy,svc -A; manikit get deployment.apps/web
    -n shop -o yaml. With -o json or yaml a listing is always a List (kubectl's shape for jq '.items[]').
    """
    wanted = resource_args(kind, names or [])
    several = len(wanted) > 1
    if watch:
        if several or any(named for _, named in wanted) or output not in (None, Output.wide):
            raise UserError("--watch takes one kind, no names, and the table output (or -o wide)")
        _watch(wanted[0][0], namespace, all_namespaces, selector, output is Output.wide, state, run_for)
        return
    with control_plane(state, read_only=True) as cp:
        blocks, items = [], []
        for info, named in wanted:
            ns = None if all_namespaces or not info.namespaced else (namespace or "default")
            if named:
                found = [cp.cluster.get(info.kind, name, ns or namespace) for name in named]
            else:
                found = cp.cluster.list(info.kind, ns, selector)
            items.extend(found)
            if found and output not in (Output.yaml, Output.json):
                show_ns = all_namespaces and info.namespaced
                blocks.append(
                    render(cp.cluster, info, found, output, show_ns, cp.cluster.now(), several, show_labels)
                )
        if output in (Output.yaml, Output.json):
            single = len(wanted) == 1 and len(wanted[0][1]) == 1  # one object by name: bare, as kubectl
            typer.echo(as_list(items, output, bare=single))
            return
        if not blocks:
            namespaced = any(i.namespaced for i, _ in wanted) and not all_namespaces
            where = f" in {namespace or 'default'} namespace" if namespaced else ""
            console.stderr().print(f"No resources found{where}.", markup=False)
            return
        typer.echo(("\n\n" if output in (None, Output.wide) else "\n").join(blocks))


def as_list(items: list[Body], output: Output, *, bare: bool = False) -> str:
    """kubectl's ``kind: List`` for -o json|yaml, whatever the number of objects (none, one, many); one
    object asked for by name is printed bare, as kubectl prints it."""
    data: Body = (
        items[0]
        if bare and len(items) == 1
        else {"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}
    )
    return json.dumps(data, indent=4) if output is Output.json else dump_yaml(data).rstrip("\n")


def render(
    cluster: Cluster,
    info: KindInfo,
    found: list[Body],
    output: Output | None,
    show_ns: bool,
    now: Any,
    prefixed: bool = False,
    show_labels: bool = False,
) -> str:
    if output is Output.name:
        return "\n".join(f"{qualified(info)}/{b['metadata']['name']}" for b in found)
    if output in (Output.yaml, Output.json):
        return as_list(found, output)
    wide = output is Output.wide
    pods = cluster.list("Pod") if info.kind == "Node" else []
    headers = headers_for(info.kind, wide)
    rows = rows_for(info.kind, found, now, wide, pods)
    if prefixed:
        rows = [[f"{qualified(info)}/{row[0]}", *row[1:]] for row in rows]
    if show_labels:
        headers = [*headers, "LABELS"]
        rows = [[*row, _labels(b)] for b, row in zip(found, rows, strict=True)]
    if show_ns:
        headers = ["NAMESPACE", *headers]
        rows = [[b["metadata"].get("namespace", ""), *row] for b, row in zip(found, rows, strict=True)]
    return format_table(headers, rows)


def _watch(
    info: KindInfo, namespace: str | None, all_namespaces: bool, selector: str | None, wide: bool,
    state: str | None, run_for: str | None,
) -> None:  # fmt: skip
    with control_plane(state, read_only=True) as cp:
        ns = None if all_namespaces or not info.namespaced else (namespace or "default")
        show_ns = all_namespaces and info.namespaced
        headers = (["NAMESPACE"] if show_ns else []) + headers_for(info.kind, wide)

        def rows(found: list[Body]) -> list[list[str]]:
            pods = cp.cluster.list("Pod") if info.kind == "Node" else []
            made = rows_for(info.kind, found, cp.cluster.now(), wide, pods)
            if show_ns:
                made = [[b["metadata"].get("namespace", ""), *r] for b, r in zip(found, made, strict=True)]
            return made

        watch_objects(cp, headers, lambda: cp.cluster.list(info.kind, ns, selector), rows, duration(run_for))


def _labels(body: Body) -> str:
    labels = body["metadata"].get("labels") or {}
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items())) or "<none>"


def register(app: typer.Typer) -> None:
    app.command("get")(get)
