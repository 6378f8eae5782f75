"""Documents known from their text (``manikit.plan.textual``): a load that takes them from apply's
notes says exactly what parsing every document says (``MANIKIT_PARSE_EVERY_DOCUMENT=1``), and so
does the plan made from it, for any edit of an applied stream."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from manikit.apply.executor import execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.cluster.recorded import TEXT_TOPIC, applied_record
from manikit.errors import PlanError
from manikit.plan import textual
from manikit.plan.desired import DesiredSet, load_desired
from manikit.plan.planner import make_plan
from manikit.plan.render.json_format import render_json
from manikit.plan.render.text import render_text
from manikit.plan.textrecord import TextRecord
from manikit.source.reader import SourceText

NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n"
CONFIGMAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: shop\ndata:\n  key: value-{i}\n"
)
SERVICE = (
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\n"  # the namespace is -n's
    "spec:\n  selector: {{app: web-{i}}}\n  ports: [{{port: 80}}]\n"
)
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  namespace: shop
  labels: {{app: web-{i}}}
spec:
  replicas: 0
  selector:
    matchLabels: {{app: web-{i}}}
  template:
    metadata:
      labels: {{app: web-{i}}}
    spec:
      containers:
        - name: web
          image: nginx:1.27.{i}
"""
SECRET = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: key-{i}\n  namespace: shop\n"  # not managed here
DOCS = [NAMESPACE] + [t.format(i=i) for i in range(3) for t in (CONFIGMAP, SERVICE, DEPLOYMENT, SECRET)]
MANAGED = len(DOCS) - 3


@pytest.fixture(autouse=True, scope="module")
def every_file_takes_part() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textual, "TEXT_MIN_BYTES", 0)
        yield


@contextmanager
def parsing_everything(on: bool) -> Iterator[None]:
    before = os.environ.get(textual.SKIP_ENV)
    os.environ[textual.SKIP_ENV] = "1" if on else "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ[textual.SKIP_ENV]
        else:
            os.environ[textual.SKIP_ENV] = before


def stream(docs: list[str]) -> str:
    return "# made by a tool\n---\n" + "---\n".join(docs)


def applied(path: Path, namespace: str = "default", applyset: str = "default") -> LocalCluster:
    """A state where the stream at ``path`` was applied, as ``manikit apply`` loads and applies it."""
    cluster = open_cluster(default_cluster=False)
    loaded = load_desired([str(path)], namespace, applyset=applyset, note=True)
    assert loaded.errors == []
    execute(cluster, make_plan(cluster, loaded, applyset=applyset))
    return cluster


def load(
    cluster: LocalCluster, path: Path, namespace: str, applyset: str, jobs: int | None = None
) -> DesiredSet:
    return load_desired([str(path)], namespace, jobs, None, applyset, lambda: applied_record(cluster))


def seen(cluster: LocalCluster, path: Path, namespace: str, applyset: str, jobs: int | None = None) -> Any:
    """Everything a user can see of loading ``path`` and planning it (with --prune)."""
    loaded = load(cluster, path, namespace, applyset, jobs)
    objects = [(d.key, d.key.api_version, d.source, d.body, d.manifest) for d in loaded.objects]
    said = (loaded.problems, loaded.documents, loaded.unmanaged, loaded.not_manifests, objects)
    if loaded.errors:
        return said, None
    try:
        plan = make_plan(cluster, loaded, applyset=applyset, prune=True, allow_empty=True)
    except PlanError as exc:
        return said, str(exc)
    return said, (render_json(plan), [line.text for line in render_text(plan)], plan.counts())


def known(cluster: LocalCluster, path: Path, namespace: str = "default", applyset: str = "default") -> int:
    """How many objects a load takes from their text."""
    return sum(1 for d in load(cluster, path, namespace, applyset).objects if not d.unpacked)


EDITS = st.one_of(
    st.tuples(st.just("change"), st.integers(0, len(DOCS) - 1)),
    st.tuples(st.just("comment"), st.integers(0, len(DOCS) - 1)),
    st.tuples(st.just("swap"), st.integers(0, len(DOCS) - 1), st.integers(0, len(DOCS) - 1)),
    st.tuples(st.just("duplicate"), st.integers(0, len(DOCS) - 1)),
    st.tuples(st.just("delete"), st.integers(0, len(DOCS) - 1)),
    st.tuples(st.just("quiet"), st.integers(0, len(DOCS) - 1)),
    st.tuples(st.just("invalid"), st.integers(0, len(DOCS) - 1)),
    st.tuples(st.just("list"), st.integers(0, len(DOCS) - 1)),
)


def edited(docs: list[str], edits: list[tuple[Any, ...]]) -> list[str]:
    docs = list(docs)
    for op, i, *rest in edits:
        i %= max(1, len(docs))
        if not docs:
            break
        if op == "change":
            docs[i] = docs[i].replace("value-", "changed-").replace("nginx:1.27.", "nginx:1.28.")
            docs[i] = (
                docs[i]
                .replace("port: 80", "port: 81")
                .replace("name: shop\n", "name: shop\n  labels: {a: b}\n")
            )
        elif op == "comment":
            docs[i] = docs[i].replace("\n", "\n# a comment\n", 1) + "  # trailing\n"
        elif op == "swap":
            j = rest[0] % len(docs)
            docs[i], docs[j] = docs[j], docs[i]
        elif op == "duplicate":
            docs.insert(i, docs[i])
        elif op == "delete":
            del docs[i]
        elif op == "quiet":
            docs.insert(i, "# only a comment\n\n")
        elif op == "invalid":
            docs[i] = docs[i].replace("kind: ", "kind: Nonsense", 1) if i % 2 else docs[i] + "spec: [1\n"
        elif op == "list":
            body = "".join(f"  {line}\n" for line in docs[i].splitlines())
            docs[i] = "apiVersion: v1\nkind: List\nitems:\n-\n" + body
    return docs


@settings(max_examples=40, deadline=None)
@given(
    edits=st.lists(EDITS, max_size=4),
    namespace=st.sampled_from(["default", "other"]),
    applyset=st.sampled_from(["default", "blue"]),
    moved=st.none() | st.integers(0, 2),
)
def test_a_load_from_known_texts_is_what_parsing_every_document_says(
    edits: list[tuple[Any, ...]], namespace: str, applyset: str, moved: int | None
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "all.yaml"
        path.write_text(stream(DOCS), encoding="utf-8")
        cluster = applied(path)
        if moved is not None:  # another field manager's write moves the object's resourceVersion
            cm = {
                "apiVersion": "v1",
                "kind": "ConfigMap",
                "metadata": {"name": f"cm-{moved}", "namespace": "shop"},
            }
            cluster.apply({**cm, "data": {"other": "x"}}, manager="someone-else")
        path.write_text(stream(edited(DOCS, edits)), encoding="utf-8")
        with parsing_everything(False):
            fast = seen(cluster, path, namespace, applyset)
        with parsing_everything(True):
            full = seen(cluster, path, namespace, applyset)
    assert fast == full


def test_unchanged_documents_are_not_parsed_and_the_changed_one_is(tmp_path: Path) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    cluster = applied(path)
    path.write_text(stream(edited(DOCS, [("change", 3)])), encoding="utf-8")
    loaded = load(cluster, path, "default", "default")
    parsed = [d.key.name for d in loaded.objects if d.unpacked]
    assert parsed == ["web-0"]
    assert known(cluster, path) == MANAGED - 1
    with parsing_everything(True):
        assert known(cluster, path) == 0


@pytest.mark.parametrize(
    ("namespace", "applyset", "expected"),
    [("default", "default", MANAGED), ("other", "default", 0), ("default", "blue", 0)],
    ids=["same", "another-namespace", "another-applyset"],
)
def test_a_text_is_known_only_with_what_it_was_loaded_with(
    tmp_path: Path, namespace: str, applyset: str, expected: int
) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    assert known(applied(path), path, namespace, applyset) == expected


def test_a_moved_object_is_parsed_with_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    cluster = applied(path)
    cluster.apply(
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "cm-1", "namespace": "shop"},
            "data": {"x": "y"},
        },
        manager="someone-else",
    )
    parsed = [d.key.name for d in load(cluster, path, "default", "default").objects if d.unpacked]
    assert parsed == ["cm-1"]


def test_a_document_of_several_objects_or_with_a_problem_is_not_noted(tmp_path: Path) -> None:
    item = "".join(f"  {line}\n" for line in CONFIGMAP.format(i=9).splitlines())
    docs = [*DOCS, "apiVersion: v1\nkind: List\nitems:\n-\n" + item]
    docs.append(CONFIGMAP.format(i=8) + "...\n# after the end\n")
    path = tmp_path / "all.yaml"
    path.write_text(stream(docs), encoding="utf-8")
    cluster = applied(path)
    notes = cluster.store.notes_of(TEXT_TOPIC)
    noted = {key for key, value in notes.items() if TextRecord.from_note(value) is not None}
    assert "ConfigMap/shop/cm-0" in noted
    assert "ConfigMap/shop/cm-9" not in noted  # a List item
    assert "ConfigMap/shop/cm-8" not in noted  # a text that could hold another document
    assert len(noted) == MANAGED


def test_workers_load_the_rest_as_one_process_does(tmp_path: Path) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    cluster = applied(path)
    path.write_text(stream(edited(DOCS, [("change", 1), ("change", 7), ("invalid", 5)])), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(textual, "PIECE_MIN_BYTES", 50)
        with parsing_everything(False):
            pieces = seen(cluster, path, "default", "default", jobs=2)
    with parsing_everything(True):
        assert pieces == seen(cluster, path, "default", "default", jobs=1)


def test_a_text_noted_by_other_code_is_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another build of manikit (any module changed) may say other things of the same text."""
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    cluster = applied(path)
    assert known(cluster, path) == MANAGED
    monkeypatch.setattr(textual, "code_fingerprint", lambda: b"code another build\n")
    assert known(cluster, path) == 0


def test_the_code_fingerprint_follows_the_modules(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    module = tmp_path / "pkg" / "rules.py"
    module.write_text("LIMIT = 1\n")
    (tmp_path / "notes.txt").write_text("not code")
    first = textual.fingerprint(tmp_path)
    assert first == textual.fingerprint(tmp_path)
    (tmp_path / "notes.txt").write_text("still not code, longer")
    assert textual.fingerprint(tmp_path) == first
    module.write_text("LIMIT = 10\n")
    assert textual.fingerprint(tmp_path) != first
    assert textual.code_fingerprint().startswith(b"code ")


def test_a_stale_record_still_makes_the_same_plan(tmp_path: Path) -> None:
    """The record is peeked at before the state is opened: a write in between leaves a document
    taken from its note (a note of a text says what that text loads into, whatever the cluster holds
    since), and the plan, which reads the record again, reads that object."""
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    cluster = applied(path)
    before = applied_record(cluster)
    cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-1", "namespace": "shop"}}
    cluster.apply({**cm, "data": {"key": "theirs"}}, manager="someone-else", force=True)
    stale = load_desired([str(path)], "default", None, None, "default", lambda: before)
    assert all(not d.unpacked for d in stale.objects)
    plan = make_plan(cluster, stale, applyset="default")
    with parsing_everything(True):
        assert plan == make_plan(cluster, load(cluster, path, "default", "default"), applyset="default")
    assert [str(r.key) for r in plan.refusals] + [str(c.key) for c in plan.changes] == ["ConfigMap/shop/cm-1"]


@pytest.mark.parametrize(("note", "expected"), [(False, 0), (True, MANAGED)], ids=["plan", "apply"])
def test_only_a_load_to_apply_says_what_to_note(tmp_path: Path, note: bool, expected: int) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    loaded = load_desired([str(path)], "default", applyset="default", note=note)
    assert sum(1 for d in loaded.objects if d.text is not None) == expected


@pytest.mark.parametrize(
    ("noted", "note", "cut"),
    [(False, False, False), (True, False, True), (False, True, True)],
    ids=["plan, no text noted", "plan, texts noted", "load to apply"],
)
def test_a_file_is_cut_only_when_a_text_may_be_known_or_is_to_be_noted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noted: bool, note: bool, cut: bool
) -> None:
    path = tmp_path / "all.yaml"
    path.write_text(stream(DOCS), encoding="utf-8")
    cluster = applied(path)
    if not noted:
        for key in list(cluster.store.notes_of(TEXT_TOPIC)):
            cluster.store.delete_note(TEXT_TOPIC, key)
    calls: list[str] = []
    real = textual.file_text

    def counted(name: str, salt: bytes, read: SourceText | None = None) -> textual.FileText | None:
        calls.append(name)
        return real(name, salt, read)

    monkeypatch.setattr("manikit.plan.desired.file_text", counted)
    loaded = load_desired(
        [str(path)], "default", None, None, "default", lambda: applied_record(cluster), note=note
    )
    assert loaded.errors == []
    assert calls == ([str(path)] if cut else [])


_LINES = st.sampled_from(
    ["---", "...", "....", "... # end", "a: 1", " ...", "a: ...", "--- x", "", "-", "..", "x..."]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, max_size=14), st.booleans())
@example(["...", "a: 1", "--- x", "..", "---", "...."], False)
@example(["a: 1", "...", "---", "..", "---", "..."], True)
def test_the_chunks_with_a_document_end_are_those_a_search_of_each_finds(lines: list[str], end: bool) -> None:
    """``FileText.ended``'s one pass against a multi-line search for ``^...`` in each chunk, as
    ``note_texts`` searched before (each chunk's text only: never past its end)."""
    text = "\n".join(lines) + ("\n" if end else "")
    starts = [0, *(m.start() + 1 for m in re.finditer(r"\n---(?=[ \t\r\n]|\Z)", text))]
    ends = [*starts[1:], len(text)]
    chunks = [textual.Chunk(s, e, 1, "") for s, e in zip(starts, ends, strict=True)]
    file = textual.FileText("f.yaml", "f.yaml", text, chunks)
    searched = re.compile(r"^\.\.\.", re.MULTILINE)
    assert file.ended() == {i for i, c in enumerate(chunks) if searched.search(text, c.start, c.end)}
