"""The quick path of the container checks (``is_plain``, ``plain_resources``) against the full checks:
on generated containers, whenever the quick path says "nothing to report" the full checks report
nothing, so ``validate_container`` gives the full checks' result either way."""

from __future__ import annotations

from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from manikit.kinds import container as container_checks
from manikit.kinds.container import is_plain, validate_container
from manikit.kinds.field import ROOT
from manikit.kinds.resources import plain_resources, validate_resources
from manikit.models.pod import Container, ResourceRequirements

AT = ROOT.child("spec", "containers").index(0)
VOLUMES = {"data", "config"}

# valid values drawn more often than others, so that many generated containers are plain
_names = st.sampled_from(["web"] * 4 + ["sidecar"] * 4 + ["Web_1", "", "a" * 64, "x-"])
_port_names = st.sampled_from(
    [None, "", "http", "http", "metrics", "metrics", "web", "grpc", "HTTP", "a--b", "-x", "0123", "x" * 16]
)
_ports_numbers = st.sampled_from([1, 80, 8080, 8080, 9090, 65535, 0, 70000])
_quantities = st.sampled_from(["100m", "1", "512Mi", "1Gi", "1Gi", "2Gi", "-1", "0", "2", "0.5"])
_resources = st.sampled_from(
    ["cpu", "cpu", "memory", "memory", "ephemeral-storage", "nvidia.com/gpu", "hugepages-2Mi", "gpu"]
)


def _probe() -> st.SearchStrategy[dict[str, Any]]:
    port = st.one_of(_ports_numbers, _port_names.filter(lambda n: n is not None))
    one = st.one_of(
        st.just({"exec": {"command": ["true"]}}),
        st.builds(lambda p: {"httpGet": {"path": "/", "port": p}}, port),
        st.builds(lambda p: {"tcpSocket": {"port": p}}, port),
        st.builds(lambda p: {"grpc": {"port": p}}, _ports_numbers),
    )
    handlers = st.one_of(one, one, st.builds(lambda a, b: {**a, **b}, one, one), st.just({}))
    extra = st.fixed_dictionaries(
        {},
        optional={
            "successThreshold": st.sampled_from([1, 1, 1, 2, 0]),
            "periodSeconds": st.just(10),
        },
    )
    extra = st.one_of(extra, extra, extra, st.just({"terminationGracePeriodSeconds": 5}))
    return st.builds(lambda h, e: {**h, **e}, handlers, extra)


def _container() -> st.SearchStrategy[dict[str, Any]]:
    port = st.fixed_dictionaries(
        {"containerPort": st.sampled_from([80, 8080, 9090])},
        optional={"name": _port_names, "hostPort": st.sampled_from([0, 80, 8080])},
    )
    env = st.fixed_dictionaries(
        {"name": st.sampled_from(["LOG", "LOG", "APP_ID", "APP_ID", "1BAD", "", "my.env-name"])},
        optional={"value": st.sampled_from(["info", ""])},
    ) | st.sampled_from(
        [
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
            {"name": "POD", "valueFrom": {"fieldRef": {"fieldPath": "spec.nope"}}},
            {"name": "POD", "value": "x", "valueFrom": {}},
        ]
    )
    mount = st.fixed_dictionaries(
        {
            "name": st.sampled_from(["data", "data", "config", "config", "missing", ""]),
            "mountPath": st.sampled_from(["/data", "/etc/config", "/data", "/var/x", "/var/y", ""]),
        },
        optional={"subPath": st.sampled_from(["file", "file", "/abs", "a/../b", ""])},
    ) | st.sampled_from(
        [
            {"name": "data", "mountPath": "/e", "subPathExpr": "$(POD)"},
            {"name": "data", "mountPath": "/e", "subPathExpr": "/x", "subPath": "y"},
        ]
    )
    quantities = st.dictionaries(_resources, _quantities, max_size=3)
    resources = st.fixed_dictionaries({}, optional={"requests": quantities, "limits": quantities})
    security = st.fixed_dictionaries(
        {},
        optional={
            "runAsUser": st.sampled_from([0, 1000, 1000, 10001, -1, 2**31]),
            "runAsGroup": st.sampled_from([0, 3000, 3000, -5]),
            "privileged": st.booleans(),
            "allowPrivilegeEscalation": st.booleans(),
        },
    )
    fields = (
        _maybe("ports", st.lists(port, max_size=3)),
        _maybe("env", st.lists(env, max_size=2)),
        _maybe("volumeMounts", st.lists(mount, max_size=2)),
        _maybe("livenessProbe", _probe()),
        _maybe("readinessProbe", _probe()),
        _maybe("startupProbe", _probe()),
        _maybe("securityContext", security),
        _maybe("resources", resources),
        _maybe("envFrom", st.sampled_from([[{"configMapRef": {"name": "cm"}}], [{}], []]), rare=True),
        _maybe("lifecycle", st.sampled_from([{"preStop": {"exec": {"command": ["true"]}}}, {}]), rare=True),
    )
    image = st.sampled_from(["nginx:1.27"] * 6 + [" nginx", ""])
    return st.tuples(_names, image, *fields).map(
        lambda t: {"name": t[0], "image": t[1], **{k: v for d in t[2:] for k, v in d.items()}}
    )


def _maybe(
    key: str, values: st.SearchStrategy[Any], *, rare: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """``{key: value}`` or, more often, ``{}``: each field left out as usual containers leave it out."""
    absent = [st.just({})] * (6 if rare else 2)
    return st.one_of(*absent, values.map(lambda v: {key: v}))


def _full_checks(c: Container, host_network: bool) -> list[str]:
    with mock.patch.object(container_checks, "is_plain", lambda *_: False):
        return [str(e) for e in validate_container(c, AT, VOLUMES, host_network=host_network, init=False)]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_container(), st.booleans())
def test_a_plain_container_is_one_the_full_checks_pass(data: dict[str, Any], host_network: bool) -> None:
    try:
        c = Container.model_validate(data, by_alias=True)
    except ValidationError:
        return  # the model's errors come first; the kind's checks never see it
    full = _full_checks(c, host_network)
    if is_plain(c, VOLUMES, host_network):
        assert full == []
    assert [str(e) for e in validate_container(c, AT, VOLUMES, host_network=host_network, init=False)] == full


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_resources, _quantities, max_size=3), st.dictionaries(_resources, _quantities, max_size=3)
)
def test_plain_resources_are_ones_the_full_checks_pass(
    requests: dict[str, str], limits: dict[str, str]
) -> None:
    res = ResourceRequirements.model_validate({"requests": requests, "limits": limits}, by_alias=True)
    if plain_resources(res):
        assert validate_resources(res, AT.child("resources")) == []


def test_the_quick_path_takes_the_common_container() -> None:
    """Not vacuous: a usual container is plain, and each thing the full checks refuse is not."""
    usual = {
        "name": "web",
        "image": "nginx:1.27",
        "ports": [{"name": "http", "containerPort": 8080}],
        "env": [{"name": "LOG", "value": "info"}],
        "volumeMounts": [{"name": "data", "mountPath": "/data", "subPath": "file"}],
        "readinessProbe": {"httpGet": {"path": "/", "port": "http"}},
        "livenessProbe": {"tcpSocket": {"port": 8080}},
        "securityContext": {"runAsUser": 1000, "allowPrivilegeEscalation": False},
        "resources": {"requests": {"cpu": "100m", "memory": "1Gi"}, "limits": {"memory": "1Gi"}},
    }
    assert is_plain(Container.model_validate(usual, by_alias=True), VOLUMES, host_network=False)
    for change in (
        {"name": "Web"},
        {"image": " nginx"},
        {"ports": [{"name": "http", "containerPort": 1}, {"name": "http", "containerPort": 2}]},
        {"volumeMounts": [{"name": "other", "mountPath": "/x"}]},
        {"livenessProbe": {"httpGet": {"port": 0}}},
        {"livenessProbe": {"exec": {"command": ["true"]}, "successThreshold": 2}},
        {"securityContext": {"runAsUser": -1}},
        {"resources": {"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}}},
    ):
        c = Container.model_validate({**usual, **change}, by_alias=True)
        assert not is_plain(c, VOLUMES, host_network=False), change
        assert _full_checks(c, host_network=False), change
