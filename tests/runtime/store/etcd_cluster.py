"""Throwaway etcd clusters for tests: members on 127.0.0.1 with free ports, data under a temp dir.

``MANIKIT_TEST_ETCD`` (set by .ci/run) names a running cluster, and ``MANIKIT_TEST_ETCD_PIDS`` its
members' PIDs in URL order. Without it, tests start their own members from the installed ``etcd``;
when etcd is not installed they skip with the reason, except under CI (``CI=true``), where they fail.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ETCD_ENV = "MANIKIT_TEST_ETCD"
PIDS_ENV = "MANIKIT_TEST_ETCD_PIDS"
MAX_TXN_OPS = 1024


@dataclass
class Cluster:
    """A cluster's endpoints and members' PIDs (``procs`` only for members this process started)."""

    endpoints: list[str]
    pids: list[int]
    procs: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def url(self, prefix: str | None = None, **options: int) -> str:
        """A state URL under a fresh (or the given) prefix, so tests never see each other's keys."""
        query = "&".join(f"{key}={value}" for key, value in options.items())
        base = f"etcd://{','.join(self.endpoints)}/{prefix or 'test-' + uuid.uuid4().hex[:12]}"
        return f"{base}?{query}" if query else base

    def kill(self, index: int) -> None:
        os.kill(self.pids[index], signal.SIGKILL)
        if self.procs:
            self.procs[index].wait()

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def require_etcd() -> str:
    """The etcd binary, or skip (fail under CI) with the reason."""
    binary = shutil.which("etcd")
    if binary is None:
        reason = "etcd is not installed (apt-get install etcd-server); the etcd backend tests need it"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return binary


def _die_with_parent() -> None:
    """In the child: Linux sends it SIGKILL when the test process dies, however it dies."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _free_ports(count: int) -> list[int]:
    sockets = [socket.socket() for _ in range(count)]
    for sock in sockets:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in sockets]
    for sock in sockets:
        sock.close()
    return ports


def start_cluster(base: Path, members: int = 3) -> Cluster:
    """Start ``members`` etcd members on 127.0.0.1 and wait until the cluster answers."""
    binary = require_etcd()
    base.mkdir(parents=True, exist_ok=True)
    ports = _free_ports(2 * members)
    client, peer = ports[:members], ports[members:]
    initial = ",".join(f"m{i}=http://127.0.0.1:{peer[i]}" for i in range(members))
    procs = []
    for i in range(members):
        args = [
            binary,
            f"--name=m{i}",
            f"--data-dir={base / f'm{i}'}",
            f"--listen-client-urls=http://127.0.0.1:{client[i]}",
            f"--advertise-client-urls=http://127.0.0.1:{client[i]}",
            f"--listen-peer-urls=http://127.0.0.1:{peer[i]}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{peer[i]}",
            f"--initial-cluster={initial}",
            f"--initial-cluster-token={base.name}",
            "--initial-cluster-state=new",
            f"--max-txn-ops={MAX_TXN_OPS}",
            "--logger=zap",
            "--log-level=error",
        ]
        log = (base / f"m{i}.log").open("wb")
        procs.append(
            subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        )
    cluster = Cluster([f"127.0.0.1:{port}" for port in client], [p.pid for p in procs], procs)
    try:
        wait_healthy(cluster.endpoints)
    except BaseException:
        cluster.stop()
        raise
    return cluster


def wait_healthy(endpoints: list[str], timeout: float = 30.0) -> None:
    """Until a write through the first endpoint succeeds (the cluster has a leader)."""
    import requests

    deadline = time.monotonic() + timeout
    while True:
        try:
            response = requests.post(
                f"http://{endpoints[0]}/v3/kv/put", json={"key": "aGVhbHRo", "value": "b2s="}, timeout=2
            )
            if response.status_code == 200:
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"etcd cluster {endpoints} did not become healthy")
        time.sleep(0.1)


def cluster_from_env() -> Cluster | None:
    """The cluster .ci/run started, if any."""
    url = os.environ.get(ETCD_ENV)
    if not url:
        return None
    endpoints = url.removeprefix("etcd://").split("/", 1)[0].split(",")
    pids = [int(pid) for pid in os.environ.get(PIDS_ENV, "").split(",") if pid]
    return Cluster(endpoints, pids)
