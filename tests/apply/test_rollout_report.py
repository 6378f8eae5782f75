"""The rollout report after an apply says how much it leaves out and keeps every Pending pod (the CLI
groups them by reason)."""

from __future__ import annotations

from manikit.apply.report import MAX_LINES, rollout_report
from manikit.cluster import open_cluster
from tests.runtime.control_plane import deployment


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
