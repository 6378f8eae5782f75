"""A cluster for the dashboard's tests, made through the real kubectl against ``manikit serve``:
node-1 full (its pod count), Pending pods for two reasons, and Deployments to scale."""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.server.conftest import Served


def deployment(name: str, replicas: int, cpu: str, pin: str | None = None, image: str = "nginx:1.27") -> str:
    selector = f"\n      nodeSelector: {{kubernetes.io/hostname: {pin}}}" if pin else ""
    return f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:{selector}
      containers:
      - name: main
        image: {image}
        resources: {{requests: {{cpu: {cpu}, memory: 32Mi}}, limits: {{memory: 64Mi}}}}
"""


NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"


def manifests(filler: int, web: int, huge: int) -> str:
    """``filler`` pods pinned to node-1 (110 pods fill it), ``web`` spread, ``huge`` fitting nowhere."""
    return (
        NAMESPACE
        + deployment("filler", filler, "10m", pin="node-1")
        + deployment("web", web, "10m")
        + deployment("huge", huge, "6")
    )


def wait_until(check: Callable[[], bool], what: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.2)


def pod_counts(server: Served) -> tuple[int, int]:
    """(bound, unbound) active pods in namespace shop."""
    with server.client() as client:
        items = client.get("/api/v1/namespaces/shop/pods").json()["items"]
    active = [p for p in items if not p["metadata"].get("deletionTimestamp")]
    bound = sum(1 for p in active if p["spec"].get("nodeName"))
    return bound, len(active) - bound


def ready(server: Served, name: str) -> int:
    with server.client() as client:
        body = client.get(f"/apis/apps/v1/namespaces/shop/deployments/{name}").json()
    return int((body.get("status") or {}).get("readyReplicas", 0))


def make_cluster(server: Served, filler: int, web: int, huge: int) -> None:
    result = server.kubectl("apply", "-f", "-", input=manifests(filler, web, huge))
    assert result.returncode == 0, result.stderr
    bound = min(filler, 110) + web
    pending = filler - min(filler, 110) + huge
    wait_until(lambda: pod_counts(server) == (bound, pending), f"{bound} pods bound, {pending} Pending")
    wait_until(lambda: ready(server, "web") == web, f"web has {web} ready replicas")
