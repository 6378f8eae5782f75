"""Bench: ``manikit serve`` on loopback. A state with 10,000 running pods on 100 nodes is made first
(in-process, as bench/reconcile.py makes it), then served; prints GET/LIST requests per second from
one client (and from four), ``kubectl get pods -A`` wall time over the 10,000 pods (paged as kubectl
pages by default, and in one request with ``--chunk-size=0``; beside it the floor kubectl's own rate
limiter sets on the pages, and the server's time for one Table page and for the whole Table), and
watch events per second (the 10,000 pods replayed to a watch from resourceVersion 0, and the events
of a scale-up streamed as the controllers write them).

    .venv/bin/python bench/serve.py [--pods 10000] [--nodes 100] [--seconds 3]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import json
import os
import resource
import signal
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import httpx
from reconcile import deployment, node
from ruamel.yaml import YAML

from manikit.cluster import open_cluster
from manikit.runtime.clock import EPOCH

BIN = Path(sys.executable).parent
TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io"
CA: list[str] = []  # the certificate authority of the server last started


def seed(state: Path, pods: int, nodes: int) -> None:
    cluster = open_cluster(state, now=EPOCH, default_cluster=False)
    with cluster.batch():
        for index in range(nodes):
            cluster.create(node(index))
        cluster.create(deployment(pods))
    result = cluster.run()
    assert result.settled, result.summary
    cluster.close()


def start(root: Path) -> tuple[subprocess.Popen[bytes], dict[str, str], httpx.Client]:
    kubeconfig = root / "kubeconfig"
    args = [str(BIN / "manikit"), "serve", "--state", str(root / "state.db"), "--port", "0"]
    proc = subprocess.Popen([*args, "--kubeconfig", str(kubeconfig)], stderr=subprocess.DEVNULL)
    while not kubeconfig.exists():
        time.sleep(0.05)
    config = YAML(typ="safe").load(kubeconfig.read_text())
    url = config["clusters"][0]["cluster"]["server"]
    token = config["users"][0]["user"]["token"]
    CA[:] = [str(root / "pki" / "ca.crt")]
    verify = ssl.create_default_context(cafile=CA[0])
    client = httpx.Client(
        base_url=url, headers={"Authorization": f"Bearer {token}"}, verify=verify, timeout=120
    )
    while True:  # ready: the controllers caught up with the seeded state
        with contextlib.suppress(httpx.TransportError):
            if client.get("/readyz").status_code == 200:
                break
        time.sleep(0.1)
    env = {
        **os.environ,
        "KUBECONFIG": str(kubeconfig),
        "KUBECACHEDIR": str(root / "cache"),
        "HOME": str(root),
    }
    return proc, env, client


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux), to compare with the wall time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def requests_per_second(client: httpx.Client, paths: list[str], seconds: float) -> float:
    """Requests per second from one keep-alive connection of the standard library's client (lighter
    on the shared CPU than httpx, so more of it goes to the server)."""
    url = client.base_url
    context = ssl.create_default_context(cafile=CA[0])
    conn = http.client.HTTPSConnection(url.host, url.port, context=context)
    headers = {"Authorization": client.headers["authorization"]}
    done, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        for path in paths:
            conn.request("GET", path, headers=headers)
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200, answer.status
        done += len(paths)
    conn.close()
    return done / seconds


#: kubectl's defaults: ``--chunk-size`` 500, and client-go's rate limiter (5 requests a second after
#: a burst of 10) that every page waits on; discovery has a limiter of its own
CHUNK, QPS, BURST = 500, 5.0, 10


def throttle_floor(rows: int) -> tuple[int, float]:
    """The pages of a default ``kubectl get`` and the least time its rate limiter lets them take,
    against any server: the bucket starts with BURST tokens and refills at QPS."""
    pages = max(1, -(-rows // CHUNK))
    return pages, max(0, pages - BURST) / QPS


def table_seconds(client: httpx.Client, params: dict[str, str], runs: int = 3) -> float:
    """Median time of one Table response of pods in all namespaces, read to its end."""
    url = client.base_url
    conn = http.client.HTTPSConnection(url.host, url.port, context=ssl.create_default_context(cafile=CA[0]))
    headers = {"Authorization": client.headers["authorization"], "Accept": TABLE}
    path = "/api/v1/pods" + (f"?{urllib.parse.urlencode(params)}" if params else "")
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        conn.request("GET", path, headers=headers)
        answer = conn.getresponse()
        answer.read()
        times.append(time.perf_counter() - began)
    conn.close()
    return statistics.median(times)


def kubectl_get_all(env: dict[str, str], *extra: str, runs: int = 3) -> tuple[float, int, float]:
    """Median wall time, rows, and kubectl's own CPU time per run."""
    times, lines = [], 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    for _ in range(runs):
        began = time.perf_counter()
        out = subprocess.run(
            [str(BIN / "kubectl"), "get", "pods", "-A", *extra], env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - began)
        lines = out.stdout.count(b"\n") - 1
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) / runs
    return statistics.median(times), lines, cpu


def watch_rate(client: httpx.Client, params: dict[str, str], count: int, then: object = None) -> float:
    seen, began = 0, 0.0
    query = {"watch": "true", "timeoutSeconds": "120", **params}
    with client.stream("GET", "/api/v1/pods", params=query) as stream:
        began = time.perf_counter()
        if callable(then):
            then()
        for line in stream.iter_lines():
            if line and json.loads(line)["type"] != "BOOKMARK":
                seen += 1
                if seen == count:
                    break
    return seen / (time.perf_counter() - began)


def pickup_seconds(client: httpx.Client, name: str) -> float:
    """From a Deployment's POST to its ReplicaSet's ADDED event: how soon the controllers act."""
    listed = client.get("/apis/apps/v1/namespaces/default/replicasets").json()["metadata"]["resourceVersion"]
    query = {"watch": "true", "timeoutSeconds": "30", "resourceVersion": listed}
    with client.stream("GET", "/apis/apps/v1/namespaces/default/replicasets", params=query) as stream:
        began = time.perf_counter()
        client.post(
            "/apis/apps/v1/namespaces/default/deployments", json=deployment(1) | {"metadata": {"name": name}}
        )
        for line in stream.iter_lines():
            if line and json.loads(line)["object"]["metadata"]["name"].startswith(name + "-"):
                return time.perf_counter() - began
    raise RuntimeError("no ReplicaSet appeared")


def pickup(root: Path) -> None:
    root.mkdir()
    proc, _, client = start(root)
    try:
        times = [pickup_seconds(client, f"pick-{i}") for i in range(5)]
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    shown = ", ".join(f"{t * 1000:.0f}" for t in times)
    median = statistics.median(times) * 1000
    print(f"serve benchmark: a write picked up on the default cluster: median {median:.0f} ms ({shown})")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        pickup(root / "small")
        began = time.perf_counter()
        seed(root / "state.db", args.pods, args.nodes)
        seeded = time.perf_counter() - began
        print(f"serve benchmark: {args.pods} pods on {args.nodes} nodes (seeded in {seeded:.1f} s)")
        proc, env, client = start(root)
        try:
            pod = client.get("/api/v1/namespaces/default/pods", params={"limit": "1"}).json()["items"][0]
            paths = [
                f"/api/v1/namespaces/default/pods/{pod['metadata']['name']}",
                "/api/v1/namespaces/kube-system/pods",
            ]
            for label, chosen in (("GET a pod", paths[:1]), ("LIST a namespace", paths[1:]), ("both", paths)):
                cpu = cpu_seconds(proc.pid)
                one = requests_per_second(client, chosen, args.seconds)
                per_cpu = one * args.seconds / max(cpu_seconds(proc.pid) - cpu, 1e-9)
                print(
                    f"  {label}, one client: {one:,.0f} requests/s ({per_cpu:,.0f} per second of server CPU)"
                )
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                rates = list(pool.map(lambda _: requests_per_second(client, paths, args.seconds), range(4)))
            print(f"  GET and LIST, four clients: {sum(rates):,.0f} requests/s")
            for label, extra in (("", ()), (" --chunk-size=0", ("--chunk-size=0",))):
                cpu = cpu_seconds(proc.pid)
                seconds, lines, client_cpu = kubectl_get_all(env, *extra)
                served = (cpu_seconds(proc.pid) - cpu) / 3
                print(
                    f"  kubectl get pods -A{label} ({lines:,} rows): {seconds:.2f} s (median of 3; "
                    f"CPU each: server {served:.2f} s, kubectl {client_cpu:.2f} s)"
                )
            pages, floor = throttle_floor(lines)
            print(
                f"  kubectl's rate limiter alone holds its {pages} pages of {CHUNK} for {floor:.1f} s "
                f"(QPS {QPS:g}, burst {BURST}), whatever the server"
            )
            page = table_seconds(client, {"limit": str(CHUNK)})
            whole = table_seconds(client, {})
            shown = f"a Table page of {CHUNK} pods {page * 1000:.0f} ms, all {lines:,} in one {whole:.2f} s"
            print(f"  server: {shown}")
            replay = watch_rate(client, {"resourceVersion": "0"}, args.pods)
            print(f"  watch, {args.pods:,} pods replayed from resourceVersion 0: {replay:,.0f} events/s")
            listed = client.get("/api/v1/namespaces/kube-system/pods").json()["metadata"]["resourceVersion"]
            scale = json.dumps({"spec": {"replicas": args.pods + 1000}}).encode()

            def scale_up() -> None:
                client.patch(
                    "/apis/apps/v1/namespaces/default/deployments/web/scale",
                    content=scale,
                    headers={"Content-Type": "application/merge-patch+json"},
                ).raise_for_status()

            live = watch_rate(client, {"resourceVersion": listed}, 1000, then=scale_up)
            print(f"  watch, a scale-up by 1,000 pods as it is written: {live:,.0f} events/s")
        finally:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
