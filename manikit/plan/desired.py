"""The desired side of a plan: manifests loaded, validated and defaulted by the API's own function.

Workers send back plain dicts (defaulted bodies), never models: pickling pydantic objects between
processes would cost more than validating them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from manikit.diagnostics import Level, Problem
from manikit.plan.actions import Body
from manikit.plan.changes import Desired
from manikit.plan.normalize import desired_body
from manikit.source.values import RenderOptions
from manikit.validate.pipeline import FileOutcome, duplicate_problems, map_files, validate_file


@dataclass
class DesiredSet:
    objects: list[Desired] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    documents: int = 0
    unmanaged: list[str] = field(default_factory=list)  # Kind/namespace/name of kinds manikit does not manage
    not_manifests: list[str] = field(default_factory=list)  # files that are not Kubernetes, passed over

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level is Level.ERROR]


def desired_file(
    name: str, namespace: str = "default", render: RenderOptions | None = None
) -> tuple[FileOutcome, list[Desired]]:
    """Validate one file (rendering it first if it is a template) and default its objects; the
    outcome keeps no models."""
    outcome = validate_file(name, keep_objects=True, render=render)
    desired = []
    for v in outcome.objects:
        body = desired_body(v.obj, namespace, owned=True)
        desired.append(Desired(body, f"{v.doc.file}:{v.doc.line}", as_written(v.doc.data, body)))
    outcome.objects = []
    return outcome, desired


def as_written(data: Any, body: Body) -> Body:
    """The manifest as its file says it (what server-side apply sends, so that manikit owns exactly
    the fields it sets), as plain JSON data, with the namespace the object gets."""
    out: Body = dict(_plain(data))
    namespace = (body.get("metadata") or {}).get("namespace")
    if namespace:
        out["metadata"] = {**(out.get("metadata") or {}), "namespace": namespace}
    return out


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def load_desired(
    files: Sequence[str],
    namespace: str = "default",
    jobs: int | None = None,
    render: RenderOptions | None = None,
) -> DesiredSet:
    """Every valid object of ``files``, defaulted; problems (errors included) are returned, not raised."""
    results = map_files(files, partial(desired_file, namespace=namespace, render=render), jobs)
    out = DesiredSet()
    for outcome, desired in results:
        out.problems.extend(outcome.problems)
        out.documents += outcome.documents
        out.objects.extend(desired)
        out.unmanaged.extend(
            "/".join(p for p in (k.kind, k.namespace, k.name) if p)
            for k in outcome.keys
            if outcome.passed_over[k.kind]
        )
        if outcome.not_manifest:
            out.not_manifests.append(outcome.name)
    out.problems.extend(duplicate_problems([o for o, _ in results], namespace, render))
    out.problems.sort()
    return out
