"""The desired side of a plan: manifests loaded, validated and defaulted by the API's own function.

A big file is cut into pieces of whole documents (validate/pieces.py), validated and defaulted in
worker processes, and joined back in file order, positions exact. Workers send back plain data, never
models: each object's defaulted body and manifest as written, with the digest a plan compares to find
it unchanged; an object the state's record names as applied from the same manifest is sent packed and
undefaulted instead (plan/packed.py), so that a plan of many unchanged objects neither defaults nor
reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from manikit.cluster.recorded import AppliedRecord
from manikit.diagnostics import Level, Problem
from manikit.kinds.registry import KIND_RULES
from manikit.models.meta import TypeMeta
from manikit.models.registry import is_namespaced
from manikit.plan.actions import Body, ObjectKey
from manikit.plan.changes import Desired
from manikit.plan.normalize import desired_body
from manikit.plan.packed import Packed, keys_are_strings, written
from manikit.plan.textual import (
    FileText,
    Skipping,
    file_text,
    known_texts,
    note_texts,
    read_file_source,
    skips_known,
    takes_part,
    text_salt,
)
from manikit.plan.unchanged import digest_of_sent
from manikit.source.reader import SourceText
from manikit.source.values import RenderOptions
from manikit.validate import admitted
from manikit.validate.pieces import PieceResult, Task, group_by_file, plan_tasks, pool_map, uses_workers
from manikit.validate.pipeline import (
    FileOutcome,
    duplicate_problems,
    join_pieces,
    validate_file,
    validate_task,
    worker_count,
)

Loaded = tuple[FileOutcome, list[Desired]]
#: what the state recorded of manikit's applies: (kind, namespace, name) -> the digest of the manifest
Applied = Mapping[tuple[str, str, str], str]
#: reads what the state recorded (``manikit.cluster.recorded``): its record, or only the digests
AppliedHint = Callable[[], AppliedRecord | Applied | None]


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


def _defaulted(outcome: FileOutcome, namespace: str, packing: Packing | None = None) -> Loaded:
    """The outcome's objects defaulted, as plain data (packed with ``packing``: in a worker process);
    the outcome keeps no models."""
    desired = []
    for v in outcome.objects:
        source = f"{v.doc.file}:{v.doc.line}"
        if packing is None:
            body = desired_body(v.obj, namespace, owned=True)
            desired.append(Desired(body, source, as_written(v.doc.data, body)))
        else:
            desired.append(packing.pack(v.obj, source, v.doc.data, namespace, aliased=v.doc.aliased))
    outcome.objects = []
    return outcome, desired


@dataclass(frozen=True)
class Packing:
    """How a worker process sends its objects: with the digest of what apply would send in
    ``applyset`` (``manikit.plan.unchanged``) when one is given, computed on every core. An object
    whose digest ``applied`` records (what the state said of manikit's applies before loading) is
    sent packed and not defaulted: the plan will most likely not read it, and unpacks (and defaults)
    it only if it does. The rest are sent as plain data, which pickling (one memo for all the
    objects of a piece) sends and reads back faster than unpacking each object on its own.
    """

    applyset: str | None
    applied: Applied | None = None

    def pack(self, obj: TypeMeta, source: str, data: Any, namespace: str, *, aliased: bool = True) -> Desired:
        """``obj``, loaded from ``data`` (its document's, which the caller no longer reads), as sent.
        Unless ``aliased`` (its document uses a YAML alias), the manifest shares ``data``'s nodes:
        they are pickled once each, as a copy's would be (see ``shares_data``)."""
        ns = _defaulted_namespace(obj, namespace)
        key = ObjectKey(obj.kind, ns or "", obj.metadata.name or "", obj.api_version)
        shared = shares_data(data, aliased)
        manifest = written(data, ns, copy=False, plain=shared)
        sent = None if self.applyset is None else (self.applyset, digest_of_sent(manifest, self.applyset))
        recorded = None if self.applied is None else self.applied.get((key.kind, key.namespace, key.name))
        if sent is not None and sent[1] is not None and recorded == sent[1]:
            packed = Packed.of(None, manifest, namespace)
            if packed is not None:
                return Desired.packed(key, source, packed, sent)
        body = desired_body(obj, namespace, owned=True)
        if shared:  # as ``as_written`` makes it, without its copy of the nodes below the top
            return Desired(
                body, source, written(data, _body_namespace(body), copy=False, plain=True), sent=sent
            )
        return Desired(body, source, as_written(data, body), sent=sent)


def shares_data(data: Any, aliased: bool) -> bool:
    """Whether a manifest sent from a worker may share ``data``'s nodes instead of copying them
    (``packed.written``): when its document uses no alias, no node of ``data`` is in it twice, and
    its keys are text (only an alias can make a key another scalar): its nodes copied would be the
    same tree. With an alias the copy is what makes each use of a shared node a node of its own, as
    the sequential path's manifest has them."""
    return not aliased and keys_are_strings(data)


def _defaulted_namespace(obj: TypeMeta, namespace: str) -> str | None:
    """The namespace defaulting gives ``obj`` (``apply_defaults``), without defaulting it."""
    if obj.metadata.namespace:
        return obj.metadata.namespace
    rules = KIND_RULES.get(obj.kind)
    return namespace if (rules.namespaced if rules is not None else is_namespaced(obj.kind)) else None


def _desired_task(
    task: Task, namespace: str, render: RenderOptions | None, packing: Packing | None
) -> Loaded | PieceResult[Loaded]:
    """A whole file, or one piece of a big one, loaded (in a worker when ``packing``)."""
    done = validate_task(task, render, keep_objects=True)
    if isinstance(done, PieceResult):
        return PieceResult(
            _defaulted(done.result, namespace, packing), done.yaml_documents, done.kubernetes, done.whole_file
        )
    return _defaulted(done, namespace, packing)


def _joined(parts: Sequence[PieceResult[Loaded]]) -> Loaded | None:
    """A big file's pieces as the file's own result; None when it must be loaded whole."""
    outcome = join_pieces(
        [PieceResult(p.result[0], p.yaml_documents, p.kubernetes, p.whole_file) for p in parts]
    )
    if outcome is None:
        return None
    return outcome, [] if outcome.not_manifest else [d for p in parts for d in p.result[1]]


def _load_files(
    files: Sequence[str],
    namespace: str,
    jobs: int | None,
    render: RenderOptions | None,
    packing: Packing,
    applied: AppliedHint | None,
    noting: bool,
    meanwhile: Callable[[], object] | None = None,
) -> list[Loaded]:
    """Each file's result, in input order; a big file in pieces when there are several workers, its
    documents known from their text taken as they are (``manikit.plan.textual``)."""
    workers = worker_count(files, jobs)
    big = _big_files(files, packing.applyset)
    record = _record(applied) if big and applied is not None else None
    # the files are cut and digested only when an apply will note them or the record names some text
    may_skip = record is not None and bool(record.extras) and skips_known()
    texts: dict[str, FileText] = {}
    if noting and not may_skip and packing.applyset is not None:
        # nothing to skip: the files are read once now, cut and digested (for the notes, at the end)
        # while the workers parse them
        read = {name: source for name in dict.fromkeys(big) if (source := read_file_source(name)) is not None}
        meanwhile = partial(_cut_meanwhile, texts, read, text_salt(namespace, packing.applyset), meanwhile)
    elif noting or may_skip:
        texts = _file_texts(big, namespace, packing.applyset)
        read = {name: SourceText(text.display, text.text) for name, text in texts.items()}  # read once
    else:
        read = {}
    skipping = _skipping(texts, record, packing.applyset)
    tasks: list[Task] = []
    for name in files:
        tasks.extend(skipping[name].tasks(workers) if name in skipping else plan_tasks([name], workers, read))
    in_workers = uses_workers(tasks, workers)
    if in_workers and applied is not None:
        record = record if big else _record(applied)
        packing = replace(packing, applied=None if record is None else record.digests)
    work = partial(_desired_task, namespace=namespace, render=render, packing=packing if in_workers else None)
    groups = iter(group_by_file(tasks, pool_map(tasks, work, workers, meanwhile)))
    loaded: list[Loaded] = []
    for name in files:
        skip = skipping.get(name)
        parts = next(groups)[1] if skip is None or skip.misses else []
        if skip is not None:
            loaded.append(_skipped(skip, parts, namespace, render))
        elif len(parts) == 1 and not isinstance(parts[0], PieceResult):
            loaded.append(parts[0])
        else:
            pieces = [p for p in parts if isinstance(p, PieceResult)]
            loaded.append(_joined(pieces) or desired_file(name, namespace, render))
        if noting and name in texts and packing.applyset is not None:
            note_texts(texts[name], *loaded[-1], packing.applyset)
    return loaded


def _cut_meanwhile(
    texts: dict[str, FileText],
    read: Mapping[str, SourceText],
    salt: bytes,
    then: Callable[[], object] | None,
) -> None:
    """``texts`` filled with the files ``read``, cut into documents (``file_text``); then ``then``."""
    for name, source in read.items():
        text = file_text(name, salt, source)
        if text is not None:
            texts[name] = text
    if then is not None:
        then()


def _record(applied: AppliedHint) -> AppliedRecord | None:
    hint = applied()
    return hint if hint is None or isinstance(hint, AppliedRecord) else AppliedRecord(dict(hint))


def _big_files(files: Sequence[str], applyset: str | None) -> list[str]:
    """The files that may hold documents known from their text: big plain YAML files, and only when
    the apply set is known (the digest of a document's text is salted with it)."""
    return [name for name in dict.fromkeys(files) if takes_part(name)] if applyset is not None else []


def _file_texts(names: Sequence[str], namespace: str, applyset: str | None) -> dict[str, FileText]:
    """``names`` (``_big_files``) cut into documents."""
    if applyset is None or not names:
        return {}
    salt = text_salt(namespace, applyset)
    return {name: text for name in names if (text := file_text(name, salt)) is not None}


def _skipping(
    texts: Mapping[str, FileText], record: AppliedRecord | None, applyset: str | None
) -> dict[str, Skipping]:
    if record is None or applyset is None or not skips_known():
        return {}
    known = known_texts(record)
    if not known:
        return {}
    found = {name: Skipping.of(text, known, applyset) for name, text in texts.items()}
    return {name: skip for name, skip in found.items() if skip is not None}


def _skipped(
    skip: Skipping,
    parts: Sequence[Loaded | PieceResult[Loaded]],
    namespace: str,
    render: RenderOptions | None,
) -> Loaded:
    """A file whose known documents were not parsed: the rest's result completed with them."""
    pieces = [p for p in parts if isinstance(p, PieceResult)]
    if not pieces:
        outcome = FileOutcome(name=skip.file.display)
        return outcome, skip.joined(outcome, [], namespace)
    pieces[0].kubernetes = True  # the known documents are Kubernetes objects
    joined = _joined(pieces)
    if joined is None:  # the rest's parse stopped, or found nothing: the whole file, the usual way
        return desired_file(skip.file.name, namespace, render)
    outcome, desired = joined
    return outcome, skip.joined(outcome, desired, namespace)


def as_written(data: Any, body: Body) -> Body:
    """The manifest as its file says it (``packed.written``), with the namespace the object gets (its
    ``body``'s)."""
    return written(data, _body_namespace(body))


def _body_namespace(body: Body) -> Any:
    return (body.get("metadata") or {}).get("namespace")


def load_desired(
    files: Sequence[str],
    namespace: str = "default",
    jobs: int | None = None,
    render: RenderOptions | None = None,
    applyset: str | None = None,
    applied: AppliedHint | None = None,
    *,
    admit: bool = False,
    note: bool | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> DesiredSet:
    """Every valid object of ``files``, defaulted; problems (errors included) are returned, not raised.
    ``applyset``: the apply set a plan will be made in, if known (a big input's workers then compute
    what ``manikit.plan.unchanged`` compares, so that unchanged objects are never unpacked);
    ``applied``: reads what the state recorded of manikit's applies (``manikit.cluster.recorded``),
    called when workers load the files or a big file may hold documents known from their text (the
    workers then leave the defaulting of the objects it names as unchanged to the plan, which does it
    only for those it reads after all; known documents are not parsed: ``manikit.plan.textual``).
    With ``admit`` (to apply them in this process), the API keeps what loading admitted of each
    object of a file without problems, and does not admit them again (``validate.admitted``); an
    object still packed is left out (the API admits it in full if the plan changes it after all).
    ``note`` (default: ``admit``): the objects are to be applied, so each says what apply notes of
    its document's text (``Desired.text``; with ``applyset`` only). ``meanwhile``: called once while
    worker processes load the files (``validate.pieces.pool_map``), or before loading without them."""
    noting = admit if note is None else note
    results = _load_files(files, namespace, jobs, render, Packing(applyset), applied, noting, meanwhile)
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
            if d.unpacked and d.manifest is not None and d.source.rpartition(":")[0] not in flawed
        )
    return out
