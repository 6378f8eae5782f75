"""A plan of many objects reads the names of each kind's objects once (``live.LiveObjects``, issue 17):
a key whose name no object of its kind has is absent without a read of its own. Against the general
path (every key read one by one): the same plan."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pytest

from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.cluster.local import LocalCluster
from manikit.plan import live
from manikit.plan.actions import Plan
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from tests.stored_rows import START


def _namespace(name: str) -> str:
    return f"apiVersion: v1\nkind: Namespace\nmetadata: {{name: {name}}}\n"


def _configmap(name: str, namespace: str, value: str = "a") -> str:
    meta = f"{{name: {name}, namespace: {namespace}}}"
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {meta}\ndata: {{v: {value}}}\n"


def _deployment(name: str, namespace: str) -> str:
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}, namespace: {namespace}}}\n"
        f"spec:\n  replicas: 0\n  selector: {{matchLabels: {{app: {name}}}}}\n"
        f"  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
        f"    spec: {{containers: [{{name: c, image: busybox}}]}}\n"
    )


#: applied first: 20 Namespaces, 20 ConfigMaps in n0, two Deployments
FIRST = "---\n".join(
    [_namespace(f"n{i}") for i in range(20)]
    + [_configmap(f"cm{i}", "n0") for i in range(20)]
    + [_deployment("web", "n0"), _deployment("api", "n0")]
)
#: planned next: half the Namespaces new; the ConfigMaps' names again in another namespace (absent
#: there), half of n0's again (five of them changed), half new; a ConfigMap named as a Namespace
SECOND = "---\n".join(
    [_namespace(f"n{i}") for i in range(10, 30)]
    + [_configmap(f"cm{i}", "n1") for i in range(20)]
    + [_configmap(f"cm{i}", "n0", "b" if i < 15 else "a") for i in range(10, 30)]
    + [_configmap("n5", "n0"), _deployment("web", "n0"), _deployment("db", "n0")]
)


def _plan(tmp_path: Path, name: str, applied: str | None, text: str, *, fast: bool) -> tuple[Plan, int]:
    """The plan of ``text`` (after ``applied``, when given) and how many objects it read one by one."""
    where = tmp_path / name  # the same file names in each: the plans name the same sources
    where.mkdir()
    cluster = open_cluster(where / "s.db", now=START)
    if applied is not None:
        file = where / "first.yaml"
        file.write_text(applied, encoding="utf-8")
        first = load_desired([str(file)], applyset="default")
        execute(cluster, make_plan(cluster, first, applyset="default"))
    (where / "m.yaml").write_text(text, encoding="utf-8")
    with contextlib.chdir(where):  # sources named relative to it: the same in each plan
        desired = load_desired(["m.yaml"], applyset="default")
    reads = _count_finds(cluster)
    plan = make_plan(cluster, desired, applyset="default", fast=fast)
    cluster.close()
    return plan, len(reads)


def _count_finds(cluster: LocalCluster) -> list[Any]:
    reads: list[Any] = []
    real = cluster.find

    def find(*args: Any) -> Any:
        reads.append(args)
        return real(*args)

    cluster.find = find  # type: ignore[method-assign]
    return reads


def _said(plan: Plan) -> tuple[Any, ...]:
    return (
        [c.to_dict() for c in plan.changes],
        plan.changes,
        plan.refusals,
        plan.unchanged,
        plan.summary(),
    )


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize("applied", [None, FIRST], ids=["empty", "populated"])
def test_the_plan_is_the_same_with_and_without_the_names_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, applied: str | None, fast: bool
) -> None:
    listed, read_alone = _plan(tmp_path, "listed", applied, SECOND, fast=fast)
    monkeypatch.setattr(live, "LISTED_FROM", 10**9)
    general, read_all = _plan(tmp_path, "general", applied, SECOND, fast=fast)
    assert _said(listed) == _said(general)
    assert read_alone < read_all  # the shortcut was taken
    if applied is None:
        assert read_alone <= 3  # the Deployments (too few to list) and the parent, nothing else


def test_a_kind_the_cluster_lists_nothing_of_is_read_one_by_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "labelled_keys", lambda cluster, kind, labels: None)  # a remote cluster
    monkeypatch.setattr(live, "object_names", lambda cluster, kind: None)
    listed, read_alone = _plan(tmp_path, "remote", FIRST, SECOND, fast=False)
    monkeypatch.setattr(live, "LISTED_FROM", 10**9)
    general, read_all = _plan(tmp_path, "general", FIRST, SECOND, fast=False)
    assert _said(listed) == _said(general)
    assert read_alone == read_all


def test_the_mapping_answers_as_one_read_key_by_key(tmp_path: Path) -> None:
    cluster = open_cluster(tmp_path / "s.db", now=START)
    file = tmp_path / "a.yaml"
    file.write_text(FIRST, encoding="utf-8")
    desired = load_desired([str(file)], applyset="default")
    execute(cluster, make_plan(cluster, desired, applyset="default"))
    keys = [d.key for d in desired.objects]
    more = [k.__class__(k.kind, "elsewhere", k.name, k.api_version) for k in keys]
    objects = live.LiveObjects(cluster, None, keys + more)
    general = live.LiveObjects(cluster)
    for key in keys + more:
        found = cluster.find(key.kind, key.name, key.namespace or None)
        assert objects.get(key) == found == general.get(key)
        assert (key in objects) == (found is not None)
        if found is None:
            with pytest.raises(KeyError):
                objects[key]
        else:
            assert objects[key] == found
    assert list(objects) == list(general)
    assert len(objects) == len(general)
    cluster.close()


def test_the_names_of_a_kind_are_read_from_the_key_index(tmp_path: Path) -> None:
    """``recorded.object_names``: every name of the kind, in every namespace, no body decoded or
    parsed by SQLite (a body it could not read does not matter)."""
    from manikit.cluster.recorded import object_names
    from manikit.errors import NotFoundError

    cluster = open_cluster(tmp_path / "s.db", now=START)
    file = tmp_path / "a.yaml"
    file.write_text(FIRST, encoding="utf-8")
    desired = load_desired([str(file)], applyset="default")
    execute(cluster, make_plan(cluster, desired, applyset="default"))
    wanted = {d.key.name for d in desired.objects if d.key.kind == "Service"} | {"kubernetes"}
    assert object_names(cluster, "Service") == wanted
    assert object_names(cluster, "Pod") == set()
    conn = cluster.store._conn  # type: ignore[attr-defined]
    conn.execute("UPDATE revisions SET body = 'not json' WHERE kind = 'Service'")  # no body is read
    assert object_names(cluster, "Service") == wanted
    with pytest.raises(NotFoundError):
        object_names(cluster, "Nonsense")
