"""Apply to a cluster without transactions (a Kubernetes API server): it stops at the first refusal,
says what was applied and what was not, and the same saved plan applied again converges."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import pytest

from manikit.apply.executor import ApplyStopped, check_fresh, execute
from manikit.cluster import LocalCluster, open_cluster
from manikit.errors import BadRequestError, PlanError
from manikit.plan.actions import ObjectKey, Plan
from manikit.plan.desired import load_desired
from manikit.plan.planfile import clear_progress, load_plan, load_progress, save_plan, save_progress
from manikit.plan.planner import make_plan
from tests.conftest import write

APP = """\
apiVersion: v1
kind: Namespace
metadata: {name: team}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: team}
spec:
  selector: {app: api}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: team}
spec:
  selector: {app: web}
  ports: [{port: 80}]
"""
#: as kube-apiserver answers when a validating webhook denies a request (no code of its own: 400)
DENIED = 'admission webhook "policy.example.com" denied the request: services must carry a team label'


class OneByOne:
    """A local cluster that, like a Kubernetes API server, applies writes one by one; it refuses to
    write the objects named in ``refuse`` as an admission webhook would."""

    def __init__(self, inner: LocalCluster) -> None:
        self.inner = inner
        self.refuse: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    @property
    def atomic_batches(self) -> bool:
        return False

    def batch(self) -> AbstractContextManager[None]:
        return nullcontext()

    def apply(self, obj: Mapping[str, Any], **options: Any) -> dict[str, Any]:
        name = obj["metadata"]["name"]
        if name in self.refuse and not options.get("dry_run"):
            raise BadRequestError(DENIED)
        return self.inner.apply(obj, **options)


@pytest.fixture
def cluster() -> Iterator[OneByOne]:
    inner = open_cluster(default_cluster=False)
    yield OneByOne(inner)
    inner.close()


def planned(cluster: OneByOne, path: Path) -> Plan:
    desired = load_desired([str(path)])
    assert desired.errors == []
    return make_plan(cluster, desired, applyset="default")  # type: ignore[arg-type]


def test_a_refusal_stops_apply_and_says_what_landed_and_what_did_not(
    cluster: OneByOne, tmp_path: Path
) -> None:
    plan = planned(cluster, write(tmp_path, "app.yaml", APP))
    assert not plan.atomic
    cluster.refuse = {"web"}
    with pytest.raises(ApplyStopped) as stopped:
        execute(cluster, plan)  # type: ignore[arg-type]
    result = stopped.value.result
    said = str(stopped.value).splitlines()
    assert said[0].startswith("apply stopped at Service/team/web: Error from server (BadRequest): admission")
    assert said[1:3] == ["  applied: Namespace/team, Service/team/api", "  not applied: Service/team/web"]
    assert result.stopped_at == ObjectKey("Service", "team", "web")
    assert DENIED in result.stopped_because
    assert [str(k) for k in result.applied] == ["Namespace/team", "Service/team/api"]
    assert [str(k) for k in result.not_applied] == ["Service/team/web"]
    assert cluster.find("Service", "api", "team") is not None
    assert cluster.find("Service", "web", "team") is None
    assert set(result.versions) == {ObjectKey("Namespace", "", "team"), ObjectKey("Service", "team", "api")}


def test_the_same_saved_plan_applied_again_skips_what_it_applied(cluster: OneByOne, tmp_path: Path) -> None:
    plan = planned(cluster, write(tmp_path, "app.yaml", APP))
    path = tmp_path / "app.mkplan"
    save_plan(plan, path)
    cluster.refuse = {"web"}
    with pytest.raises(ApplyStopped) as stopped:
        execute(cluster, plan)  # type: ignore[arg-type]
    save_progress(path, stopped.value.result.versions)

    # a plain re-check without the record would call the plan stale: its creates exist now
    with pytest.raises(PlanError, match="created since"):
        check_fresh(cluster, plan)  # type: ignore[arg-type]
    cluster.refuse = set()
    again = load_plan(path)
    done = check_fresh(cluster, again, load_progress(path))  # type: ignore[arg-type]
    assert {str(k) for k in done} == {"Namespace/team", "Service/team/api"}
    result = execute(cluster, again, skip=done)  # type: ignore[arg-type]
    assert [str(k) for k in result.created] == ["Service/team/web"]
    assert [str(k) for k in result.already] == ["Namespace/team", "Service/team/api"]
    clear_progress(path)
    assert load_progress(path) == {}
    assert planned(cluster, tmp_path / "app.yaml").empty


def test_an_object_changed_after_a_stopped_apply_makes_the_plan_stale(
    cluster: OneByOne, tmp_path: Path
) -> None:
    plan = planned(cluster, write(tmp_path, "app.yaml", APP))
    path = tmp_path / "app.mkplan"
    save_plan(plan, path)
    cluster.refuse = {"web"}
    with pytest.raises(ApplyStopped) as stopped:
        execute(cluster, plan)  # type: ignore[arg-type]
    save_progress(path, stopped.value.result.versions)
    cluster.patch("Service", "api", "team", {"metadata": {"labels": {"x": "y"}}}, manager="someone")
    with pytest.raises(PlanError, match=r"Service/team/api \(changed after this plan applied it\)"):
        check_fresh(cluster, load_plan(path), load_progress(path))  # type: ignore[arg-type]


def test_a_progress_record_of_another_plan_file_is_ignored(tmp_path: Path) -> None:
    with open_cluster(default_cluster=False) as inner:
        plan = planned(OneByOne(inner), write(tmp_path, "app.yaml", APP))
    path = tmp_path / "app.mkplan"
    save_plan(plan, path)
    save_progress(path, {ObjectKey("Namespace", "", "team"): "5"})
    save_plan(dataclasses.replace(plan, base_revision=plan.base_revision + 1), path)  # another plan now
    assert load_progress(path) == {}
