"""The rollout report after an apply says how much it leaves out and keeps every Pending pod (the CLI
groups them by reason)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manikit.apply import report as report_module
from manikit.apply.report import MAX_LINES, RolloutReport, _line, rollout_report
from manikit.cluster import Cluster, LocalCluster, open_cluster
from manikit.cluster.deployments import deployments_for_status, replica_sets, rollout_status
from manikit.errors import StateError
from manikit.runtime.store.sqlite import SqliteStore
from tests.runtime.control_plane import deployment, with_image


def test_a_long_report_counts_what_it_leaves_out() -> None:
    cluster = open_cluster()
    with cluster.batch():
        for i in range(MAX_LINES + 15):  # each asks more cpu than a node has: none rolls out
            cluster.create(deployment(f"web-{i}", replicas=1, cpu="5"))
    cluster.run()
    report = rollout_report(cluster)
    texts = [line.text for line in report.deployments]
    assert texts[0] == f"0 of {MAX_LINES + 15} deployments fully rolled out"
    assert texts[-1] == "... and 15 more not rolled out yet"
    assert len(texts) == MAX_LINES + 2
    assert len(report.pending) == MAX_LINES + 15  # every Pending pod, not the first 20


def test_apply_wait_and_rollout_status_share_one_rolled_out() -> None:
    cluster = open_cluster()
    cluster.create(deployment("web", replicas=2))
    cluster.run()
    report = rollout_report(cluster)
    assert report.converged and report.deployments[0].text.endswith("successfully rolled out")
    web = cluster.get("Deployment", "web", "default")
    paused = {**web["spec"], "paused": True, "template": with_image(web, "nginx:1.26")["spec"]["template"]}
    cluster.update({**web, "spec": paused})
    cluster.run()
    status = rollout_status(cluster.get("Deployment", "web", "default"))
    assert not status.done and "is paused" in status.message
    waited = rollout_report(cluster, wait_seconds=60)  # a paused rollout never finishes
    assert not waited.converged and waited.deployments[0].text.endswith("rolling out")
    sets = replica_sets(cluster, cluster.get("Deployment", "web", "default"))
    assert sets.new == [] and len(sets.old) == 1  # the new template has no ReplicaSet while paused


# The report reads Deployments without what it never reads (``deployments_for_status``): the same lines
# as from the full bodies, whatever the bodies hold.
_COUNT = st.integers(min_value=0, max_value=4)
_CONDITION = st.fixed_dictionaries(
    {"type": st.sampled_from(["Progressing", "Available"])},
    optional={"reason": st.sampled_from(["ProgressDeadlineExceeded", "NewReplicaSetAvailable"])},
)
_STATUS = st.fixed_dictionaries(
    {},
    optional={
        "observedGeneration": _COUNT,
        "replicas": _COUNT,
        "updatedReplicas": _COUNT,
        "readyReplicas": st.one_of(_COUNT, st.none()),
        "availableReplicas": _COUNT,
        "conditions": st.lists(_CONDITION, max_size=2),
    },
)
_SPEC = st.fixed_dictionaries(
    {"template": st.just({"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "c"}]}})},
    optional={"replicas": _COUNT, "paused": st.booleans()},
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["default", "shop"]),
            st.integers(min_value=1, max_value=3),
            _SPEC,
            st.one_of(st.none(), _STATUS),
        ),
        max_size=MAX_LINES + 6,
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_report_reads_what_the_full_bodies_say(
    deployments: list[tuple[str, int, dict[str, Any], dict[str, Any] | None]],
) -> None:
    cluster = open_cluster()
    assert isinstance(cluster, LocalCluster)
    with cluster.store.transaction():
        for i, (namespace, generation, spec, status) in enumerate(deployments):
            meta = {
                "name": f"web-{i}",
                "namespace": namespace,
                "generation": generation,
                "labels": {"a": "b"},
            }
            body: dict[str, Any] = {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": meta,
                "spec": spec,
            }
            if status is not None:
                body["status"] = status
            cluster.store.create("Deployment", namespace, f"web-{i}", body)
    full = cluster.list("Deployment")
    read = deployments_for_status(cluster)
    assert all("template" not in d["spec"] and "labels" not in d["metadata"] for d in read)  # pruned
    assert [rollout_status(d) for d in read] == [rollout_status(d) for d in full]
    assert [_line(d) for d in read] == [_line(d) for d in full]
    assert rollout_report(cluster) == _report_of(full, cluster)


def _report_of(full: list[dict[str, Any]], cluster: Cluster) -> RolloutReport:
    """The report as made before ``deployments_for_status``: from the listed bodies."""
    original = report_module.deployments_for_status
    report_module.deployments_for_status = lambda _: full  # type: ignore[assignment]
    try:
        return report_module.rollout_report(cluster)
    finally:
        report_module.deployments_for_status = original


def test_a_damaged_deployment_is_reported_as_the_listing_reports_it() -> None:
    cluster = open_cluster()
    assert isinstance(cluster, LocalCluster)
    cluster.create(deployment("web", replicas=1))
    store = cluster.store
    assert isinstance(store, SqliteStore)
    store._conn.execute(  # the Deployment's current body: its revision's
        "UPDATE revisions SET body = 'not json'"
        " WHERE rev IN (SELECT rev FROM objects WHERE kind = 'Deployment')"
    )
    with pytest.raises(StateError) as listed:
        cluster.list("Deployment")
    with pytest.raises(StateError) as read:
        deployments_for_status(cluster)
    assert str(read.value) == str(listed.value)
