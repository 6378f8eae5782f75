"""Starting the server: check the address, make the credentials, bind, write the kubeconfig, serve.

The socket is bound before the kubeconfig is written, so ``--port 0`` (any free port) ends up in the
kubeconfig as the real port. uvicorn handles SIGTERM and SIGINT: open requests finish (watches are
given ``GRACE_SECONDS``), then the reconciler stops and the store is closed between transactions.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

import uvicorn

from manikit.errors import ConfigError
from manikit.server import tls
from manikit.server.app import create_app
from manikit.server.backend import Backend
from manikit.server.history import DEFAULT_CAPACITY
from manikit.server.table import Columns

GRACE_SECONDS = 2


@dataclass(frozen=True)
class ServeOptions:
    state: str | Path
    address: str
    port: int
    kubeconfig: Path
    insecure_http: bool = False
    #: revisions the served watch keeps (older resourceVersions are 410 Expired)
    watch_history: int = DEFAULT_CAPACITY


def is_loopback(address: str) -> bool:
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _bind(address: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # accepted connections inherit it; without it every response waits out a delayed ACK (~40 ms),
    # since uvicorn does not set it on connections of a socket handed to it
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((address, port))
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {address}:{port}: {exc.strerror} (choose another --port)"
        ) from exc
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def serve(options: ServeOptions, columns: Columns, say: Callable[[str], None]) -> None:
    """Serve until SIGTERM or SIGINT."""
    if options.watch_history < 1:
        raise ConfigError(f"--watch-history must be at least 1, not {options.watch_history}")
    if options.insecure_http and not is_loopback(options.address):
        raise ConfigError(
            f"--insecure-http is allowed only on a loopback address, not {options.address}: "
            "drop it to serve TLS with a bearer token"
        )
    backend = Backend.open(options.state, announce=say)
    try:
        sock = _bind(options.address, options.port)
    except BaseException:
        backend.close()
        raise
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    creds = (
        None if options.insecure_http else tls.generate(options.kubeconfig.parent / "pki", options.address)
    )
    url = f"{'http' if creds is None else 'https'}://{shown}:{port}"
    tls.write_kubeconfig(options.kubeconfig, url, creds)
    app = create_app(backend, columns, None if creds is None else creds.token, options.watch_history)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        proxy_headers=False,  # nothing here reads the client's address
        timeout_graceful_shutdown=GRACE_SECONDS,
        ssl_certfile=None if creds is None else str(creds.server_cert),
        ssl_keyfile=None if creds is None else str(creds.server_key),
    )
    say(f"serving the Kubernetes API on {url}; KUBECONFIG={options.kubeconfig} kubectl get nodes")
    say(
        f"dashboard on {url}/ui/"
        + ("" if creds is None else " (open /ui/?token=TOKEN once: the kubeconfig's token)")
    )
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again for the handler it found:
    # with this one the process then ends normally (exit 0), its state closed
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        uvicorn.Server(config).run(sockets=[sock])
    finally:
        signal.signal(signal.SIGTERM, previous)
        sock.close()


def _stopped(signum: int, frame: FrameType | None) -> None:
    """SIGTERM once the server has stopped: nothing left to do."""
