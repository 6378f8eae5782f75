"""Errors as Kubernetes ``Status`` objects, with the HTTP code kubectl expects for each reason.

manikit's state errors already carry Kubernetes' reason and message (``pods "nope" not found``);
here they become the ``Status`` body kube-apiserver sends, so kubectl prints them unchanged.
"""

from __future__ import annotations

from typing import Any

from manikit.errors import ManikitError, StateError, UserError

#: reason -> HTTP code, as apimachinery's StatusReason documents them.
CODES = {
    "BadRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "NotAcceptable": 406,
    "AlreadyExists": 409,
    "Conflict": 409,
    "Locked": 409,
    "Gone": 410,
    "UnsupportedMediaType": 415,
    "Invalid": 422,
    "InternalError": 500,
}


class ApiError(ManikitError):
    """An error raised inside the server with its Kubernetes reason (and details, for causes)."""

    def __init__(self, reason: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message
        self.details = details or {}


def status_body(reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": CODES.get(reason, 500),
    }
    if details:
        body["details"] = details
    return body


def from_error(exc: BaseException, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Status for any error: state errors keep their reason, other user errors are BadRequest,
    anything else an InternalError (its message only: never locals)."""
    if isinstance(exc, ApiError):
        return status_body(exc.reason, exc.message, {**(details or {}), **exc.details})
    if isinstance(exc, StateError):
        reason = exc.reason if exc.reason in CODES else "BadRequest"
        return status_body(reason, exc.message, details)
    if isinstance(exc, UserError):
        return status_body("BadRequest", str(exc), details)
    return status_body(
        "InternalError",
        f"an error on the server ({type(exc).__name__}) has prevented the request from succeeding",
    )


def success(details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details:
        body["details"] = details
    return body
