"""manikit: validate, lint, plan and apply Kubernetes-style manifests against a local control plane.

The Python API (each name is imported on first use, so ``import manikit`` stays cheap)::

    import manikit

    problems = manikit.validate("deploy/")              # paths, YAML text, or parsed documents
    findings = manikit.lint("deploy/", config=".manikit.yaml")
    with manikit.open_cluster(".manikit/state.db") as cluster:   # or ":memory:", etcd://..., context="prod"
        plan = manikit.plan("deploy/", cluster)         # a frozen Plan; plan.changes, plan.preview
        result = manikit.apply(plan, cluster)           # refused if the cluster moved since the plan
        assert manikit.plan("deploy/", cluster).empty

``Problem`` is one finding; ``Plan`` the plan; every error manikit raises is a ``ManikitError``
(``UserError`` for bad input, a stale plan or a state problem; see ``manikit.errors``).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: public name -> the module that defines it
_EXPORTS = {
    "Source": "manikit.library",
    "open_cluster": "manikit.cluster.opening",
    "Cluster": "manikit.cluster.protocol",
    "Problem": "manikit.diagnostics",
    "Level": "manikit.diagnostics",
    "Plan": "manikit.plan.actions",
    "Action": "manikit.plan.actions",
    "ApplyResult": "manikit.apply.executor",
    "ManikitError": "manikit.errors",
    "UserError": "manikit.errors",
    "SourceError": "manikit.errors",
    "ConfigError": "manikit.errors",
    "StateError": "manikit.errors",
    "NotFoundError": "manikit.errors",
    "AlreadyExistsError": "manikit.errors",
    "ConflictError": "manikit.errors",
    "InvalidError": "manikit.errors",
    "ForbiddenError": "manikit.errors",
    "LockError": "manikit.errors",
    "StateDamagedError": "manikit.errors",
    "PlanError": "manikit.errors",
}
__all__ = [
    "Action",
    "AlreadyExistsError",
    "ApplyResult",
    "Cluster",
    "ConfigError",
    "ConflictError",
    "ForbiddenError",
    "InvalidError",
    "Level",
    "LockError",
    "ManikitError",
    "NotFoundError",
    "Plan",
    "PlanError",
    "Problem",
    "Source",
    "SourceError",
    "StateDamagedError",
    "StateError",
    "UserError",
    "__version__",
    "apply",
    "lint",
    "open_cluster",
    "plan",
    "validate",
]

#: functions named like the subpackages that implement them (``manikit.plan`` is also a package)
_CALLABLE_PACKAGES = ("validate", "lint", "plan", "apply")


class _CallablePackage(types.ModuleType):
    """``manikit.plan(...)`` calls ``manikit.library.plan``; ``manikit.plan.actions`` stays the package.

    Importing a subpackage sets it as an attribute of ``manikit`` (the import system does), which
    would hide a function of the same name; so the subpackage itself answers the call."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        library = importlib.import_module("manikit.library")
        return getattr(library, self.__name__.rpartition(".")[2])(*args, **kwargs)


class _Manikit(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_PACKAGES and type(value) is types.ModuleType:
            value.__class__ = _CallablePackage
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Manikit
for _name in _CALLABLE_PACKAGES:  # those a caller imported before manikit itself finished importing
    if f"{__name__}.{_name}" in sys.modules:
        setattr(sys.modules[__name__], _name, sys.modules[f"{__name__}.{_name}"])


def _version() -> str:
    """``__version__``, read from the installed metadata on first use: importlib.metadata costs more
    start-up time than validating a small file, and most commands never print the version."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("manikit")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        globals()[name] = found = _version()
        return found
    if name in _CALLABLE_PACKAGES:
        return importlib.import_module(f"{__name__}.{name}")  # made callable as it is set here
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'manikit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
