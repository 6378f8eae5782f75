"""One big file validated in pieces on several processes reports exactly what the sequential path
reports: the same problems at the same lines and columns, with the same messages, in the same order."""

from __future__ import annotations

import gc
import multiprocessing
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from manikit.validate import pieces
from manikit.validate.pipeline import duplicate_problems, validate_file, validate_outcomes

GOOD = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  annotations:
    note: |
      a block scalar whose lines look like markers
      ---
      ...
spec:
  replicas: 0
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}}}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources:
          requests: {{cpu: 100m, memory: {memory}}}
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
spec:
  selector: {{app: app-{i}}}
  ports:
  - port: {port}
    targetPort: 8080
"""

LIST = """\
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {{name: listed-{i}}}
  spec:
    ports:
    - port: 70000
"""


def _stream(count: int) -> str:
    """Documents with an error planted in many of them, comments, empty documents and end markers."""
    docs = []
    for i in range(count):
        memory = "128mi" if i % 7 == 0 else "128Mi"
        docs.append(GOOD.format(i=i, memory=memory))
        port = "-1" if i % 5 == 0 else "80"
        service = SERVICE.format(i=i, port=port)
        if i % 11 == 0:
            service = service.replace("spec:\n", "spec:\n  clusterIP: None\n  clusterIP: None\n")
        if i % 13 == 0:
            service = service.replace("  name:", "  nmae:")  # an unknown field and a missing name
        docs.append(service)
        if i % 9 == 0:
            docs.append(LIST.format(i=i))
        if i % 17 == 0:
            docs.append("# only a comment\n")
        if i == 30:
            docs.append(GOOD.format(i=3, memory="1Gi"))  # a duplicate of app-3
        if i == count // 2:
            docs[-1] += "...\n"  # an explicit document end
    return "---\n".join(docs)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 2_000)


def _report(outcomes: list) -> list[tuple]:
    return [
        (o.name, o.documents, dict(o.passed_over), o.not_manifest, [p.to_dict() for p in sorted(o.problems)],
         [(k.index, k.line, k.kind, k.name) for k in o.keys])
        for o in outcomes
    ]  # fmt: skip


def test_a_big_stream_is_cut_into_pieces(tmp_path: Path, small_pieces: None) -> None:
    big = tmp_path / "all.yaml"
    big.write_text(_stream(60), encoding="utf-8")
    tasks = pieces.plan_tasks([str(big)], workers=2)
    assert len(tasks) == 2 * pieces.PIECES_PER_WORKER
    assert [t.piece.first_line for t in tasks if t.piece] == sorted(
        {t.piece.first_line for t in tasks if t.piece}
    )


def test_every_position_is_the_sequential_paths(tmp_path: Path, small_pieces: None) -> None:
    big = tmp_path / "all.yaml"
    big.write_text(_stream(60), encoding="utf-8")
    small = tmp_path / "small.yaml"
    small.write_text(SERVICE.format(i=999, port="-3"), encoding="utf-8")
    names = [str(small), str(big)]
    sequential = [validate_file(n) for n in names]
    parallel = validate_outcomes(names, jobs=2)
    assert _report(parallel) == _report(sequential)
    problems = [p for o in sequential for p in o.problems if p.file == str(big)]
    assert not any(p.code == "MK004" for p in problems)  # parsed to the end: no whole-file fallback
    assert len({p.code for p in problems}) >= 4  # the planted kinds of error were all found
    assert len({p.line for p in problems}) > 30  # in many documents, all over the file
    assert duplicate_problems(parallel) == duplicate_problems(sequential) != []


def test_a_syntax_error_in_one_piece_validates_the_file_whole(tmp_path: Path, small_pieces: None) -> None:
    """A parse that stops drops the documents after it: the cut must not bring them back."""
    text = _stream(40)
    middle = text.index("kind: Service", len(text) // 2)
    big = tmp_path / "broken.yaml"
    big.write_text(text[:middle] + "kind: [Service\n" + text[middle + len("kind: Service\n") :], "utf-8")
    sequential = validate_file(str(big))
    assert any(p.code == "MK004" for p in sequential.problems)
    assert _report(validate_outcomes([str(big)], jobs=2)) == _report([sequential])


def test_a_big_file_of_other_yaml_is_passed_over_as_whole(tmp_path: Path, small_pieces: None) -> None:
    big = tmp_path / "compose.yaml"
    big.write_text("---\n".join(f"service{i}:\n  image: nginx\n  ports: [80]\n" for i in range(400)), "utf-8")
    assert len(pieces.plan_tasks([str(big)], workers=2)) > 1
    (outcome,) = validate_outcomes([str(big)], jobs=2)
    assert outcome.not_manifest
    assert _report([outcome]) == _report([validate_file(str(big))])
    (strict,) = validate_outcomes([str(big)], jobs=2, strict_files=True)
    assert _report([strict]) == _report([validate_file(str(big), strict_files=True)])
    assert strict.problems != []


def test_the_cli_reports_the_same_with_one_or_two_workers(tmp_path: Path, small_pieces: None) -> None:
    from tests.cli.helpers import run_cli

    big = tmp_path / "all.yaml"
    big.write_text(_stream(50), encoding="utf-8")
    one = run_cli("validate", "-o", "json", "--jobs", "1", str(big))
    two = run_cli("validate", "-o", "json", "--jobs", "2", str(big))
    assert one.exit_code == two.exit_code == 1
    assert one.stdout == two.stdout
    assert '"line": ' in one.stdout


def test_a_problem_in_the_last_document_of_the_last_piece(tmp_path: Path, small_pieces: None) -> None:
    """The end of the last piece: its last document, without a trailing line break, with a YAML-level
    problem (a duplicate key) and a model one, is placed at the file's own lines."""
    clean = "---\n".join(SERVICE.format(i=i, port="80") for i in range(80))
    last = "apiVersion: v1\nkind: Service\nmetadata:\n  name: last\nspec:\n  ports:\n  - port: 0\n  - port: 0"
    text = clean + "---\n" + last.replace("spec:\n", "spec:\n  type: ClusterIP\n  type: ClusterIP\n")
    big = tmp_path / "all.yaml"
    big.write_text(text, encoding="utf-8")
    tasks = pieces.plan_tasks([str(big)], workers=3)
    assert len(tasks) > 2 and tasks[-1].piece is not None
    assert "name: last" in tasks[-1].piece.text
    (sequential,) = [validate_file(str(big))]
    for jobs in (2, 3):
        assert _report(validate_outcomes([str(big)], jobs=jobs)) == _report([sequential])
    lines = text.splitlines()
    found = sorted((p.line, p.col, p.code) for p in sequential.problems)
    end = len(lines)  # the second "type", then each "port: 0" of the last document
    assert found == [(end - 3, 3, "MK005"), (end - 1, 11, "MK001"), (end, 11, "MK001")]
    duplicate = next(p for p in sequential.problems if p.code == "MK005")
    assert lines[duplicate.line - 1][duplicate.col - 1 :] == "type: ClusterIP"
    assert duplicate.line == len(lines) - 3  # the second of the two


def _collector_state(item: int) -> tuple[int, bool]:
    return item, gc.isenabled()


def _fails(item: int) -> int:
    raise ValueError(item)


def test_each_call_runs_with_the_collector_paused_and_restored() -> None:
    assert gc.isenabled()
    assert pieces.pool_map([1, 2], _collector_state, 1) == [(1, False), (2, False)]
    assert gc.isenabled()
    with pytest.raises(ValueError):
        pieces.pool_map([1], _fails, 1)
    assert gc.isenabled()  # put back after a failing call too


def test_the_workers_run_with_the_collector_paused() -> None:
    assert pieces.pool_map([1, 2, 3], _collector_state, 2) == [(1, False), (2, False), (3, False)]
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused() -> None:
    gc.disable()
    try:
        assert pieces.GcPaused(_collector_state)(1) == (1, False)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _collector_at_call(self: object, item: int) -> bool:
    return gc.isenabled()


def test_the_workers_start_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent pauses its collector while results come in, and forked workers inherit that: each
    turns it back on, so that only its calls run paused (GcPaused sees it on when a call starts)."""
    monkeypatch.setattr(pieces.GcPaused, "__call__", _collector_at_call)  # forked along
    assert pieces.pool_map([1, 2, 3], str, 2) == [True] * 3
    assert gc.isenabled()


def test_gc_paused_restores_the_collector_as_it_was() -> None:
    with pieces.gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), pieces.gc_paused():
        raise ValueError
    assert gc.isenabled()
    gc.disable()
    try:
        with pieces.gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Node:
    """A container the collector tracks, which can hold itself (a cycle)."""

    def __init__(self) -> None:
        self.other: object = None


def _many_lists(count: int) -> list[list[int]]:
    return [[i] for i in range(count)]


@pytest.fixture
def high_thresholds() -> Iterator[None]:
    """A young threshold above what a test makes with the collector on (the command's is 200,000:
    ``cli.main.GC_THRESHOLDS``), and below the 50,000 objects a paused call makes."""
    before = gc.get_threshold()
    gc.set_threshold(20_000, 30, 30)
    try:
        yield
    finally:
        gc.set_threshold(*before)


@pytest.mark.usefixtures("high_thresholds")
@pytest.mark.parametrize("run", ["call", "block"])
def test_what_a_paused_load_made_is_put_with_the_oldest_objects(run: str) -> None:
    """The next young collection has nothing of it to walk: the young count starts again from 0
    (without ``settled_as_old`` it would hold the 50,000 lists, and a young pass walk them all)."""
    gc.collect()
    if run == "call":
        made = pieces.GcPaused(_many_lists)(50_000)
    else:
        with pieces.gc_paused():
            made = _many_lists(50_000)
    assert gc.get_count()[0] < 1_000
    assert gc.isenabled() and gc.get_freeze_count() == 0 and len(made) == 50_000


@pytest.mark.usefixtures("high_thresholds")
def test_a_cycle_a_paused_call_left_is_still_collected() -> None:
    """Put with the oldest, garbage is freed all the same: by reference counting, or (a cycle) by the
    next full collection."""
    gc.collect()
    freed: list[str] = []

    def cycle(_: int) -> int:
        node = _Node()
        node.other = node
        weakref.finalize(node, freed.append, "cycle")
        plain = _Node()
        weakref.finalize(plain, freed.append, "plain")
        return 1

    assert pieces.GcPaused(cycle)(0) == 1
    assert freed == ["plain"]  # no cycle: freed when the call returned
    gc.collect()
    assert freed == ["plain", "cycle"]


def test_objects_someone_else_froze_stay_frozen() -> None:
    """``gc.freeze`` is global: a caller's frozen objects are left frozen (no ``unfreeze``)."""
    gc.collect()
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        pieces.GcPaused(_many_lists)(1_000)
        with pieces.gc_paused():
            _many_lists(1_000)
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("high_thresholds")
def test_a_call_that_leaves_no_young_collection_due_is_left_as_it_was(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Below the young threshold nothing is moved, and the frozen objects are not counted (counting
    walks them all: a caller that froze many would pay for it at every small call)."""
    gc.collect()
    counted: list[int] = []
    monkeypatch.setattr(gc, "get_freeze_count", lambda: counted.append(1) or 0)
    made = pieces.GcPaused(_many_lists)(1_000)
    assert counted == [] and gc.get_count()[0] >= 1_000 and len(made) == 1_000
    pieces.GcPaused(_many_lists)(50_000)
    assert counted == [1] and gc.get_count()[0] < 1_000


_SEEN_BY_WORKERS: list[str] = []


def _what_the_meanwhile_left(item: int) -> tuple[int, list[str]]:
    """A worker's view of what the parent's ``meanwhile`` did (forked before it: nothing)."""
    return item, list(_SEEN_BY_WORKERS)


def test_meanwhile_runs_once_in_the_parent_while_the_workers_work() -> None:
    """The workers are forked (every item sent) before ``meanwhile`` runs, so what it does reaches
    none of them; it runs once, with the workers alive, and the results are the same."""
    calls: list[int] = []

    def meanwhile() -> None:
        calls.append(len(multiprocessing.active_children()))
        _SEEN_BY_WORKERS.append("parent's")

    try:
        results = pieces.pool_map([1, 2, 3, 4], _what_the_meanwhile_left, 2, meanwhile)
    finally:
        seen = list(_SEEN_BY_WORKERS)
        _SEEN_BY_WORKERS.clear()
    assert results == [(1, []), (2, []), (3, []), (4, [])]
    assert len(calls) == 1 and calls[0] >= 1  # once, while worker processes were running
    assert seen == ["parent's"]


def test_meanwhile_runs_once_first_without_workers() -> None:
    order: list[str] = []
    assert pieces.pool_map(
        [1, 2], lambda i: order.append(f"work {i}") or i, 1, lambda: order.append("meanwhile")
    ) == [1, 2]
    assert order == ["meanwhile", "work 1", "work 2"]
    order.clear()
    assert pieces.pool_map([], str, 2, lambda: order.append("meanwhile")) == []
    assert order == ["meanwhile"]
