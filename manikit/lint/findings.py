"""What a rule yields (a Finding at a path of one document) and how it becomes a positioned Problem.

Positions are looked up only here, for findings, so that clean documents are never indexed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel

from manikit.diagnostics import Level, Problem
from manikit.lint.walk import PodAt
from manikit.models.meta import TypeMeta
from manikit.source.documents import Document
from manikit.source.positions import Path
from manikit.validate.pydantic_errors import display_path

OptionsT = TypeVar("OptionsT", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a rule flags: where in the document (a data path), what, and how to fix it."""

    path: Path
    message: str
    hint: str = ""
    key: bool = False  # point at the mapping key of ``path`` rather than its value


class DocRef(NamedTuple):
    """A document named by where it sits, small enough to send between processes (a tuple pickles fast)."""

    file: str
    doc_index: int  # the YAML document's index within the file
    root: Path
    ref: str  # Kind/namespace/name, for messages


@dataclass(frozen=True, slots=True)
class SetFinding:
    """A finding of a cross-object rule: on which document, and where in it."""

    doc: DocRef
    finding: Finding


@dataclass(frozen=True, slots=True)
class NodeCapacity:
    """A configured node as the capacity rules see it: its allocatable resources, exactly."""

    name: str
    allocatable: dict[str, Fraction]


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a rule is given besides the object: its options and the configured nodes."""

    options: BaseModel
    nodes: tuple[NodeCapacity, ...] = ()

    def options_as(self, model: type[OptionsT]) -> OptionsT:
        if not isinstance(self.options, model):
            raise TypeError(f"rule options are {type(self.options).__name__}, not {model.__name__}")
        return self.options


class LintObject(NamedTuple):
    """One document and, when it validated, its typed model (None for kinds manikit does not model).
    A tuple: one is made per object, and a frozen dataclass costs several times as much to make."""

    doc: Document
    model: TypeMeta | None
    pod: PodAt | None = None  # the pod spec it runs (a Pod's, or a workload's template), walked once

    @property
    def data(self) -> Any:
        return self.doc.data


class Identity(NamedTuple):
    """What names a document, read from its data once per object (``Document``'s properties read it
    again on every call): its kind (None when not a string), name ("" when unset) and namespace as
    written (None when unset or empty), and its metadata mapping."""

    kind: str | None
    name: str
    namespace: str | None
    meta: dict[str, Any] | None

    def ref(self) -> str:
        """Kind/namespace/name for messages: what ``Document.ref`` gives."""
        kind = self.kind or "object"
        name = self.name or "<unnamed>"
        return f"{kind}/{self.namespace}/{name}" if self.namespace else f"{kind}/{name}"


def identify(data: dict[str, Any]) -> Identity:
    """The identity of a document's mapping (as ``Document.kind``, ``.name`` and ``.namespace`` see it)."""
    kind = data.get("kind")
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        return Identity(kind if isinstance(kind, str) else None, "", None, None)
    name = meta.get("name")
    namespace = meta.get("namespace")
    return Identity(
        kind if isinstance(kind, str) else None,
        name if isinstance(name, str) else "",
        namespace if isinstance(namespace, str) and namespace else None,
        meta,
    )


def doc_ref(doc: Document, ident: Identity | None = None) -> DocRef:
    ref = ident.ref() if ident is not None else doc.ref()
    return DocRef(doc.file, doc.index, doc.root, ref)


def to_problem(doc: Document, code: str, name: str, level: Level, finding: Finding) -> Problem:
    """Locate ``finding`` in ``doc`` (parsing positions now, if not yet) and make it a Problem."""
    mark = doc.locate(finding.path, key=finding.key)
    return Problem(
        doc.file,
        mark.line,
        mark.col,
        code,
        name,
        level,
        finding.message,
        display_path(doc.data, finding.path),
        doc.ref(),
        finding.hint,
    )


class NoOptions(BaseModel):
    """For rules without options: any key given in the config is an error."""

    model_config = {"extra": "forbid", "defer_build": True}
