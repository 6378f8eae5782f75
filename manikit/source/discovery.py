"""Which files are Kubernetes manifests: the files below the paths given, minus what is passed over.

Passed over, with a notice, never an error: Helm charts (a directory holding ``Chart.yaml``: its
templates are Go templates, rendered by ``helm template``, not manikit), the values files of a
template tree, and YAML/JSON files none of whose documents has ``apiVersion`` or ``kind`` (workflows,
compose files, ``package.json``): see ``looks_like_kubernetes``, applied once a file is parsed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from manikit.source.reader import TEMPLATE_SUFFIX, VALUES_DIR, VALUES_FILE, expand_paths, is_manifest_file

HELM_CHART_FILE = "Chart.yaml"
_MAX_CHART_DEPTH = 8  # how far up from a file a Chart.yaml is looked for (charts/<sub>/templates/x/...)


@dataclass(slots=True)
class Discovery:
    """The files to read, and what was passed over before reading (Helm charts, values files)."""

    files: list[str] = field(default_factory=list)
    helm_charts: list[str] = field(default_factory=list)  # chart directories, each once
    values_files: list[str] = field(default_factory=list)


def discover(paths: Sequence[str], exclude: Iterable[str] = ()) -> Discovery:
    """Files named, and manifest files below directories named (``exclude`` globs left out); Helm
    charts and values files set aside. A path that does not exist is a SourceError."""
    found = Discovery()
    charts: dict[str, None] = {}
    for name in expand_paths(paths, exclude):
        if name == "-":
            found.files.append(name)
            continue
        path = Path(name)
        chart = helm_chart_of(path)
        if chart is not None:
            charts.setdefault(chart.as_posix(), None)
        elif is_values_file(path):
            found.values_files.append(name)
        else:
            found.files.append(name)
    found.helm_charts = list(charts)
    return found


def helm_chart_of(path: Path) -> Path | None:
    """The Helm chart directory ``path`` belongs to (the nearest parent holding Chart.yaml), or None."""
    return _chart_of_dir(path.parent.absolute(), path.parent)


@lru_cache(maxsize=4096)
def _chart_of_dir(directory: Path, shown: Path) -> Path | None:
    for depth, candidate in enumerate((directory, *directory.parents)):
        if depth >= _MAX_CHART_DEPTH:
            return None
        if (candidate / HELM_CHART_FILE).is_file():
            return _shown_as(candidate, directory, shown)
        if (candidate / ".git").exists():
            return None
    return None


def _shown_as(chart: Path, directory: Path, shown: Path) -> Path:
    """The chart directory named as the user named its file (relative stays relative)."""
    up = len(directory.relative_to(chart).parts)
    result = shown
    for _ in range(up):
        result = result.parent
    return result


def is_values_file(path: Path) -> bool:
    """``manikit.values.yaml`` and the ``values/`` files beside it: template values, never manifests."""
    if path.name == VALUES_FILE:
        return True
    parent = path.parent
    return parent.name == VALUES_DIR and (parent.parent / VALUES_FILE).is_file()


def looks_like_kubernetes(data: Any) -> bool:
    """A document that means to be a Kubernetes object: a mapping with apiVersion or kind."""
    return isinstance(data, dict) and ("apiVersion" in data or "kind" in data)


def holds_manifests(documents: Iterable[Any]) -> bool:
    """A file is judged as Kubernetes when one of its parsed documents looks like an object, or when
    nothing in it could be parsed (its problems then speak for it)."""
    datas = list(documents)
    return not datas or any(looks_like_kubernetes(d) for d in datas)


def template_tree_of(path: Path) -> Path | None:
    """The template tree (directory holding manikit.values.yaml) at or above ``path``'s directory."""
    directory = path.parent.absolute()
    for candidate in (directory, *directory.parents):
        if (candidate / VALUES_FILE).is_file():
            return candidate
        if (candidate / ".git").exists():
            return None
    return None


def affected_by(changed: Iterable[str], candidates: Iterable[str]) -> set[str]:
    """Of ``candidates``, the files whose findings a change to ``changed`` can alter: the changed files
    themselves, and every template of a tree whose partial (``_helpers.j2``) or values file changed."""
    wanted = {str(Path(name).absolute()) for name in changed}
    trees = {
        tree
        for name in changed
        if (is_values_file(Path(name)) or _is_partial(name)) and (tree := template_tree_of(Path(name)))
    }
    found: set[str] = set()
    for name in candidates:
        path = Path(name).absolute()
        if str(path) in wanted or (
            name.lower().endswith(TEMPLATE_SUFFIX) and any(path.is_relative_to(t) for t in trees)
        ):
            found.add(name)
    return found


def _is_partial(name: str) -> bool:
    """A ``*.j2`` file that is not rendered as a manifest of its own (``_helpers.j2``)."""
    return name.lower().endswith(TEMPLATE_SUFFIX) and not is_manifest_file(Path(name))
