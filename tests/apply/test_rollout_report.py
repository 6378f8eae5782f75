"""The rollout report after an apply says how much it leaves out and keeps every Pending pod (the CLI
groups them by reason)."""

from __future__ import annotations

from manikit.apply.report import MAX_LINES, rollout_report
from manikit.cluster import open_cluster
from manikit.cluster.deployments import replica_sets, rollout_status
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
