"""Builders shared by the control-plane tests: an in-memory API with a simulated clock, manifests."""

from __future__ import annotations

import copy
from typing import Any

from manikit.cluster import open_cluster
from manikit.runtime.api import Api
from manikit.runtime.clock import EPOCH


def new_api(nodes: bool = True) -> Api:
    """The API server of a fresh in-memory cluster (the default nodes unless ``nodes`` is False)."""
    return open_cluster(now=EPOCH, default_cluster=nodes).api


def deployment(
    name: str = "web",
    replicas: int = 3,
    image: str = "nginx:1.25",
    cpu: str = "100m",
    strategy: dict[str, Any] | None = None,
    **spec: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [
                        {
                            "name": "main",
                            "image": image,
                            "ports": [{"name": "http", "containerPort": 8080}],
                            "resources": {"requests": {"cpu": cpu, "memory": "64Mi"}},
                        }
                    ]
                },
            },
            **spec,
        },
    }
    if strategy is not None:
        body["spec"]["strategy"] = strategy
    return body


def with_image(body: dict[str, Any], image: str) -> dict[str, Any]:
    out = copy.deepcopy(body)
    out["spec"]["template"]["spec"]["containers"][0]["image"] = image
    return out


def service(name: str = "web", selector: dict[str, str] | None = None, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "selector": selector or {"app": name},
            "ports": [{"port": 80, "targetPort": "http"}],
            **spec,
        },
    }


def pod(name: str, namespace: str | None = None, **spec: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": {"containers": [{"name": "main", "image": "busybox:1.36"}], **spec},
    }


def namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
