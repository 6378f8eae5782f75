"""Plan's and apply's loading of one big file in pieces on several processes gives exactly the desired
set of the sequential path: the same objects, defaulted alike, in the same order, from the same lines,
and the same problems at the same positions in the same order."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from manikit.cluster import open_cluster
from manikit.plan import desired, textual
from manikit.plan.actions import Action
from manikit.plan.desired import DesiredSet, load_desired
from manikit.plan.planner import make_plan
from manikit.plan.render.json_format import render_json
from manikit.plan.unchanged import sent_digest, unchanged_keys
from manikit.source.reader import read_source
from manikit.validate import pieces
from tests.cli.helpers import run_cli
from tests.conftest import write

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{team}
  annotations:
    note: |
      a block scalar whose lines look like markers
      ---
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
          requests: {{cpu: 100m, memory: 128Mi}}
"""

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{team}
spec:
  selector: {{app: app-{i}}}
  ports:
  - port: 80
    targetPort: 8080
"""

WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {{name: widget-{i}}}\n"

TEMPLATE = """\
{% for i in range(3) %}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings-{{ i }}
data: {mode: fast}
{% endfor %}
---
apiVersion: v1
kind: Service
metadata: {name: app-1, namespace: team-1}
spec:
  ports: [{port: 81}]
"""

BAD_LAST = "apiVersion: v1\nkind: Service\nmetadata:\n  name: last\nspec:\n  ports:\n  - port: 0"


def _stream(count: int, last: str = "", duplicate: bool = True) -> str:
    """Deployments and Services over a few namespaces, a kind manikit does not manage, comments and
    empty documents, a duplicate of an earlier object far down the stream, and ``last`` at the end."""
    docs = []
    for i in range(count):
        docs.append(DEPLOYMENT.format(i=i, team=i % 3))
        docs.append(SERVICE.format(i=i, team=i % 3))
        if i % 9 == 0:
            docs.append(WIDGET.format(i=i))
        if i % 17 == 0:
            docs.append("# only a comment\n")
        if duplicate and i == count - 5:
            docs.append(SERVICE.format(i=2, team=2))  # a duplicate of a Service near the top
    if last:
        docs.append(last)
    return "---\n".join(docs)


@pytest.fixture
def small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 2_000)


def _as_data(loaded: DesiredSet) -> dict[str, Any]:
    return {
        "objects": [(d.source, d.body, d.manifest, d.takes, d.adopts) for d in loaded.objects],
        "problems": [p.to_dict() for p in loaded.problems],
        "documents": loaded.documents,
        "unmanaged": loaded.unmanaged,
        "not_manifests": loaded.not_manifests,
    }


def _pieces_of(path: Path, workers: int) -> int:
    return sum(1 for t in pieces.plan_tasks([str(path)], workers) if t.piece is not None)


def test_one_or_several_workers_load_the_same_desired_set(tmp_path: Path, small_pieces: None) -> None:
    big = write(tmp_path, "all.yaml", _stream(60, BAD_LAST))
    template = write(tmp_path, "settings.yaml.j2", TEMPLATE)
    small = write(tmp_path, "small.yaml", SERVICE.format(i=999, team=0))
    names = [str(small), str(big), str(template)]
    assert _pieces_of(big, 2) > 2
    sequential = load_desired(names, jobs=1)
    for jobs in (2, 3):
        assert _as_data(load_desired(names, jobs=jobs)) == _as_data(sequential)

    # and what both agree on is right: every object from its own document's first line, in file order
    lines = big.read_text(encoding="utf-8").splitlines()
    from_big = [d for d in sequential.objects if d.source.startswith(f"{big}:")]
    starts = [int(d.source.rsplit(":", 1)[1]) for d in from_big]
    assert len(from_big) == 2 * 60 + 1 and starts == sorted(starts)
    for d, line in zip(from_big, starts, strict=True):
        first = line + 1 if lines[line - 1] == "---" else line  # a document starts at its marker
        assert lines[first - 1] == f"apiVersion: {d.body['apiVersion']}"
        assert f"name: {d.body['metadata']['name']}" in "\n".join(lines[first : first + 4])
    assert [d.body["metadata"]["name"] for d in sequential.objects[-4:]] == [
        "settings-0",
        "settings-1",
        "settings-2",
        "app-1",
    ]
    assert sequential.unmanaged[:2] == ["Widget/widget-0", "Widget/widget-9"]


def test_errors_keep_their_positions_and_order(tmp_path: Path, small_pieces: None) -> None:
    """The last document of the last piece (no line break at the end) and duplicates across pieces and
    across files are reported as the sequential path reports them, at the file's own lines."""
    big = write(tmp_path, "all.yaml", _stream(60, BAD_LAST))
    template = write(tmp_path, "settings.yaml.j2", TEMPLATE)
    names = [str(big), str(template)]
    tasks = pieces.plan_tasks([str(big)], 3)
    assert tasks[-1].piece is not None and "name: last" in tasks[-1].piece.text
    sequential = load_desired(names, jobs=1)
    parallel = load_desired(names, jobs=3)
    assert [p.to_dict() for p in parallel.problems] == [p.to_dict() for p in sequential.problems]
    lines = big.read_text(encoding="utf-8").splitlines()
    errors = [(p.file, p.line, p.col, p.code) for p in parallel.errors]
    assert (str(big), len(lines), 11, "MK001") in errors  # the port of the very last line
    duplicates = [p for p in parallel.errors if "app-2" in p.message and p.file == str(big)]
    assert duplicates and all(p.line > len(lines) // 2 for p in duplicates)  # found in a later piece
    assert any(p.file == str(template) and "app-1" in p.message for p in parallel.errors)
    assert "last" not in {d.body["metadata"]["name"] for d in parallel.objects}


def test_a_syntax_error_in_a_piece_loads_the_file_whole(tmp_path: Path, small_pieces: None) -> None:
    text = _stream(40)
    middle = text.index("kind: Service", len(text) // 2)
    broken = text[:middle] + "kind: [Service\n" + text[middle + len("kind: Service\n") :]
    big = write(tmp_path, "broken.yaml", broken)
    sequential = load_desired([str(big)], jobs=1)
    assert any(p.code == "MK004" for p in sequential.problems)
    assert _as_data(load_desired([str(big)], jobs=2)) == _as_data(sequential)


def test_a_big_file_of_other_yaml_is_passed_over(tmp_path: Path, small_pieces: None) -> None:
    other = write(tmp_path, "compose.yaml", "---\n".join(f"svc{i}:\n  image: nginx\n" for i in range(600)))
    assert _pieces_of(other, 2) > 1
    loaded = load_desired([str(other)], jobs=2)
    assert loaded.not_manifests == [str(other)] and loaded.objects == []
    assert _as_data(loaded) == _as_data(load_desired([str(other)], jobs=1))


def _plan(state: Path, path: Path, jobs: int) -> tuple[int, str, str]:
    result = run_cli("plan", "--state", str(state), "--no-preview", "--jobs", str(jobs), str(path))
    return result.exit_code, result.stdout, result.stderr


def test_the_plan_command_is_the_same_with_one_or_several_workers(tmp_path: Path, small_pieces: None) -> None:
    namespaces = "".join(
        f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: team-{t}}}\n---\n" for t in range(3)
    )
    good = write(tmp_path, "good.yaml", namespaces + _stream(50, duplicate=False))
    assert _pieces_of(good, 2) > 2
    one = _plan(tmp_path / "state.db", good, 1)
    two = _plan(tmp_path / "state.db", good, 2)
    assert one[0] == 0 and one == two
    assert "app-49" in one[1] and "Deployment" in one[1]

    bad = write(tmp_path, "bad.yaml", _stream(50, BAD_LAST))
    one, two = _plan(tmp_path / "state.db", bad, 1), _plan(tmp_path / "state.db", bad, 2)
    assert one[0] == 1 and one == two
    last_line = len(bad.read_text(encoding="utf-8").splitlines())
    assert f"{bad}:{last_line}:11:" in one[2]  # the error in the last document, at its own line
    assert "nothing planned" in one[2]


def test_a_plan_after_apply_is_the_same_with_one_or_several_workers(
    tmp_path: Path, small_pieces: None
) -> None:
    """Workers send objects packed with the digest of what apply would send: the objects apply left
    as they are are found unchanged from it, the rest planned in full, as with one process."""
    namespaces = "".join(
        f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: team-{t}}}\n---\n" for t in range(3)
    )
    path = write(tmp_path, "good.yaml", namespaces + _stream(50, duplicate=False))
    state = tmp_path / "state.db"
    applied = run_cli("apply", "--state", str(state), "--auto-approve", "--jobs", "2", str(path))
    assert applied.exit_code == 0, applied.stderr
    code, out, _ = _plan(state, path, 2)
    assert (code, out) == (0, "No changes. Your manifests match the recorded state.\n")

    text = path.read_text(encoding="utf-8")
    for i in (3, 41):  # one near the top, one far down, in another piece
        service = SERVICE.format(i=i, team=i % 3)
        text = text.replace(service, service.replace("port: 80", "port: 8080"))
    path.write_text(text, encoding="utf-8")
    one, two = _plan(state, path, 1), _plan(state, path, 2)
    assert one == two and one[0] == 0
    assert "Service/team-0/app-3" in one[1] and "Service/team-2/app-41" in one[1]
    assert "0 to add, 2 to change, 0 to destroy" in one[1]

    sequential = load_desired([str(path)], jobs=1)
    parallel = load_desired([str(path)], jobs=2, applyset="default")
    assert all(d.sent is not None and d.sent[0] == "default" for d in parallel.objects)
    with open_cluster(str(state)) as cluster:
        same = unchanged_keys(cluster, sequential.objects, "default")
        assert unchanged_keys(cluster, parallel.objects, "default") == same
    assert len(same) > 50 and not {str(k) for k in same} & {"Service/team-0/app-3", "Service/team-2/app-41"}


def test_a_hint_that_no_longer_holds_changes_nothing_but_time(
    tmp_path: Path, small_pieces: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers leave out the defaulting of objects the state said were applied from the same manifest;
    if the plan reads them after all (here: a cluster that holds none of them), each is defaulted
    then, and the plan is the one from objects defaulted at loading."""
    path = write(tmp_path, "all.yaml", _stream(40, duplicate=False))
    sequential = load_desired([str(path)], jobs=1)
    applied = {
        (d.key.kind, d.key.namespace, d.key.name): sent_digest(d, "default") for d in sequential.objects
    }

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a worker defaulted an object the hint named")

    with monkeypatch.context() as patched:
        patched.setattr(desired, "desired_body", refuse)  # the workers are forked with it
        hinted = load_desired([str(path)], jobs=2, applyset="default", applied=lambda: applied)
    assert _pieces_of(path, 2) > 2 and len(hinted.objects) == len(sequential.objects) == 80
    with open_cluster(":memory:") as cluster:
        plans = [make_plan(cluster, d, applyset="default") for d in (sequential, hinted)]
    assert render_json(plans[0]) == render_json(plans[1])
    assert plans[0].counts()[Action.CREATE] == 80


def test_a_big_file_noted_is_read_once_here(
    tmp_path: Path, small_pieces: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A load that notes texts cuts a big file into pieces from the text it cut into documents
    (``plan_tasks``' ``read``), not read again: the same tasks, the same desired set."""
    monkeypatch.setattr(textual, "TEXT_MIN_BYTES", 1_000)
    big = str(write(tmp_path, "all.yaml", _stream(60, BAD_LAST)))
    source, problems = read_source(big)
    assert source is not None and not problems
    assert pieces.plan_tasks([big], 2, {big: source}) == pieces.plan_tasks([big], 2)
    reads: list[str] = []

    def counted(name: str) -> Any:
        reads.append(name)
        return read_source(name)

    monkeypatch.setattr(pieces, "read_source", counted)
    monkeypatch.setattr(textual, "read_source", counted)
    parallel = load_desired([big], jobs=2, applyset="default", note=True)
    assert reads == [big]  # here; the workers parse the pieces they are sent
    assert sum(d.text is not None for d in parallel.objects) > 100
    sequential = load_desired([big], jobs=1, applyset="default", note=True)
    assert _as_data(parallel) == _as_data(sequential)
    assert [d.text for d in parallel.objects] == [d.text for d in sequential.objects]
