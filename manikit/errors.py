"""The one exception tree of manikit. Exceptions mean "cannot continue"; findings are values.

    ManikitError                     a bug in manikit when raised as it is; the CLI says so, exit 3
     +-- UserError                   bad input the user can fix; the CLI prints one line, exit 2 by default
          +-- SourceError            a manifest path that cannot be read (missing, unreadable, too large)
          +-- NoManifestsError       the given paths hold no manifests at all
          +-- ConfigError            a bad configuration file or option
          +-- UnknownKindError       a resource type the control plane does not serve (kubectl: exit 1)
          +-- StateError             the control plane's state cannot be used as asked: ``error: ...``
          |    +-- LockError         another process holds the apply lock
          |    +-- StateDamagedError a state file that is damaged, foreign or unusable (read-only, full disk)
          |    +-- StatusError       what the API answered: a Kubernetes Status (reason, code, details)
          |         +-- BadRequestError
          |         +-- NotFoundError
          |         +-- AlreadyExistsError
          |         +-- ConflictError          optimistic concurrency: a stale resourceVersion
          |         +-- InvalidError           validation, admission, immutability; causes with field paths
          |         +-- ForbiddenError
          |         +-- GoneError              a watch or list from a compacted revision
          |         +-- MethodNotAllowedError
          |         +-- RangeFullError         no free clusterIP or NodePort left in the configured range
          +-- PlanError              a plan that cannot be made or applied (stale, prevent-destroy, ...)

A ``StatusError`` carries what Kubernetes' ``metav1.Status`` carries: ``reason`` (a StatusReason),
``code`` (HTTP), the object's ``group``/``kind``/``name`` and ``causes`` (StatusCause: reason, message,
field path). ``to_status()`` is the Status JSON the REST server sends as it is; ``kubectl_message()``
is what kubectl prints for it (cmdutil.CheckErr). The REST server's own refusals (a bad query or
patch) are ``manikit.server.status.ApiError``, a ``StatusError`` made from a reason.

Third-party errors (pydantic, ruamel, sqlite3, jinja2) are translated at the boundary with
``raise ... from``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: Kubernetes' StatusReasons and the HTTP code each comes with (apimachinery's metav1 types.go).
STATUS_CODES = {
    "BadRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "NotAcceptable": 406,
    "AlreadyExists": 409,
    "Conflict": 409,
    "Gone": 410,
    "Expired": 410,
    "RequestEntityTooLarge": 413,
    "UnsupportedMediaType": 415,
    "Invalid": 422,
    "TooManyRequests": 429,
    "InternalError": 500,
    "ServerTimeout": 500,
    "StoreReadError": 500,
    "ServiceUnavailable": 503,
    "Timeout": 504,
}

#: field.Error's wording -> its ErrorType, the reason of a StatusCause (apimachinery's field/errors.go).
CAUSE_REASONS = (
    ("Required value", "FieldValueRequired"),
    ("Invalid value", "FieldValueInvalid"),
    ("Unsupported value", "FieldValueNotSupported"),
    ("Duplicate value", "FieldValueDuplicate"),
    ("Forbidden", "FieldValueForbidden"),
    ("Not found", "FieldValueNotFound"),
    ("Too long", "FieldValueTooLong"),
    ("Too many", "FieldValueTooMany"),
    ("Internal error", "InternalError"),
)

#: How a field error's message begins (``Invalid value: ...``), whatever its type.
FIELD_ERROR_WORDS = tuple(words for words, _ in CAUSE_REASONS)


@dataclass(frozen=True, slots=True)
class Cause:
    """Kubernetes' StatusCause: ``reason`` (FieldValueInvalid, ...), the message, the field path."""

    reason: str
    message: str
    field: str = ""

    @classmethod
    def of(cls, field: str, body: str) -> Cause:
        """The cause for a field error's ``body`` (``Invalid value: -1: must be ...``) at ``field``."""
        reason = next((r for words, r in CAUSE_REASONS if body.startswith(words)), "FieldValueInvalid")
        return cls(reason, body, field)

    @classmethod
    def parse(cls, text: str) -> Cause:
        """A cause from its printed form, ``spec.replicas: Invalid value: -1: ...`` (field first)."""
        found = [(text.find(f": {words}"), words) for words, _ in CAUSE_REASONS]
        at = min((i for i, _ in found if i >= 0), default=-1)
        if at < 0 or any(text.startswith(words) for words, _ in CAUSE_REASONS):
            return cls.of("", text)
        return cls.of(text[:at], text[at + 2 :])

    def to_json(self) -> dict[str, str]:
        out = {"reason": self.reason, "message": self.message}
        if self.field:
            out["field"] = self.field
        return out

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


class ManikitError(Exception):
    """Base of every error manikit raises on purpose; raised as it is, a bug (exit 3)."""

    exit_code = 3


class UserError(ManikitError):
    """Bad input that the user can fix. The message is complete: where, what, and the fix."""

    exit_code = 2


class SourceError(UserError):
    """A manifest path that cannot be read."""


class NoManifestsError(UserError):
    """The given paths hold no manifest at all: never a silent pass."""


class ConfigError(UserError):
    """A bad configuration file, option or value."""


class UnknownKindError(UserError):
    """A resource type the control plane does not serve; exit 1, as kubectl exits."""

    exit_code = 1


class StateError(UserError):
    """The control plane's state cannot be used as asked. Printed as the client's own ``error: ...``
    (it is about the state, not an answer about an object); served, it is a Status of ``reason``."""

    exit_code = 1
    reason = "BadRequest"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> int:
        return STATUS_CODES.get(self.reason, 500)

    @property
    def details(self) -> dict[str, Any]:
        """The Status ``details``: name, group, kind, causes (what is known of them)."""
        return {}

    def to_status(self) -> dict[str, Any]:
        """The Kubernetes ``Status`` (kind Status, apiVersion v1) that says this error."""
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        details = self.details
        if details:
            status["details"] = details
        return status

    def kubectl_message(self) -> str:
        return f"error: {self.message}"


class LockError(StateError):
    """Another process holds the apply lock."""

    reason = "Conflict"


class StateDamagedError(StateError):
    """A state that cannot be read or written as it is: damaged, not manikit's, read-only, disk full."""

    reason = "InternalError"


class StatusError(StateError):
    """An answer of the API: Kubernetes' ``Status`` with its reason, code and details.

    ``kind`` is as Kubernetes' details name it: the resource (``deployments``) for NotFound,
    AlreadyExists, Conflict and Forbidden, the kind (``Deployment``) for Invalid."""

    reason = "BadRequest"

    def __init__(
        self,
        message: str,
        *,
        reason: str | None = None,
        group: str = "",
        kind: str = "",
        name: str = "",
        causes: Iterable[Cause | str] = (),
    ) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason
        self.group = group
        self.kind = kind
        self.name = name
        self.causes = tuple(c if isinstance(c, Cause) else Cause.parse(c) for c in causes)

    @property
    def details(self) -> dict[str, Any]:
        details: dict[str, Any] = {}
        for key, value in (("name", self.name), ("group", self.group), ("kind", self.kind)):
            if value:
                details[key] = value
        if self.causes:
            details["causes"] = [c.to_json() for c in self.causes]
        return details

    def kubectl_message(self) -> str:
        if self.reason == "Unauthorized":
            return f"error: You must be logged in to the server ({self.message})"
        return f"Error from server ({self.reason}): {self.message}"


def _qualified(resource: str, group: str) -> str:
    """``deployments.apps``, ``pods``: a resource as Kubernetes' messages name it."""
    return f"{resource}.{group}" if group else resource


class BadRequestError(StatusError):
    reason = "BadRequest"


class NotFoundError(StatusError):
    reason = "NotFound"

    @classmethod
    def of(cls, resource: str, name: str, group: str = "") -> NotFoundError:
        """Kubernetes' NewNotFound: ``deployments.apps "web" not found``."""
        return cls(f'{_qualified(resource, group)} "{name}" not found', group=group, kind=resource, name=name)


class AlreadyExistsError(StatusError):
    reason = "AlreadyExists"

    @classmethod
    def of(cls, resource: str, name: str, group: str = "") -> AlreadyExistsError:
        """Kubernetes' NewAlreadyExists: ``deployments.apps "web" already exists``."""
        message = f'{_qualified(resource, group)} "{name}" already exists'
        return cls(message, group=group, kind=resource, name=name)


#: Kubernetes' OptimisticLockErrorMsg, the why of a Conflict on a stale resourceVersion.
MODIFIED = "the object has been modified; please apply your changes to the latest version and try again"


class ConflictError(StatusError):
    reason = "Conflict"

    @classmethod
    def of(cls, resource: str, name: str, why: str = MODIFIED, group: str = "") -> ConflictError:
        """Kubernetes' NewConflict: ``Operation cannot be fulfilled on deployments.apps "web": ...``."""
        message = f'Operation cannot be fulfilled on {_qualified(resource, group)} "{name}": {why}'
        return cls(message, group=group, kind=resource, name=name)


class InvalidError(StatusError):
    """Kubernetes' Invalid status, with ``causes`` (field errors) that kubectl lists."""

    reason = "Invalid"

    @classmethod
    def of(cls, kind: str, name: str, causes: Iterable[Cause | str], group: str = "") -> InvalidError:
        """Kubernetes' NewInvalid: ``Deployment.apps "web" is invalid: <cause>`` (several: ``[a, b]``)."""
        error = cls("", group=group, kind=kind, name=name, causes=causes)
        shown = [str(c) for c in error.causes]
        listed = shown[0] if len(shown) == 1 else f"[{', '.join(shown)}]"
        error.message = f'{_qualified(kind, group)} "{name}" is invalid: {listed}'
        error.args = (error.message,)
        return error

    def kubectl_message(self) -> str:
        """As kubectl's CheckErr prints it: ``The Deployment "web" is invalid: <cause>``; several causes
        one per line (``* <cause>``), duplicates once. Without causes, the server's message."""
        if not self.causes:
            return super().kubectl_message()
        head = "The request is invalid"
        if self.kind or self.name:
            head = f'The {self.kind} "{self.name}" is invalid'
        shown = list(dict.fromkeys(str(c) for c in self.causes))
        if len(shown) == 1:
            return f"{head}: {shown[0]}"
        return "\n".join([f"{head}:", *(f"* {cause}" for cause in shown)])


class ForbiddenError(StatusError):
    reason = "Forbidden"

    @classmethod
    def of(cls, resource: str, name: str, why: str, group: str = "") -> ForbiddenError:
        """Kubernetes' NewForbidden: ``deployments.apps "web" is forbidden: <why>``."""
        message = f'{_qualified(resource, group)} "{name}" is forbidden: {why}'
        return cls(message, group=group, kind=resource, name=name)


class GoneError(StatusError):
    reason = "Gone"


class MethodNotAllowedError(StatusError):
    reason = "MethodNotAllowed"


class RangeFullError(StatusError):
    """No free value left in an allocation range (Service clusterIPs, NodePorts). Kubernetes answers
    with an InternalError status; it is still the user's to fix (free values or widen the range), so
    it exits 1 as every answer of the API does, and says which range and what to do."""

    reason = "InternalError"


#: Status reason -> the error that says it, for Status bodies read back from a server.
BY_REASON: dict[str, type[StatusError]] = {
    cls.reason: cls
    for cls in (
        BadRequestError,
        NotFoundError,
        AlreadyExistsError,
        ConflictError,
        InvalidError,
        ForbiddenError,
        GoneError,
        MethodNotAllowedError,
    )
}


def from_status(status: dict[str, Any]) -> StatusError:
    """The error a Kubernetes ``Status`` body says (a served control plane's answer), details kept."""
    reason = str(status.get("reason") or "")
    details = status.get("details") or {}
    causes = [
        Cause(str(c.get("reason", "")), str(c.get("message", "")), str(c.get("field", "")))
        for c in details.get("causes") or []
    ]
    error = BY_REASON.get(reason, StatusError)(
        str(status.get("message", "")),
        group=str(details.get("group", "")),
        kind=str(details.get("kind", "")),
        name=str(details.get("name", "")),
        causes=causes,
    )
    if reason and reason not in BY_REASON:
        error.reason = reason
    return error


class PlanError(UserError):
    """A plan that cannot be made or applied: stale, prevent-destroy, empty prune input, ..."""

    exit_code = 1
