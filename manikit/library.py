"""manikit as a library: ``validate``, ``lint``, ``plan`` and ``apply`` over manifests given as paths,
YAML text or already-parsed documents, against a cluster from ``open_cluster``. ``manikit/__init__``
re-exports these lazily, so ``import manikit`` stays cheap."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from manikit.apply.executor import ApplyResult, check_fresh, execute
from manikit.apply.preview import with_preview
from manikit.cluster import Cluster
from manikit.cluster.recorded import applied_record, refresh_applied
from manikit.diagnostics import Level, Problem
from manikit.errors import SourceError
from manikit.lint.config import find_config, load_config
from manikit.lint.engine import lint_files
from manikit.plan.actions import ObjectKey, Plan
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.source.reader import expand_paths
from manikit.source.yamldump import dump_yaml
from manikit.validate.pipeline import validate_files

#: a file or directory; several; YAML text (one or more documents, with a newline); one parsed
#: document; or a list of parsed documents
Source = str | os.PathLike[str] | Mapping[str, Any] | Sequence[str | os.PathLike[str] | Mapping[str, Any]]
TEXT_NAME = "<text>"
DOCUMENTS_NAME = "<documents>"


def validate(source: Source, *, namespace: str = "default") -> list[Problem]:
    """Every problem ``manikit validate`` reports for ``source``, sorted (errors, warnings, notices)."""
    with _files(source) as (files, shown):
        return _named(validate_files(files, namespace=namespace).problems, shown)


def lint(
    source: Source, *, config: str | os.PathLike[str] | None = None, namespace: str = "default"
) -> list[Problem]:
    """Every finding of ``manikit lint`` (validation included), with the rules and levels of ``config``
    (a .manikit.yaml; default: the nearest one above the current directory)."""
    chosen = load_config(Path(config) if config is not None else find_config(Path.cwd()))
    with _files(source) as (files, shown):
        return _named(lint_files(files, chosen, namespace=namespace).problems, shown)


def plan(
    source: Source,
    cluster: Cluster,
    *,
    applyset: str = "default",
    prune: bool = False,
    preview: bool = True,
    namespace: str = "default",
    replace: Sequence[str] = (),
    force_conflicts: bool = False,
) -> Plan:
    """The plan from ``cluster`` to the manifests in ``source`` (``SourceError`` if any has an error):
    server-side apply's outcome for each object (``Plan.refusals``: what the cluster would refuse).
    With ``preview``, the pods that would stay Pending, from a simulation of the cluster."""
    return _planned(source, cluster, applyset, prune, preview, namespace, replace, force_conflicts)


def _planned(
    source: Source,
    cluster: Cluster,
    applyset: str,
    prune: bool,
    preview: bool,
    namespace: str,
    replace: Sequence[str],
    force_conflicts: bool,
    *,
    applying: bool = False,
) -> Plan:
    """``plan``; ``applying``: to be applied in this process (its objects say what apply notes)."""
    with _files(source) as (files, shown):
        # the cluster's record of applies: unchanged objects are neither parsed nor read
        desired = load_desired(
            files, namespace, applyset=applyset, applied=partial(applied_record, cluster), note=applying
        )
    errors = [p for p in _named(desired.problems, shown) if p.level is Level.ERROR]
    if errors:
        listed = "; ".join(_said(p) for p in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        raise SourceError(f"the manifests have {len(errors)} error(s): {listed}{more}")
    made = make_plan(
        cluster,
        desired,
        applyset=applyset,
        prune=prune,
        allow_empty=prune,
        replace=replace,
        force_conflicts=force_conflicts,
    )
    return with_preview(cluster, made) if preview and not made.refusals else made


def apply(
    plan_or_source: Plan | Source,
    cluster: Cluster,
    *,
    applyset: str = "default",
    prune: bool = False,
    wait: timedelta | None = None,
) -> ApplyResult:
    """Apply a ``Plan`` (refused if the cluster moved since it was made, or if the cluster would refuse
    part of it) or plan ``source`` and apply that; under the apply lock, then let the cluster settle
    (or run for ``wait``)."""
    with cluster.apply_lock("manikit.apply()"):
        already: set[ObjectKey] = set()
        if isinstance(plan_or_source, Plan):
            chosen = plan_or_source
            already = check_fresh(cluster, chosen)
        else:
            chosen = _planned(
                plan_or_source, cluster, applyset, prune, False, "default", (), False, applying=True
            )
        result = execute(cluster, chosen, skip=already)
    cluster.run(wait)
    refresh_applied(cluster)  # as ``manikit apply``: what the controllers wrote is no work for a plan
    return result


@contextlib.contextmanager
def _files(source: Source) -> Iterator[tuple[list[str], dict[str, str]]]:
    """``source`` as manifest files: paths as they are; text and documents in a temporary file,
    shown as ``<text>`` or ``<documents>`` in problems."""
    paths: list[str] = []
    written: list[tuple[str, str]] = []  # (display name, YAML text)
    items = [source] if isinstance(source, (str, os.PathLike, Mapping)) else list(source)
    documents = [item for item in items if isinstance(item, Mapping)]
    for item in items:
        if isinstance(item, str) and "\n" in item:
            written.append((TEXT_NAME, item))
        elif isinstance(item, (str, os.PathLike)):
            paths.append(os.fspath(item))
    if documents:
        written.append((DOCUMENTS_NAME, "\n---\n".join(dump_yaml(dict(d)) for d in documents) + "\n"))
    with tempfile.TemporaryDirectory(prefix="manikit-") as tmp:
        shown: dict[str, str] = {}
        for index, (name, text) in enumerate(written):
            path = Path(tmp) / f"input-{index}.yaml"
            path.write_text(text, encoding="utf-8")
            shown[str(path)] = name
        yield [*expand_paths(paths), *shown], shown


def _said(problem: Problem) -> str:
    return f"{problem.location()}: {problem.path + ': ' if problem.path else ''}{problem.message}"


def _named(problems: list[Problem], shown: dict[str, str]) -> list[Problem]:
    return [dataclasses.replace(p, file=shown.get(p.file, p.file)) for p in problems]
