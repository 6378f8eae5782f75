"""``manikit top nodes``: every node's requests and limits against its allocatable, as bars.

kubectl's ``top`` shows measured use; manikit runs no containers, so it draws what the scheduler
reserves (requests) and what the pods may reach (limits). Colour on a terminal only (never with
NO_COLOR); the same characters otherwise.
"""

from __future__ import annotations

import typer
from rich.text import Text

from manikit.cli import console
from manikit.cli.state import CONTEXT_OPTION, KUBECONFIG_OPTION, STATE_OPTION, control_plane
from manikit.cli.words import plural
from manikit.plan.capacity import NodeUsage, Usage, node_usages
from manikit.plan.render.bars import FREE, LIMIT, REQUEST, WIDTH, segments, share

top_app = typer.Typer(help="Show what the pods reserve on each node, as bars.", no_args_is_help=True)
LEGEND = f"{REQUEST} requests  {LIMIT} limits above requests  {FREE} free  (share of allocatable)"


def _level(usage: Usage) -> str:
    if usage.percent >= 95:
        return "red"
    return "yellow" if usage.percent >= 70 else "green"


def bar_text(usage: Usage, width: int = WIDTH) -> Text:
    """The bar with its requests coloured by how full the node is, then the share in words."""
    s = segments(usage, width)
    text = Text()
    text.append(REQUEST * s.requests, style=_level(usage))
    text.append(LIMIT * s.limits, style="blue")
    text.append(FREE * s.free, style="dim")
    text.append(f" {share(usage)}")
    return text


def node_lines(node: NodeUsage, width: int = WIDTH) -> list[Text]:
    head = Text(node.node, style="bold")
    head.append(f"  {plural(len(node.pods), 'pod')}")
    if node.full:
        head.append("  FULL", style="bold red")
    lines = [head]
    for usage in node.usages:
        line = Text(f"  {usage.resource:<7} ")
        line.append_text(bar_text(usage, width))
        lines.append(line)
    return lines


@top_app.command("nodes")
def top_nodes(
    state: str | None = STATE_OPTION,
    context: str | None = CONTEXT_OPTION,
    kubeconfig: str | None = KUBECONFIG_OPTION,
    width: int = typer.Option(WIDTH, "--width", min=5, max=200, metavar="CELLS", help="Cells per bar."),
) -> None:
    """Bars per node and resource: requests and limits against allocatable.

    Example: manikit top nodes --state .manikit/state.db
    """
    with control_plane(state, read_only=True) as cp:
        usages = node_usages(cp.cluster.list("Node"), cp.cluster.list("Pod"))
    out = console.stdout()
    if not usages:
        out.print("No nodes in the cluster.", markup=False)
        return
    out.print(LEGEND, style="dim", markup=False, highlight=False)
    for node in usages:
        for line in node_lines(node, width):
            out.print(line, highlight=False, crop=False, overflow="ignore")
    full = [n.node for n in usages if n.full]
    summary = f"{plural(len(usages), 'node')}, {plural(sum(len(n.pods) for n in usages), 'pod')}"
    out.print(summary + (f"; full: {', '.join(full)}" if full else ""), markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(top_app, name="top")
