"""The desired side of a plan: manifests loaded, validated and defaulted by the API's own function.

A big file is cut into pieces of whole documents (validate/pieces.py), validated and defaulted in
worker processes, and joined back in file order, positions exact. Workers send back plain dicts
(defaulted bodies, manifests as written), never models: the parent needs only the dicts, and pickling
the models would cost more than the dicts and still leave the defaulting to one core.
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
from manikit.validate import admitted
from manikit.validate.pieces import PieceResult, Task, group_by_file, plan_tasks, pool_map
from manikit.validate.pipeline import (
    FileOutcome,
    duplicate_problems,
    join_pieces,
    validate_file,
    validate_task,
    worker_count,
)

Loaded = tuple[FileOutcome, list[Desired]]


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
    return _defaulted(validate_file(name, keep_objects=True, render=render), namespace)


def _defaulted(outcome: FileOutcome, namespace: str) -> Loaded:
    """The outcome's objects defaulted, as plain data; the outcome keeps no models."""
    desired = []
    for v in outcome.objects:
        body = desired_body(v.obj, namespace, owned=True)
        desired.append(Desired(body, f"{v.doc.file}:{v.doc.line}", as_written(v.doc.data, body)))
    outcome.objects = []
    return outcome, desired


def _desired_task(task: Task, namespace: str, render: RenderOptions | None) -> Loaded | PieceResult[Loaded]:
    """A whole file, or one piece of a big one, loaded in a worker."""
    done = validate_task(task, render, keep_objects=True)
    if isinstance(done, PieceResult):
        return PieceResult(
            _defaulted(done.result, namespace), done.yaml_documents, done.kubernetes, done.whole_file
        )
    return _defaulted(done, namespace)


def _joined(parts: Sequence[PieceResult[Loaded]]) -> Loaded | None:
    """A big file's pieces as the file's own result; None when it must be loaded whole."""
    outcome = join_pieces(
        [PieceResult(p.result[0], p.yaml_documents, p.kubernetes, p.whole_file) for p in parts]
    )
    if outcome is None:
        return None
    return outcome, [] if outcome.not_manifest else [d for p in parts for d in p.result[1]]


def _load_files(
    files: Sequence[str], namespace: str, jobs: int | None, render: RenderOptions | None
) -> list[Loaded]:
    """Each file's result, in input order; a big file in pieces when there are several workers."""
    workers = worker_count(files, jobs)
    tasks = plan_tasks(files, workers)
    results = pool_map(tasks, partial(_desired_task, namespace=namespace, render=render), workers)
    loaded: list[Loaded] = []
    for name, parts in group_by_file(tasks, results):
        if len(parts) == 1 and not isinstance(parts[0], PieceResult):
            loaded.append(parts[0])
        else:
            pieces = [p for p in parts if isinstance(p, PieceResult)]
            loaded.append(_joined(pieces) or desired_file(name, namespace, render))
    return loaded


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
    *,
    admit: bool = False,
) -> DesiredSet:
    """Every valid object of ``files``, defaulted; problems (errors included) are returned, not raised.
    With ``admit`` (to apply them in this process), the API keeps what loading admitted of each
    object of a file without problems, and does not admit them again (``validate.admitted``)."""
    results = _load_files(files, namespace, jobs, render)
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
    if admit:
        flawed = {p.file for p in out.problems}
        admitted.keep(
            (d.manifest, d.body)
            for d in out.objects
            if d.manifest is not None and d.source.rpartition(":")[0] not in flawed
        )
    return out
