"""Documents -> typed objects and Problems: apiVersion/kind checks, model validation, duplicates.

Every problem is found, not just the first per object. Kinds manikit does not model are passed over
with a notice and still take part in duplicate detection.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePath

from pydantic import ValidationError

from manikit.diagnostics import Level, Problem
from manikit.models.meta import TypeMeta
from manikit.models.registry import KINDS, KINDS_BY_NAME, REMOVED_APIS, object_namespace
from manikit.source.documents import Document
from manikit.validate.pydantic_errors import problems_from_validation_error
from manikit.validate.semantic import field_problem, server_problems, unknown_kind, validate_model

_PATCH_DIRS = frozenset({"overlays", "overlay", "patches", "patch"})
_MODELS: dict[tuple[str, str], type[TypeMeta]] = {}  # each kind's model class, once imported


@dataclass(slots=True)
class ValidObject:
    """A document that validated into a model."""

    doc: Document
    obj: TypeMeta


@dataclass(slots=True)
class ValidationResult:
    objects: list[ValidObject] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    documents: int = 0
    passed_over: Counter[str] = field(default_factory=Counter)

    def extend(self, other: ValidationResult) -> None:
        self.objects.extend(other.objects)
        self.problems.extend(other.problems)
        self.documents += other.documents
        self.passed_over.update(other.passed_over)


def validate_documents(docs: Iterable[Document], *, keep_objects: bool = True) -> ValidationResult:
    """Validate each document on its own (duplicates across documents: see find_duplicates)."""
    result = ValidationResult()
    for doc in docs:
        result.documents += 1
        obj, problems = validate_document(doc)
        result.problems.extend(problems)
        if obj is not None and keep_objects:
            result.objects.append(ValidObject(doc, obj))
        elif obj is None and not problems and isinstance(doc.kind, str):
            result.passed_over[doc.kind] += 1
    return result


def validate_document(doc: Document) -> tuple[TypeMeta | None, list[Problem]]:
    """The model of one document, or None; plus its problems (notices included)."""
    data = doc.data
    if not isinstance(data, dict):
        mark = doc.locate(())
        what = "a list" if isinstance(data, list) else f"the scalar {data!r}"
        return None, [
            _problem(
                doc,
                mark.line,
                mark.col,
                "MK006",
                "missing-type",
                Level.ERROR,
                f"a manifest must be a mapping with apiVersion and kind, not {what}",
            )
        ]
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if not (api_version and kind and isinstance(api_version, str) and isinstance(kind, str)):
        missing = [k for k in ("apiVersion", "kind") if not isinstance(data.get(k), str) or not data.get(k)]
        names = " and ".join(f"'{k}'" for k in missing)
        mark = doc.locate(())
        return None, [
            _problem(
                doc,
                mark.line,
                mark.col,
                "MK006",
                "missing-type",
                Level.ERROR,
                f"missing {names} key: every manifest needs apiVersion and kind",
            )
        ]
    api_version, kind = api_version.strip(), kind.strip()
    key = (api_version, kind)
    info = KINDS.get(key)
    if info is None:
        found = _unmodelled(doc, api_version, kind) or unknown_kind(doc, api_version, kind)
        if found:
            return None, found
        # another kind: its pod template's resources are still checked (the pod models only now)
        from manikit.kinds.pod_templates import validate_template_resources

        return None, [field_problem(doc, e) for e in validate_template_resources(data)]
    model = _MODELS.get(key) or _MODELS.setdefault(key, info.model)  # (imported on first use)
    try:
        obj = validate_model(model, data)
    except ValidationError as exc:
        problems = problems_from_validation_error(exc, doc, model)
        return None, _maybe_patch(doc, problems)
    return obj, _maybe_patch(doc, server_problems(doc, obj))  # a patch may leave out required values


def _unmodelled(doc: Document, api_version: str, kind: str) -> list[Problem]:
    replacement = REMOVED_APIS.get((api_version, kind))
    if replacement is not None:
        code, name = "MK007", "removed-api-version"
        message = f"{kind} {api_version} was removed in Kubernetes 1.16; use apiVersion: {replacement}"
    elif (known := KINDS_BY_NAME.get(kind)) is not None:
        code, name = "MK013", "wrong-api-version"
        message = f'{kind} is served as apiVersion "{known.api_version}", not "{api_version}"'
    else:
        return []  # another kind: passed over (counted by the caller), never an error
    mark = doc.locate(("apiVersion",))  # only now: locating parses the file's positions
    return [_problem(doc, mark.line, mark.col, code, name, Level.ERROR, message, "apiVersion")]


def _maybe_patch(doc: Document, problems: list[Problem]) -> list[Problem]:
    """A kustomize patch is a partial object: its missing fields come from the base it patches.

    A document is taken for one when it uses ``$patch`` directives, or sits in a file named *.patch.*
    or in an overlays/ or patches/ directory and lacks only required fields.
    """
    if not problems:
        return problems
    directives = [p for p in problems if p.code == "MK002" and p.path.rsplit(".", 1)[-1].startswith("$")]
    rest = [p for p in problems if p not in directives]
    if not problems or any(p.code != "MK003" for p in rest):
        return problems
    if not directives and not _looks_like_patch_location(doc.file):
        return problems
    fields = ", ".join(sorted({p.path for p in rest})) or "none missing"
    return [
        _problem(
            doc,
            doc.line,
            1,
            "MK014",
            "partial-object",
            Level.INFO,
            f"looks like a kustomize patch, not a whole object; required fields not checked ({fields})",
        )
    ]


def _looks_like_patch_location(file: str) -> bool:
    path = PurePath(file)
    parts = {p.lower() for p in path.parts[:-1]}
    return bool(parts & _PATCH_DIRS) or ".patch." in path.name.lower()


def find_duplicates(docs: Iterable[Document], default_namespace: str = "default") -> list[Problem]:
    """Two documents for the same object (group, kind, namespace after defaulting, name)."""
    seen: dict[tuple[str, str, str, str], Document] = {}
    problems: list[Problem] = []
    for doc in docs:
        if not isinstance(doc.kind, str) or not isinstance(doc.api_version, str) or not doc.name:
            continue
        key = object_identity(doc.api_version, doc.kind, doc.namespace, doc.name, default_namespace)
        namespace = key[2]
        first = seen.get(key)
        if first is None:
            seen[key] = doc
            continue
        mark = doc.locate(("metadata", "name"))
        where = f' in namespace "{namespace}"' if namespace else ""
        problems.append(
            _problem(
                doc,
                mark.line,
                mark.col,
                "MK201",
                "duplicate-object",
                Level.ERROR,
                f'{doc.kind} "{doc.name}"{where} is already defined at '
                f"{first.file}:{first.line}; object names are unique per kind and namespace",
                "metadata.name",
            )
        )
    return problems


def object_identity(
    api_version: str, kind: str, namespace: str | None, name: str, default_namespace: str = "default"
) -> tuple[str, str, str, str]:
    """(group, kind, namespace after defaulting, name): what makes two manifests the same object."""
    ns = object_namespace(kind, namespace, default_namespace)
    return (api_version.rpartition("/")[0], kind, ns, name)


def _problem(
    doc: Document, line: int, col: int, code: str, name: str, level: Level, message: str, path: str = ""
) -> Problem:
    return Problem(doc.file, line, col, code, name, level, message, path, doc.ref())
