"""A container's and a pod's checks that read optional model fields: each field of each model, with its
exact path (the checks read a model's fields directly, not through getattr's slow miss)."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.kinds.container import validate_container, validate_security_context
from manikit.kinds.field import ROOT
from manikit.models.pod import Container, PodSecurityContext, SecurityContext

AT = ROOT.child("spec", "containers").index(0)
RANGE = "must be between 0 and 2147483647, inclusive"
PORTS = "must be between 1 and 65535, inclusive"
PRIVILEGED = "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"


def _texts(errors: list[Any]) -> list[str]:
    return [str(e) for e in errors]


@pytest.mark.parametrize(
    ("model", "data", "expected"),
    [
        (PodSecurityContext, {"fsGroup": -1}, [f"sc.fsGroup: Invalid value: -1: {RANGE}"]),
        (
            PodSecurityContext,
            {"supplementalGroups": [1, -2]},
            [f"sc.supplementalGroups[1]: Invalid value: -2: {RANGE}"],
        ),
        (PodSecurityContext, {"fsGroup": 2000, "runAsUser": 1000}, []),
        (SecurityContext, {"runAsUser": 2**31}, [f"sc.runAsUser: Invalid value: 2147483648: {RANGE}"]),
        (
            SecurityContext,
            {"privileged": True, "allowPrivilegeEscalation": False},
            [f'sc: Invalid value: "": {PRIVILEGED}'],
        ),
        (SecurityContext, {"privileged": True}, []),
        (SecurityContext, {"allowPrivilegeEscalation": False, "runAsGroup": 0}, []),
    ],
    ids=["pod-fs-group", "pod-supplemental", "pod-ok", "run-as-user", "privileged", "privileged-only", "ok"],
)  # fmt: skip
def test_security_contexts(model: Any, data: dict[str, Any], expected: list[str]) -> None:
    sc = model.model_validate(data, by_alias=True)
    assert _texts(validate_security_context(sc, ROOT.child("sc"))) == expected


@pytest.mark.parametrize(
    ("probe", "expected"),
    [
        ({"exec": {"command": ["true"]}}, []),
        ({"httpGet": {"port": 0}}, [f"livenessProbe.httpGet.port: Invalid value: 0: {PORTS}"]),
        ({"tcpSocket": {"port": "HTTP"}}, ["livenessProbe.tcpSocket.port: Invalid value: \"HTTP\""] * 2),
        ({"grpc": {"port": 70000}}, [f"livenessProbe.grpc.port: Invalid value: 70000: {PORTS}"]),
    ],
    ids=["exec-has-no-port", "http-port", "tcp-port-name", "grpc-port"],
)  # fmt: skip
def test_a_probe_handlers_port_is_checked_where_the_handler_has_one(
    probe: dict[str, Any], expected: list[str]
) -> None:
    c = Container.model_validate({"name": "web", "image": "nginx", "livenessProbe": probe}, by_alias=True)
    errors = validate_container(c, ROOT, set(), host_network=False, init=False)
    shown = _texts(errors)
    assert [s[: len(e)] for s, e in zip(shown, expected, strict=True)] == expected


def test_env_and_port_errors_carry_their_item_paths() -> None:
    c = Container.model_validate(
        {
            "name": "web",
            "image": "nginx",
            "env": [
                {"name": "OK", "value": "1"},
                {"name": "1BAD", "value": "x"},
                {"name": "FROM", "valueFrom": {}},
            ],
            "ports": [
                {"name": "http", "containerPort": 80},
                {"name": "http", "containerPort": 81, "hostPort": 9},
            ],
        },
        by_alias=True,
    )
    paths = [e.path.text for e in validate_container(c, AT, set(), host_network=True, init=False)]
    assert paths == [
        "spec.containers[0].ports[1].name",
        "spec.containers[0].ports[1].hostPort",
        "spec.containers[0].env[1].name",
        "spec.containers[0].env[2].valueFrom",
    ]
