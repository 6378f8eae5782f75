"""manikit: validate, lint, plan and apply Kubernetes-style manifests against a local control plane."""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata on first use: importlib.metadata costs more
    start-up time than validating a small file, and most commands never print the version."""
    if name != "__version__":
        raise AttributeError(f"module 'manikit' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("manikit")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        found = "0.0.0+unknown"
    globals()["__version__"] = found
    return found
