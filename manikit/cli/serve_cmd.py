"""``manikit serve``: the local control plane over the Kubernetes REST API, for kubectl and friends."""

from __future__ import annotations

from pathlib import Path

import typer

from manikit.cli import console
from manikit.cli.columns import headers_for, rows_for
from manikit.cli.state import STATE_OPTION, locate_state
from manikit.server.history import DEFAULT_CAPACITY
from manikit.server.runner import ServeOptions, serve
from manikit.server.table import Columns

DEFAULT_KUBECONFIG = Path(".manikit") / "kubeconfig"


def serve_command(
    state: str | None = STATE_OPTION,
    address: str = typer.Option(
        "127.0.0.1", "--address", metavar="IP", help="Address to listen on (TLS and a token off loopback)."
    ),
    port: int = typer.Option(6443, "--port", metavar="PORT", help="Port to listen on (0: any free port)."),
    kubeconfig: Path = typer.Option(
        DEFAULT_KUBECONFIG,
        "--kubeconfig",
        metavar="FILE",
        help="Where to write the kubeconfig (context manikit, mode 0600).",
    ),
    insecure_http: bool = typer.Option(
        False, "--insecure-http", help="Plain http without credentials (loopback addresses only)."
    ),
    watch_history: int = typer.Option(
        DEFAULT_CAPACITY,
        "--watch-history",
        metavar="N",
        help="Revisions a watch can resume from; older resourceVersions are 410 Expired.",
    ),
) -> None:
    """Serve the control plane as a Kubernetes API server; controllers reconcile in the background.

    Example: manikit serve --port 6443, then KUBECONFIG=.manikit/kubeconfig kubectl get pods -A
    """
    err = console.stderr()
    target = locate_state(state).target
    options = ServeOptions(target, address, port, kubeconfig.resolve(), insecure_http, watch_history)
    serve(options, Columns(headers_for, rows_for), lambda text: err.print(text, markup=False))


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_command)
