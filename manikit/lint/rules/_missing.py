"""The check the four missing-request/limit rules share: a resource a container does not set."""

from __future__ import annotations

from collections.abc import Iterator

from manikit.lint.findings import Finding, LintObject
from manikit.lint.walk import container_label, iter_containers

_EXAMPLES = {"cpu": "250m", "memory": "256Mi"}


def find_missing(obj: LintObject, section: str, resource: str) -> Iterator[Finding]:
    """Containers (init containers included) without ``resources.<section>.<resource>``.

    A request is not missing when the container sets a limit for the resource: Kubernetes defaults
    the request to the limit when the pod is created (for bare Pods and for pods made from templates).
    """
    pod = obj.pod
    if pod is None:
        return
    for at in iter_containers(pod):
        res = at.container.resources
        requests = (res.requests if res is not None else None) or {}
        limits = (res.limits if res is not None else None) or {}
        if resource in (requests if section == "requests" else limits):
            continue
        if section == "requests" and resource in limits:
            continue  # the API server requests the limit
        yield Finding(
            at.resource_path(section),
            f"{container_label(at)} sets no {resource} {section[:-1]}",
            f"add resources.{section}.{resource}, e.g. {_EXAMPLES.get(resource, '1')}",
        )
