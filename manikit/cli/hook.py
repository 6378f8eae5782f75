"""Hook mode (pre-commit): which files to read for context, and which to report on.

pre-commit hands over the changed files. Cross-object rules need the rest of the tree (a Service
committed alone must not "select nothing"), so the whole tree below the current directory is read,
and only the findings on the changed files, and on the templates a changed partial or values file
affects, are kept. A changed ``values/*.yaml`` also renders its tree's templates with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from manikit.cli.common import NothingToCheck
from manikit.source.discovery import affected_by, discover, is_values_file, template_tree_of
from manikit.source.reader import TEMPLATE_SUFFIX, VALUES_FILE, expand_paths


@dataclass(slots=True)
class HookScope:
    files: list[str]  # the whole tree: what is read
    report_on: set[str]  # what findings are kept on
    values_renders: list[tuple[str, list[str]]] = field(default_factory=list)  # (values file, templates)


def hook_scope(changed: Sequence[str], exclude: Sequence[str]) -> HookScope:
    """The scope of one hook run; NothingToCheck when every changed file is excluded or none matters."""
    kept = expand_paths([c for c in changed if Path(c).exists()], exclude)
    if not kept:
        raise NothingToCheck()
    tree = discover(["."], exclude).files
    report_on = affected_by(kept, tree)
    renders = []
    for name in kept:
        root = template_tree_of(Path(name))
        if root is not None and is_values_file(Path(name)) and Path(name).name != VALUES_FILE:
            templates = [t for t in tree if t.lower().endswith(TEMPLATE_SUFFIX) and _inside(t, root)]
            renders.append((name, templates))
    if not report_on:
        raise NothingToCheck()
    return HookScope(tree, report_on, renders)


def _inside(name: str, root: Path) -> bool:
    return Path(name).absolute().is_relative_to(root)
