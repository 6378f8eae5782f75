"""manikit: validate, lint, plan and apply Kubernetes-style manifests against a local control plane."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("manikit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"
