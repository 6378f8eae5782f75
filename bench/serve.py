"""Bench: ``manikit serve`` on loopback. A state with 10,000 running pods on 100 nodes is made first
(in-process, as bench/reconcile.py makes it), then served; prints GET/LIST requests per second from
one client (and from four), with the CPU each request costs the server and the client; ``kubectl get
pods -A`` wall time over the 10,000 pods (paged as kubectl pages by default, and in one request with
``--chunk-size=0``; beside it the floor kubectl's own rate limiter sets on the pages, kubectl's CPU per
page, and the server's time for one Table page and for the whole Table); and watch events per second,
delivery apart from production: the 10,000 pods replayed to a watch from resourceVersion 0, a
scale-up's events as the controllers write them (their pace, not the watch's), and the same events
delivered again to a watch resuming from before the scale-up (the watch's pace).

    .venv/bin/python bench/serve.py [--pods 10000] [--nodes 100] [--seconds 3] [--scale 1000]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import http.client
import json
import os
import re
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


def idle_cpu(pid: int, seconds: float = 1.0) -> float:
    """The server's CPU over ``seconds`` with no client: zero once the controllers have settled."""
    before = cpu_seconds(pid)
    time.sleep(seconds)
    return cpu_seconds(pid) - before


def requests_per_second(client: httpx.Client, paths: list[str], seconds: float) -> tuple[float, float]:
    """Requests per second from one keep-alive connection of the standard library's client (lighter
    on the shared CPU than httpx, so more of it goes to the server; bodies read, not decoded), and
    the client's CPU seconds per request (this thread's)."""
    url = client.base_url
    context = ssl.create_default_context(cafile=CA[0])
    conn = http.client.HTTPSConnection(url.host, url.port, context=context)
    headers = {"Authorization": client.headers["authorization"]}
    conn.connect()
    done, cpu, end = 0, time.thread_time(), time.perf_counter() + seconds
    while time.perf_counter() < end:
        for path in paths:
            conn.request("GET", path, headers=headers)
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200, answer.status
        done += len(paths)
    cpu = time.thread_time() - cpu
    conn.close()
    return done / seconds, cpu / max(done, 1)


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


#: how client-go logs a request its rate limiter held back (kubectl -v=4 and above)
THROTTLED = re.compile(
    r'"Waited before sending request" delay="([0-9.]+)(ms|s|µs)" reason="client-side throttling'
)
UNITS = {"ms": 1e-3, "s": 1.0, "µs": 1e-6}


def throttled(env: dict[str, str]) -> tuple[int, float]:
    """Requests of one ``kubectl get pods -A`` that its rate limiter held back, and for how long in
    all, as kubectl itself reports them."""
    out = subprocess.run(
        [str(BIN / "kubectl"), "get", "pods", "-A", "-v=4"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    waits = [float(value) * UNITS[unit] for value, unit in THROTTLED.findall(out.stderr)]
    return len(waits), sum(waits)


def watch_events(
    client: httpx.Client, params: dict[str, str], count: int | None, until: list[int] | None = None
) -> tuple[int, float, float, float]:
    """Read a watch of all pods until ``count`` events (not bookmarks) or, with bookmarks asked for,
    a bookmark at the revision in ``until`` or later (once it holds one): (events, when the request
    was made, when the last event came, this thread's CPU seconds). Each event is decoded, as a
    client would."""
    seen, cpu = 0, time.thread_time()
    query = {"watch": "true", "timeoutSeconds": "300", **params}
    began = last = time.perf_counter()
    with client.stream("GET", "/api/v1/pods", params=query) as stream:
        for line in stream.iter_lines():
            if not line:
                continue
            event = json.loads(line)
            if event["type"] == "BOOKMARK":
                if until and int(event["object"]["metadata"]["resourceVersion"]) >= until[0]:
                    break
                continue
            seen, last = seen + 1, time.perf_counter()
            if seen == count:
                break
    return seen, began, last, time.thread_time() - cpu


def settle_scale(client: httpx.Client, replicas: int, seconds: float = 300) -> int:
    """Wait until the Deployment ``web`` has ``replicas`` available; the store's revision then."""
    path = "/apis/apps/v1/namespaces/default/deployments/web"
    deadline = time.monotonic() + seconds
    while (available := (client.get(path).json().get("status") or {}).get("availableReplicas")) != replicas:
        if time.monotonic() > deadline:  # e.g. the nodes are full: 110 pods each
            raise RuntimeError(f"the scale-up to {replicas} stopped at {available} available pods")
        time.sleep(0.2)
    listed = client.get("/api/v1/namespaces/default/pods", params={"limit": "1"}).json()
    return int(listed["metadata"]["resourceVersion"])


def watch_scale_up(client: httpx.Client, pods: int, scale: int) -> None:
    """A scale-up by ``scale`` pods watched as the controllers write it (their pace: the watch waits
    for each write), then the same events again from a watch resuming before it (the watch's pace)."""
    before = client.get("/api/v1/namespaces/kube-system/pods").json()["metadata"]["resourceVersion"]
    target = pods + scale
    head: list[int] = []
    bookmarks = {"resourceVersion": before, "allowWatchBookmarks": "true"}
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        watching = pool.submit(watch_events, client, bookmarks, None, head)
        time.sleep(0.5)  # the watch is open
        began = time.perf_counter()
        client.patch(
            "/apis/apps/v1/namespaces/default/deployments/web/scale",
            content=json.dumps({"spec": {"replicas": target}}).encode(),
            headers={"Content-Type": "application/merge-patch+json"},
        ).raise_for_status()
        try:
            head.append(settle_scale(client, target))
        except BaseException:
            head.append(0)  # the watch ends at its next bookmark
            raise
        events, _, last, _ = watching.result()
    written = last - began
    print(
        f"  watch, a scale-up by {scale:,} pods as the controllers write it: {events:,} events in "
        f"{written:.1f} s, {events / written:,.0f} events/s (the controllers' pace: the watch waits on them)"
    )
    got, opened, last, cpu = watch_events(client, {"resourceVersion": before}, events)
    print(
        f"  watch resumed from before the scale-up: its {got:,} events delivered at "
        f"{got / (last - opened):,.0f} events/s (client CPU {cpu:.2f} s, decoding each)"
    )


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
    parser.add_argument("--scale", type=int, default=1000, help="pods added by the watched scale-up")
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
            print(f"  server CPU while idle before the runs: {idle_cpu(proc.pid):.2f} s over 1 s")
            for label, chosen in (("GET a pod", paths[:1]), ("LIST a namespace", paths[1:]), ("both", paths)):
                cpu = cpu_seconds(proc.pid)
                one, client_cpu = requests_per_second(client, chosen, args.seconds)
                served = (cpu_seconds(proc.pid) - cpu) / max(one * args.seconds, 1)
                print(
                    f"  {label}, one client: {one:,.0f} requests/s (CPU per request: server "
                    f"{served * 1e6:,.0f} us, client {client_cpu * 1e6:,.0f} us)"
                )
            with concurrent.futures.ThreadPoolExecutor(4) as pool:
                rates = list(
                    pool.map(lambda _: requests_per_second(client, paths, args.seconds)[0], range(4))
                )
            print(f"  GET and LIST, four clients: {sum(rates):,.0f} requests/s")
            kubectl_cpu = []
            for label, extra in (("", ()), (" --chunk-size=0", ("--chunk-size=0",))):
                cpu = cpu_seconds(proc.pid)
                seconds, lines, client_cpu = kubectl_get_all(env, *extra)
                served = (cpu_seconds(proc.pid) - cpu) / 3
                kubectl_cpu.append(client_cpu)
                print(
                    f"  kubectl get pods -A{label} ({lines:,} rows): {seconds:.2f} s (median of 3; "
                    f"CPU each: server {served:.2f} s, kubectl {client_cpu:.2f} s)"
                )
            pages, floor = throttle_floor(lines)
            held, waited = throttled(env)
            per_page = (kubectl_cpu[0] - kubectl_cpu[1]) / max(pages - 1, 1)
            print(
                f"  kubectl's rate limiter alone holds its {pages} pages of {CHUNK} for {floor:.1f} s "
                f"(QPS {QPS:g}, burst {BURST}), whatever the server; kubectl -v=4 says it held back "
                f"{held} requests for {waited:.2f} s in all; kubectl's CPU "
                f"{kubectl_cpu[0] / pages * 1000:.0f} ms per page, {per_page * 1000:.0f} ms of it for being "
                "a page of its own"
            )
            page = table_seconds(client, {"limit": str(CHUNK)})
            whole = table_seconds(client, {})
            shown = f"a Table page of {CHUNK} pods {page * 1000:.0f} ms, all {lines:,} in one {whole:.2f} s"
            print(f"  server: {shown}")
            count, opened, last, cpu = watch_events(client, {"resourceVersion": "0"}, args.pods)
            print(
                f"  watch, {count:,} pods replayed from resourceVersion 0: {count / (last - opened):,.0f} "
                f"events/s (client CPU {cpu:.2f} s, decoding each)"
            )
            watch_scale_up(client, args.pods, args.scale)
        finally:
            os.kill(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
