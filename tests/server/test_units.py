"""Small parts of the server: paths, field selectors, pages, discovery negotiation, TLS files."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from manikit.errors import NotFoundError
from manikit.server import discovery, tls
from manikit.server.resources import parse_path
from manikit.server.selectors import page, parse_field_selector, select
from manikit.server.status import ApiError


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/api/v1/pods", ("Pod", None, None, None)),
        ("/api/v1/namespaces/shop/pods/web/status", ("Pod", "shop", "web", "status")),
        ("/api/v1/namespaces/shop", ("Namespace", None, "shop", None)),
        ("/api/v1/namespaces/shop/status", ("Namespace", None, "shop", "status")),
        ("/apis/apps/v1/namespaces/a/deployments/d/scale", ("Deployment", "a", "d", "scale")),
        ("/api/v1/nodes/node-1", ("Node", None, "node-1", None)),
    ],
)
def test_parse_path(path: str, expected: tuple[str | None, ...]) -> None:
    target = parse_path(path)
    assert target is not None
    assert (target.resource.kind, target.namespace, target.name, target.subresource) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/widgets",
        "/api/v1/namespaces/a/pods/p/scale",
        "/api/v1/namespaces/a/nodes/n",
        "/apis/apps/v1/pods",
    ],
)
def test_unknown_paths_are_not_found(path: str) -> None:
    with pytest.raises(NotFoundError):
        parse_path(path)


def test_field_selectors() -> None:
    pods = [
        {
            "metadata": {"name": "a", "namespace": "x"},
            "spec": {"nodeName": "n1"},
            "status": {"phase": "Running"},
        },
        {"metadata": {"name": "b", "namespace": "x"}, "spec": {}, "status": {"phase": "Pending"}},
    ]
    assert [p["metadata"]["name"] for p in select(pods, parse_field_selector("spec.nodeName=n1", "Pod"))] == [
        "a"
    ]
    assert [
        p["metadata"]["name"] for p in select(pods, parse_field_selector("status.phase!=Running", "Pod"))
    ] == ["b"]
    assert [p["metadata"]["name"] for p in select(pods, parse_field_selector("spec.nodeName=", "Pod"))] == [
        "b"
    ]
    with pytest.raises(ApiError):
        parse_field_selector("spec.nodeName=n1", "Service")
    with pytest.raises(ApiError):
        parse_field_selector("nonsense", "Pod")


def test_pages_follow_each_other_and_keep_the_revision() -> None:
    bodies = [{"metadata": {"name": f"p{i}", "namespace": "n"}} for i in range(5)]
    first, token, _ = page(bodies, 2, None, 10)
    assert [b["metadata"]["name"] for b in first] == ["p0", "p1"] and token
    second, token2, rev2 = page(bodies, 2, token, 99)
    assert [b["metadata"]["name"] for b in second] == ["p2", "p3"] and rev2 == 10
    last, token3, _ = page(bodies, 2, token2, 99)
    assert [b["metadata"]["name"] for b in last] == ["p4"] and token3 is None
    with pytest.raises(ApiError):
        page(bodies, 2, "garbage!", 1)


@pytest.mark.parametrize(
    ("accept", "aggregated"),
    [
        (discovery.AGGREGATED_V2 + ",application/json", True),
        ("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json", False),
        ("application/json", False),
        ("", False),
    ],
)
def test_aggregated_discovery_negotiation(accept: str, aggregated: bool) -> None:
    assert discovery.wants_aggregated(accept) is aggregated


def test_credentials_and_kubeconfig(tmp_path: Path) -> None:
    creds = tls.generate(tmp_path / "pki", "127.0.0.1")
    for path in (creds.ca_cert, creds.server_cert, creds.server_key):
        assert path.stat().st_mode & 0o777 == 0o600
    context = ssl.create_default_context(cafile=str(creds.ca_cert))
    context.load_cert_chain(str(creds.server_cert), str(creds.server_key))  # the pair matches
    assert len(creds.token) >= 32
    kubeconfig = tmp_path / "kc"
    tls.write_kubeconfig(kubeconfig, "https://127.0.0.1:6443", creds)
    assert kubeconfig.stat().st_mode & 0o777 == 0o600
    config = YAML(typ="safe").load(kubeconfig.read_text())
    assert config["current-context"] == "manikit"
    assert config["users"][0]["user"]["token"] == creds.token
    assert config["clusters"][0]["cluster"]["server"] == "https://127.0.0.1:6443"
