"""``manikit serve`` as a user starts and stops it: options, refusals, SIGTERM, the state afterwards."""

from __future__ import annotations

import contextlib
import json
import socket
from pathlib import Path

import httpx

from tests.cli.helpers import run_cli, run_process
from tests.server.conftest import start_server


def test_plain_http_off_loopback_is_refused(tmp_path: Path) -> None:
    result = run_cli("serve", "--state", str(tmp_path / "s.db"), "--address", "0.0.0.0", "--insecure-http")
    assert result.exit_code == 2
    assert "--insecure-http is allowed only on a loopback address, not 0.0.0.0" in result.stderr
    assert not (tmp_path / "s.db").exists() and "Traceback" not in result.stderr


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli(
            "serve",
            "--state",
            str(tmp_path / "s.db"),
            "--port",
            str(port),
            "--kubeconfig",
            str(tmp_path / "kc"),
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "choose another --port" in result.stderr


def test_sigterm_mid_watch_stops_cleanly_and_the_state_is_usable(tmp_path: Path) -> None:
    served = start_server(tmp_path / "srv")
    deploy = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "kept"},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "kept"}},
            "template": {
                "metadata": {"labels": {"app": "kept"}},
                "spec": {"containers": [{"name": "c", "image": "i"}]},
            },
        },
    }
    with served.client() as client:
        assert client.post("/apis/apps/v1/namespaces/default/deployments", json=deploy).status_code == 201
        # a client going away mid-watch leaves the server serving
        with client.stream("GET", "/api/v1/pods", params={"watch": "true", "resourceVersion": "0"}) as stream:
            next(stream.iter_lines())
        assert client.get("/api/v1/namespaces/default/pods").status_code == 200
        with client.stream("GET", "/api/v1/pods", params={"watch": "true"}) as stream:
            assert served.stop() == 0  # SIGTERM while a watch is open
            with contextlib.suppress(httpx.HTTPError):  # the stream ends, or is cut at the grace period
                list(stream.iter_lines())
    shown = run_process("get", "deploy", "kept", "-o", "json", "--state", str(tmp_path / "srv" / "state.db"))
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["spec"]["replicas"] == 2


def test_insecure_http_on_loopback_has_no_credentials(tmp_path: Path) -> None:
    served = start_server(tmp_path / "plain", "--insecure-http")
    try:
        assert served.url.startswith("http://127.0.0.1:") and served.token is None
        assert "token" not in served.kubeconfig.read_text()
        nodes = served.kubectl("get", "nodes", "-o", "name")
        assert nodes.returncode == 0 and nodes.stdout.split() == ["node/node-1", "node/node-2", "node/node-3"]
    finally:
        assert served.stop() == 0
