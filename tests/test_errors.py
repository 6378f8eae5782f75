"""The error tree: its drawing is the code, and an API error is a Kubernetes Status in kubectl's words."""

from __future__ import annotations

import inspect
import re
from typing import Any

import pytest

from manikit import errors
from manikit.errors import (
    AlreadyExistsError,
    Cause,
    ConflictError,
    ForbiddenError,
    InvalidError,
    ManikitError,
    NotFoundError,
    RangeFullError,
    StateDamagedError,
    StatusError,
    from_status,
)


def _drawn_tree() -> dict[str, str | None]:
    """name -> parent, read from the module docstring's drawing (a child's ``+--`` sits one column
    right of where its parent's name starts)."""
    tree: dict[str, str | None] = {}
    at_column: dict[int, str] = {}
    for line in (errors.__doc__ or "").splitlines():
        found = re.search(r"(\+-- )?\b([A-Z]\w*Error)\b", line)
        if found is None or (found.group(1) is None and tree):
            continue
        name = found.group(2)
        tree[name] = at_column[found.start(1) - 1] if found.group(1) else None
        at_column[found.start(2)] = name
    return tree


def _coded_tree() -> dict[str, str | None]:
    classes = [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, ManikitError) and c.__module__ == errors.__name__
    ]
    return {c.__name__: (None if c is ManikitError else c.__base__.__name__) for c in classes}


def test_the_drawn_tree_is_the_code() -> None:
    drawn = _drawn_tree()
    assert len(drawn) > 10  # the drawing was read, not skipped
    assert drawn == _coded_tree()


def test_every_reason_is_a_kubernetes_status_reason() -> None:
    reasons = {
        c.reason for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.StateError)
    }
    assert reasons <= set(errors.STATUS_CODES)


@pytest.mark.parametrize(
    ("error", "code", "message", "details"),
    [
        (
            NotFoundError.of("deployments", "web", "apps"),
            404,
            'deployments.apps "web" not found',
            {"name": "web", "group": "apps", "kind": "deployments"},
        ),
        (NotFoundError.of("pods", "web"), 404, 'pods "web" not found', {"name": "web", "kind": "pods"}),
        (
            AlreadyExistsError.of("services", "db"),
            409,
            'services "db" already exists',
            {"name": "db", "kind": "services"},
        ),
        (
            ConflictError.of("deployments", "web", group="apps"),
            409,
            'Operation cannot be fulfilled on deployments.apps "web": the object has been modified; '
            "please apply your changes to the latest version and try again",
            {"name": "web", "group": "apps", "kind": "deployments"},
        ),
        (
            ForbiddenError.of("namespaces", "default", "this namespace may not be deleted"),
            403,
            'namespaces "default" is forbidden: this namespace may not be deleted',
            {"name": "default", "kind": "namespaces"},
        ),
        (
            InvalidError.of("Deployment", "web", ["spec.replicas: Invalid value: -1: must be >= 0"], "apps"),
            422,
            'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be >= 0',
            {
                "name": "web",
                "group": "apps",
                "kind": "Deployment",
                "causes": [
                    {
                        "reason": "FieldValueInvalid",
                        "message": "Invalid value: -1: must be >= 0",
                        "field": "spec.replicas",
                    }
                ],
            },
        ),
        (
            RangeFullError("Internal error occurred: range is full", kind="services"),
            500,
            None,
            {"kind": "services"},
        ),
    ],
    ids=[
        "not-found-apps",
        "not-found-core",
        "already-exists",
        "conflict",
        "forbidden",
        "invalid",
        "range-full",
    ],
)
def test_to_status_is_kubernetes_status(
    error: StatusError, code: int, message: str | None, details: dict[str, Any]
) -> None:
    status = error.to_status()
    assert {k: status[k] for k in ("kind", "apiVersion", "status", "reason", "code")} == {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "reason": error.reason,
        "code": code,
    }
    assert status["message"] == (message or str(error))
    assert status["details"] == details
    assert from_status(status).to_status() == status  # read back from a server, it is the same error
    assert type(from_status(status)) is type(error) or type(error) is RangeFullError


@pytest.mark.parametrize(
    ("error", "printed"),
    [
        (NotFoundError.of("pods", "web"), 'Error from server (NotFound): pods "web" not found'),
        (
            AlreadyExistsError.of("deployments", "web", "apps"),
            'Error from server (AlreadyExists): deployments.apps "web" already exists',
        ),
        (
            ConflictError.of("deployments", "web", group="apps"),
            'Error from server (Conflict): Operation cannot be fulfilled on deployments.apps "web": '
            "the object has been modified; please apply your changes to the latest version and try again",
        ),
        (
            InvalidError.of(
                "Deployment", "web", ["spec.replicas: Invalid value: -1: must be greater than or equal to 0"]
            ),
            'The Deployment "web" is invalid: '
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
        ),
        (
            InvalidError.of(
                "Service", "db", ["spec.ports: Required value", "spec.ports: Required value", "x: Forbidden"]
            ),
            'The Service "db" is invalid:\n* spec.ports: Required value\n* x: Forbidden',
        ),
        (StatusError("nope", reason="Unauthorized"), "error: You must be logged in to the server (nope)"),
        (StateDamagedError("state s.db is damaged"), "error: state s.db is damaged"),
    ],
    ids=["not-found", "already-exists", "conflict", "invalid", "invalid-several", "unauthorized", "damaged"],
)
def test_kubectl_words(error: errors.StateError, printed: str) -> None:
    assert error.kubectl_message() == printed


@pytest.mark.parametrize(
    ("text", "cause"),
    [
        (
            "spec.replicas: Invalid value: -1: x",
            Cause("FieldValueInvalid", "Invalid value: -1: x", "spec.replicas"),
        ),
        ("spec.ports: Required value", Cause("FieldValueRequired", "Required value", "spec.ports")),
        (
            'spec.ports[0].protocol: Unsupported value: "X": supported values: "TCP"',
            Cause(
                "FieldValueNotSupported",
                'Unsupported value: "X": supported values: "TCP"',
                "spec.ports[0].protocol",
            ),
        ),
        (
            'spec.ports[1].name: Duplicate value: "a"',
            Cause("FieldValueDuplicate", 'Duplicate value: "a"', "spec.ports[1].name"),
        ),
        (
            "metadata.finalizers: Forbidden: no",
            Cause("FieldValueForbidden", "Forbidden: no", "metadata.finalizers"),
        ),
        ("Required value", Cause("FieldValueRequired", "Required value", "")),
    ],
    ids=["invalid", "required", "not-supported", "duplicate", "forbidden", "no-field"],
)
def test_causes_read_from_their_printed_form(text: str, cause: Cause) -> None:
    assert Cause.parse(text) == cause
    assert str(cause) == text
