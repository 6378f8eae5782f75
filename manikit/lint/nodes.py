"""The nodes the capacity rules check against: Node manifests, the same files the control plane uses."""

from __future__ import annotations

from collections.abc import Sequence

from manikit.diagnostics import Level
from manikit.errors import ConfigError
from manikit.lint.findings import NodeCapacity
from manikit.models.node import Node
from manikit.source.documents import load_file
from manikit.source.reader import expand_paths
from manikit.validate.validator import validate_document


def load_nodes(paths: Sequence[str]) -> tuple[NodeCapacity, ...]:
    """Every Node in ``paths`` (files or directories); other kinds there are ignored.

    A nodes file that does not validate, or holds no Node, is a ConfigError: the capacity rules would
    otherwise be silently off.
    """
    if not paths:
        return ()
    nodes: list[NodeCapacity] = []
    for file in expand_paths(paths):
        loaded = load_file(file)
        errors = [p for p in loaded.problems if p.level >= Level.ERROR]
        for doc in loaded.documents:
            if doc.kind != "Node":
                continue
            model, problems = validate_document(doc)
            errors.extend(p for p in problems if p.level >= Level.ERROR)
            if isinstance(model, Node):
                allocatable = {name: q.value for name, q in model.allocatable().items()}
                nodes.append(NodeCapacity(model.name, allocatable))
        if errors:
            raise ConfigError(f"nodes file: {errors[0].headline()}")
    if not nodes:
        raise ConfigError(f"no Node manifest in {', '.join(paths)}; the capacity rules need at least one")
    return tuple(nodes)
