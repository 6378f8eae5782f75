"""The one exception tree of manikit. Exceptions mean "cannot continue"; findings are values.

    ManikitError
     +-- UserError                 bad input the user can fix; the CLI prints one line, exit 2 by default
     |    +-- SourceError          a manifest path that cannot be read (missing, unreadable, too large)
     |    +-- NoManifestsError     the given paths hold no manifests at all
     |    +-- ConfigError          a bad configuration file or option
     |    +-- StateError           the control plane's state cannot be used as asked
     |    |    +-- NotFoundError   an object that does not exist (kubectl's NotFound)
     |    |    +-- AlreadyExistsError
     |    |    +-- ConflictError   optimistic concurrency: a stale resourceVersion
     |    |    +-- InvalidError    an object the API refuses (validation, admission, immutability)
     |    |    +-- LockError       another process holds the apply lock
     |    |    +-- StateDamagedError  a state file that is damaged, foreign or unusable (read-only, full disk)
     |    +-- PlanError            a plan that cannot be made or applied (stale, prevent-destroy, ...)
     +-- InternalError             a bug in manikit; the CLI says so and how to report it

Third-party errors (pydantic, ruamel, sqlite3, jinja2) are translated at the boundary with
``raise ... from``.
"""

from __future__ import annotations


class ManikitError(Exception):
    """Base of every error manikit raises on purpose."""

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


class StateError(UserError):
    """The control plane's state cannot be used as asked."""

    exit_code = 1
    reason = "BadRequest"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def kubectl_message(self) -> str:
        """The message as kubectl prints it: ``Error from server (NotFound): ...``."""
        return f"Error from server ({self.reason}): {self.message}"


class NotFoundError(StateError):
    reason = "NotFound"


class AlreadyExistsError(StateError):
    reason = "AlreadyExists"


class ConflictError(StateError):
    reason = "Conflict"


class InvalidError(StateError):
    reason = "Invalid"


class ForbiddenError(StateError):
    reason = "Forbidden"


class LockError(StateError):
    reason = "Locked"


class StateDamagedError(StateError):
    """A state that cannot be read or written as it is: damaged, not manikit's, read-only, disk full.

    Printed as it is (not as an API status): it is about the file, not about an object."""

    reason = "StateDamaged"

    def kubectl_message(self) -> str:
        return f"error: {self.message}"


class PlanError(UserError):
    """A plan that cannot be made or applied: stale, prevent-destroy, empty prune input, ..."""

    exit_code = 1


class InternalError(ManikitError):
    """A bug in manikit: the CLI reports it as such, with how to report it."""

    exit_code = 3
