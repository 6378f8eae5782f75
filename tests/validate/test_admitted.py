"""What loading admitted is not admitted again by the API, and the API's verdicts and stored objects
stay exactly those of a full admission: a bad object is still refused through the API path."""

from __future__ import annotations

import copy
import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.errors import StatusError
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.runtime.api import Api
from manikit.runtime.api import objects as api_objects
from manikit.runtime.clock import EPOCH
from manikit.source.reader import expand_paths
from manikit.validate import admitted, pieces
from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES
from tests.runtime.control_plane import deployment, namespace, new_api, service
from tests.validate.mutations.table import MUTATIONS, Mutation
from tests.validate.mutations.test_mutations import mutate

SERVER_SIDE = [m for m in MUTATIONS if m.bullet != "kind"]  # kubectl itself refuses an unknown kind


@pytest.fixture(autouse=True)
def nothing_kept() -> Iterator[None]:
    admitted.forget()
    yield
    admitted.forget()


@pytest.fixture
def recalled(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each recall the API makes: True when it found the manifest admitted."""
    seen: list[bool] = []
    real = admitted.recall

    def spy(obj: Any, namespaced: bool) -> Any:
        found = real(obj, namespaced)
        seen.append(found is not None)
        return found

    monkeypatch.setattr(api_objects.admitted, "recall", spy)
    return seen


def _file(tmp_path: Path, docs: list[dict[str, Any]], name: str = "m.yaml") -> Path:
    path = tmp_path / name
    path.write_text("\n---\n".join(json.dumps(d) for d in docs), encoding="utf-8")
    return path


def _outcome(api: Api, write: Callable[[], Any]) -> Any:
    """A write's stored body, or the refusal as the API answers it (reason, kubectl's words, causes)."""
    try:
        return write()
    except StatusError as exc:
        return (exc.reason, exc.kubectl_message(), exc.to_status())


def _shop_api() -> Api:
    api = new_api(nodes=False)
    for name in ("shop", "shop-staging"):
        api.create(namespace(name))
    return api


@pytest.mark.parametrize("mutation", SERVER_SIDE, ids=[m.id for m in SERVER_SIDE])
def test_each_mutant_is_judged_as_full_admission_judges_it_after_its_base_was_admitted(
    mutation: Mutation, tmp_path: Path, recalled: list[bool]
) -> None:
    """The base manifest admitted by loading, then the mutant created: the same answer, or the same
    stored object, as without anything admitted (a mutant of metadata only is found and its
    ObjectMeta checked; any other is admitted in full)."""
    mutant = mutate(mutation)
    full = _shop_api()
    expected = _outcome(full, lambda: full.create(copy.deepcopy(mutant)))
    base = mutate(Mutation("base", mutation.base, (), "A", ""))
    loaded = load_desired([str(_file(tmp_path, [base]))], admit=True)
    assert loaded.errors == []
    api = _shop_api()
    assert _outcome(api, lambda: api.create(copy.deepcopy(mutant))) == expected
    # found for a mutant of metadata only (3.0 is not 3 here) that the server accepts; a refused one
    # is admitted in full, whose answer names the cause
    same_outside_metadata = admitted.content_key(mutant) == admitted.content_key(base)
    assert recalled[-1] is (same_outside_metadata and mutation.verdict == "A")


def test_a_bad_object_loaded_with_admit_is_still_refused_by_the_api(
    tmp_path: Path, recalled: list[bool]
) -> None:
    """Loading reports the bad object's error; its file is not admitted, and the API refuses it."""
    bad = deployment(replicas=3, strategy={"type": "Recreate", "rollingUpdate": {"maxSurge": 1}})
    good = service()
    loaded = load_desired(
        [str(_file(tmp_path, [bad], "bad.yaml")), str(_file(tmp_path, [good], "good.yaml"))], admit=True
    )
    assert [p.file.endswith("bad.yaml") for p in loaded.errors] == [True]
    api = new_api(nodes=False)
    recalled.clear()
    with pytest.raises(StatusError, match="rollingUpdate"):
        api.create(bad)
    api.create(good)
    assert recalled == [False, True]


def test_objects_loaded_in_pieces_by_workers_are_kept_only_from_files_without_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, recalled: list[bool]
) -> None:
    """A big file cut into pieces for worker processes: a semantic error (a selector the template's
    labels do not match) still yields a desired object, whose file is then not kept at all."""
    monkeypatch.setattr(pieces, "PIECE_MIN_BYTES", 2_000)
    docs = [{**deployment(f"app-{i}"), "metadata": {"name": f"app-{i}"}} for i in range(40)]
    bad = copy.deepcopy(docs[20])
    bad["spec"]["selector"]["matchLabels"] = {"app": "other"}
    flawed = _file(tmp_path, [*docs[:20], bad, *docs[21:]], "flawed.yaml")
    clean = _file(tmp_path, docs, "clean.yaml")
    assert sum(1 for t in pieces.plan_tasks([str(flawed)], 2) if t.piece is not None) > 2
    loaded = load_desired([str(flawed)], jobs=2, admit=True)
    assert len(loaded.errors) == 1 and bad["metadata"]["name"] in {d.key.name for d in loaded.objects}
    api = new_api(nodes=False)
    recalled.clear()
    with pytest.raises(StatusError, match="selector"):
        api.create(bad)
    api.create(docs[0])
    assert recalled == [False, False]
    load_desired([str(clean)], jobs=2, admit=True)
    api.create(docs[1])
    assert recalled[-1] is True


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda d: d["spec"].update(replicas=-1), id="replicas-negative"),
        pytest.param(lambda d: d["spec"]["template"]["spec"]["containers"][0].pop("image"), id="no-image"),
        pytest.param(lambda d: d["metadata"].update(labels={"bad key!": "x"}), id="bad-label"),
        pytest.param(lambda d: d["metadata"].update(namespace="Not_A_Namespace"), id="bad-namespace"),
        pytest.param(lambda d: d["metadata"].update(annotations={"a": 1}), id="annotation-not-a-string"),
        pytest.param(lambda d: d["metadata"].update(managedFields="no"), id="managed-fields-not-a-list"),
    ],
)
def test_a_manifest_changed_after_loading_is_refused(
    change: Callable[[dict[str, Any]], Any], tmp_path: Path
) -> None:
    """Not changed since: the object handed to the API is compared whole with what loading admitted."""
    loaded = load_desired([str(_file(tmp_path, [deployment()]))], admit=True)
    manifest = copy.deepcopy(loaded.objects[0].manifest)
    assert manifest is not None
    change(manifest)
    with pytest.raises(StatusError):
        new_api(nodes=False).create(manifest)


@pytest.mark.parametrize(
    "meta",
    [
        pytest.param({"labels": {"extra": "yes"}}, id="label-added"),
        pytest.param({"annotations": {"note": "x"}}, id="annotation-added"),
        pytest.param({"managedFields": [{"manager": "m", "fieldsV1": {"f:x": {"n": 2**70}}}]}, id="big-int"),
        pytest.param(
            {"managedFields": [{"manager": "m", "time": datetime(2024, 1, 1, tzinfo=UTC)}]}, id="time"
        ),
        pytest.param({"managedFields": [{"manager": "m", "fieldsV1": [1.5, None, True]}]}, id="values"),
        pytest.param({"managedFields": [{1: "a key not a string"}]}, id="int-key"),
        pytest.param({"managedFields": ["not an entry"]}, id="entry-not-a-map"),
        pytest.param({"managedFields": ({"manager": "m"},)}, id="tuple"),
        pytest.param(
            {"managedFields": [{"manager": "m", "fieldsV1": {"f:x": {"n": float("nan")}}}]}, id="nan"
        ),
        pytest.param(
            {"selfLink": "/x", "managedFields": [{"manager": "m", "fieldsV1": {"f:spec": {"f:a": {}}}}]},
            id="managed-then-self-link",
        ),
        pytest.param({"generation": 2**70}, id="generation-beyond-int64"),
        pytest.param({"namespace": "other"}, id="namespace-missing"),
    ],
)
def test_metadata_changed_after_loading_is_judged_as_full_admission_judges_it(
    meta: dict[str, Any], tmp_path: Path, recalled: list[bool]
) -> None:
    manifest = deployment()
    changed = {**manifest, "metadata": {**manifest["metadata"], **meta}}
    full = new_api(nodes=False)
    expected = _outcome(full, lambda: full.create(copy.deepcopy(changed)))
    assert load_desired([str(_file(tmp_path, [manifest]))], admit=True).errors == []
    api = new_api(nodes=False)
    got = _outcome(api, lambda: api.create(copy.deepcopy(changed)))
    assert got == expected
    if isinstance(expected, dict):  # the same body key for key, in the same order (as stored)
        assert json.dumps(got, default=str) == json.dumps(expected, default=str)
    refused_as_invalid = isinstance(expected, tuple) and expected[0] == "Invalid"
    assert recalled[-1] is not refused_as_invalid  # found, unless its ObjectMeta is invalid


def _rows(cluster_path: Path) -> list[tuple[Any, ...]]:
    db = sqlite3.connect(cluster_path)
    try:
        return db.execute(
            "SELECT kind, namespace, name, rev, body FROM current_objects ORDER BY rev"
        ).fetchall()
    finally:
        db.close()


def _apply(files: list[str], state: Path, *, admit: bool, recalled: list[bool] | None = None) -> int:
    """Apply ``files`` to a new state; how many objects were created."""
    cluster = open_cluster(state, now=EPOCH, default_cluster=False)
    desired = load_desired(files, admit=admit)
    assert desired.errors == []
    plan = make_plan(cluster, desired, applyset="default")
    if recalled is not None:
        recalled.clear()
    execute(cluster, plan)
    cluster.close()
    return len(plan.changes)


def _manifests(tmp_path: Path) -> list[str]:
    """The examples, and objects of every served kind with the fields a manifest often sets."""
    docs = [
        namespace("team"),
        {**deployment("api"), "metadata": {"name": "api", "namespace": "team", "labels": {"tier": "web"}}},
        {**service("api"), "metadata": {"name": "api", "namespace": "team", "annotations": {"a": "b"}}},
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"k": "v"}},
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "one", "labels": {"app": "one"}},
            "spec": {
                "containers": [{"name": "c", "image": "busybox:1.36", "ports": [{"containerPort": 80}]}]
            },
        },
    ]
    return [*expand_paths([str(EXAMPLES / "app")]), str(_file(tmp_path, docs))]


def test_apply_stores_exactly_what_full_admission_stores(tmp_path: Path, recalled: list[bool]) -> None:
    files = _manifests(tmp_path)
    _apply(files, tmp_path / "full.db", admit=False, recalled=recalled)
    assert not any(recalled)
    created = _apply(files, tmp_path / "kept.db", admit=True, recalled=recalled)
    assert recalled.count(True) == created >= 9  # every create found what loading admitted
    assert admitted.kept() == 0  # and the apply let it go
    assert _rows(tmp_path / "kept.db") == _rows(tmp_path / "full.db")


MANIFEST_KINDS = ("Deployment", "Service", "ConfigMap", "Pod")
ALLOCATED = ("clusterIP", "clusterIPs", "nodeName")  # from the revision; the scheduler's choice


def _specs(state: Path) -> dict[tuple[str, str, str], Any]:
    """Each object's spec and labels, less what the cluster allocates or the scheduler chooses."""
    out = {}
    for kind, ns, name, _, text in _rows(state):
        body = json.loads(text)
        spec = {k: v for k, v in (body.get("spec") or {}).items() if k not in ALLOCATED}
        out[(kind, ns, name)] = (spec, body["metadata"].get("labels"))
    return out


def test_cli_apply_stores_what_full_admission_stores(tmp_path: Path) -> None:
    """``manikit apply`` loads with ``admit``: its objects are what a full admission makes."""
    files = _manifests(tmp_path)
    _apply(files, tmp_path / "full.db", admit=False)
    result = run_cli("apply", "--state", str(tmp_path / "cli.db"), "--auto-approve", "--no-preview", *files)
    assert result.exit_code == 0, result
    full, cli = _specs(tmp_path / "full.db"), _specs(tmp_path / "cli.db")
    mine = [k for k in full if k[0] in MANIFEST_KINDS and k[1] != "kube-system"]
    assert len(mine) >= 6
    assert {k: cli[k] for k in mine} == {k: full[k] for k in mine}
