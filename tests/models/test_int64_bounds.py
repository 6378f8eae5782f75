"""Integers beyond int64: the bounded validator (validate_checked) gives exactly the checked model's
result and errors, at any depth, and the CLI reports them with the field and position."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from manikit.models import base
from manikit.models.base import INT64_MAX, INT64_MIN, validate_checked
from manikit.models.service import Service
from manikit.models.workloads import Deployment
from tests.cli.helpers import run_cli
from tests.conftest import write

DEPLOYMENT: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "annotations": {"a": "b"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "nginx",
                        "ports": [{"containerPort": 80}],
                        "livenessProbe": {"tcpSocket": {"port": 80}, "periodSeconds": 10},
                        "resources": {"limits": {"cpu": 1, "memory": "64Mi"}},
                    }
                ],
                "securityContext": {"supplementalGroups": [1000]},
            },
        },
    },
}
SERVICE: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {"name": "web"},
    "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
}
POD = ("spec", "template", "spec")
CONTAINER = (*POD, "containers", 0)


@pytest.fixture(autouse=True)
def _bounded_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bounded validator is built after a few dozen objects of a kind; here from the first."""
    monkeypatch.setattr(base, "BOUNDED_AFTER", 0)


def _with(doc: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(doc)
    node: Any = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def _outcome(model: type[BaseModel], data: Any, validate: Any) -> Any:
    try:
        return validate(data).model_dump()
    except ValidationError as exc:
        return exc.title, exc.errors(include_url=False)


def _same_as_checked(model: type[BaseModel], data: Any) -> Any:
    checked = _outcome(model, data, lambda d: model.model_validate(d, by_alias=True, by_name=False))
    assert _outcome(model, data, lambda d: validate_checked(model, d)) == checked
    return checked


BIG = [10**20, INT64_MAX + 1, INT64_MIN - 1, 10**40]


@pytest.mark.parametrize("value", BIG)
@pytest.mark.parametrize(
    ("model", "doc", "path", "loc", "key"),
    [
        (Deployment, DEPLOYMENT, (*CONTAINER, "livenessProbe", "periodSeconds"),
         ("spec", "template", "spec", "containers", 0, "livenessProbe"), "periodSeconds"),
        (Deployment, DEPLOYMENT, (*CONTAINER, "ports", 0, "containerPort"),
         ("spec", "template", "spec", "containers", 0, "ports", 0), "containerPort"),
        (Deployment, DEPLOYMENT, (*POD, "securityContext", "supplementalGroups"),
         ("spec", "template", "spec", "securityContext"), "supplementalGroups"),
        (Deployment, DEPLOYMENT, (*CONTAINER, "image"), (*CONTAINER[:-1], 0), "image"),
        (Service, SERVICE, ("spec", "ports", 0, "port"), ("spec", "ports", 0), "port"),
        (Service, SERVICE, ("spec", "ports", 0, "targetPort"), ("spec", "ports", 0), "targetPort"),
    ],
)  # fmt: skip
def test_an_integer_beyond_int64_is_the_checked_models_error(
    model: type[BaseModel],
    doc: dict[str, Any],
    path: tuple[Any, ...],
    loc: tuple[Any, ...],
    key: str,
    value: int,
) -> None:
    data = _with(doc, path, [value] if key == "supplementalGroups" else value)
    _, errors = _same_as_checked(model, data)
    assert [(e["loc"], e["type"]) for e in errors] == [(loc, "int64_range")]
    assert (
        errors[0]["msg"].startswith(f"{key}: ")
        and "is out of range: Kubernetes integers are 64-bit" in errors[0]["msg"]
    )


@pytest.mark.parametrize("value", [10**30, -(10**30), INT64_MAX + 1])
def test_a_quantity_given_as_a_huge_integer_is_the_checked_models_error(value: int) -> None:
    data = _with(DEPLOYMENT, (*CONTAINER, "resources", "limits", "cpu"), value)
    _, errors = _same_as_checked(Deployment, data)
    assert [e["loc"][-2:] for e in errors] == [("limits", "cpu")]


@pytest.mark.parametrize(
    "change",
    [
        ((*CONTAINER, "livenessProbe", "periodSeconds"), INT64_MAX),
        ((*CONTAINER, "livenessProbe", "periodSeconds"), INT64_MIN),
        ((*POD, "activeDeadlineSeconds"), INT64_MAX),
        ((*CONTAINER, "resources", "limits", "cpu"), 10**15),
        (("spec", "replicas"), 2**31),  # an ordinary error, found by both
        (("spec", "replicas"), "two"),
        ((*CONTAINER, "ports", 0, "containerPort"), 3.0),
    ],
)
def test_values_within_int64_validate_alike(change: tuple[tuple[Any, ...], Any]) -> None:
    _same_as_checked(Deployment, _with(DEPLOYMENT, *change))


def test_valid_documents_take_the_bounded_validator() -> None:
    _same_as_checked(Deployment, DEPLOYMENT)
    _same_as_checked(Service, SERVICE)
    for model in (Deployment, Service):
        bounded = base._BOUNDED[model]
        assert bounded is not None  # built, not silently dropped for the checked one
        assert "_within_int64" not in repr(bounded) and "Prebuilt" not in repr(bounded)


def test_the_bounded_validator_is_built_only_for_many_objects_of_a_kind(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(base, "BOUNDED_AFTER", 3)
    monkeypatch.setattr(base, "_BOUNDED", {})
    monkeypatch.setattr(base, "_SEEN", {})
    for _ in range(3):
        _same_as_checked(Service, SERVICE)
    assert Service not in base._BOUNDED
    _same_as_checked(Service, SERVICE)
    assert base._BOUNDED[Service] is not None


def test_validate_reports_integers_beyond_int64_with_field_and_position(tmp_path: Path) -> None:
    text = (
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n"
        "  ports:\n  - port: 9223372036854775808\n    targetPort: 80\n"
    )
    result = run_cli("validate", str(write(tmp_path, "svc.yaml", text)))
    assert result.exit_code == 1
    assert (
        "svc.yaml:7:5: error MK001 invalid-value: spec.ports[0]: port: 9223372036854775808 is out of range"
        in (result.stdout)
    )
