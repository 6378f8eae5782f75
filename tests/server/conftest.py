"""A running ``manikit serve`` for the tests: a subprocess on 127.0.0.1, a random free port, a fresh
state, kubeconfig and kubectl cache directory; stopped by its PID with SIGTERM (which must be clean)."""

from __future__ import annotations

import contextlib
import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from ruamel.yaml import YAML

BIN = Path(sys.executable).parent
KUBECTL = BIN / "kubectl"
START_SECONDS = 30


@dataclass
class Served:
    proc: subprocess.Popen[str]
    root: Path
    kubeconfig: Path
    url: str
    token: str | None
    ca: Path | None

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "KUBECONFIG": str(self.kubeconfig),
            "KUBECACHEDIR": str(self.root / "kube-cache"),
            "HOME": str(self.root),
            "NO_COLOR": "1",
        }

    def kubectl(
        self, *args: str, input: str | None = None, timeout: float = 60, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(KUBECTL), *args],
            input=input,
            capture_output=True,
            text=True,
            env={**self.env(), **(env or {})},
            timeout=timeout,
        )

    def client(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=str(self.ca)) if self.ca else False
        return httpx.Client(base_url=self.url, headers=headers, verify=verify, timeout=30)

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise


def start_server(root: Path, *extra: str) -> Served:
    root.mkdir(parents=True, exist_ok=True)
    kubeconfig = root / "kubeconfig"
    log = (root / "serve.log").open("w")
    args = [str(BIN / "manikit"), "serve", "--state", str(root / "state.db"), "--port", "0"]
    proc = subprocess.Popen(
        [*args, "--kubeconfig", str(kubeconfig), *extra],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "MANIKIT_STATE": ""},
    )
    deadline = time.monotonic() + START_SECONDS
    while not kubeconfig.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"manikit serve did not start: {(root / 'serve.log').read_text()}")
        time.sleep(0.05)
    config = YAML(typ="safe").load(kubeconfig.read_text())
    cluster = config["clusters"][0]["cluster"]
    token = config["users"][0]["user"].get("token")
    ca = root / "pki" / "ca.crt" if "certificate-authority-data" in cluster else None
    served = Served(proc, root, kubeconfig, cluster["server"], token, ca)
    with served.client() as client:
        for _ in range(600):  # ready once the controllers caught up with the state
            with contextlib.suppress(httpx.TransportError):
                if client.get("/readyz").status_code == 200:
                    break
            time.sleep(0.05)
    return served


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server per test module (tests use their own namespaces)."""
    served = start_server(tmp_path_factory.mktemp("serve"))
    yield served
    assert served.stop() == 0, (served.root / "serve.log").read_text()
