"""Errors as Kubernetes ``Status`` objects, with the HTTP code kubectl expects for each reason.

An error of the control plane carries its own Status (``StatusError.to_status()``: reason, code, group,
kind, name, causes); the server sends it as it is, so kubectl prints it unchanged. Errors the server
raises itself (a bad query, a bad patch) are ``StatusError``s too, made here by ``ApiError``.
"""

from __future__ import annotations

from typing import Any

from manikit.errors import STATUS_CODES, Cause, StateError, StatusError, UserError


class ApiError(StatusError):
    """A Status the server raises itself (``raise ApiError("BadRequest", message)``): a ``StatusError``
    made from a reason, a message and the Status details (group, kind, name, causes as JSON)."""

    def __init__(self, reason: str, message: str, details: dict[str, Any] | None = None) -> None:
        found = details or {}
        causes = [
            Cause(c.get("reason", ""), c.get("message", ""), c.get("field", ""))
            for c in found.get("causes") or []
        ]
        super().__init__(
            message,
            reason=reason,
            group=found.get("group", ""),
            kind=found.get("kind", ""),
            name=found.get("name", ""),
            causes=causes,
        )


def status_body(reason: str, message: str) -> dict[str, Any]:
    """A Status made here, for what is not an error of the control plane (Unauthorized, a bug)."""
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": STATUS_CODES.get(reason, 500),
    }


def from_error(exc: BaseException, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Status for any error. A state error sends its own Status as it is; ``details`` (the
    request's resource and name) only fill in for an error that carries none. Other user errors are
    BadRequest, anything else an InternalError (its type only: never locals)."""
    if isinstance(exc, StateError):
        body = exc.to_status()
        if details and "details" not in body:
            body["details"] = details
        return body
    if isinstance(exc, UserError):
        body = status_body("BadRequest", str(exc))
        if details:
            body["details"] = details
        return body
    return status_body(
        "InternalError",
        f"an error on the server ({type(exc).__name__}) has prevented the request from succeeding",
    )


def success(details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        body["details"] = details
    return body
