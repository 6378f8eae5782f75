"""The rollout report after an apply says how much it leaves out and keeps every Pending pod (the CLI
groups them by reason)."""

from __future__ import annotations

from manikit.apply.rollout import MAX_LINES, rollout_report
from manikit.runtime.clock import SimulatedClock
from manikit.runtime.reconcile import reconcile
from tests.runtime.control_plane import deployment, new_api


def test_a_long_report_counts_what_it_leaves_out() -> None:
    api = new_api()
    clock = SimulatedClock()
    with api.transaction():
        for i in range(MAX_LINES + 15):  # each asks more cpu than a node has: none rolls out
            api.create(deployment(f"web-{i}", replicas=1, cpu="5"))
    reconcile(api, clock)
    report = rollout_report(api, clock)
    texts = [line.text for line in report.deployments]
    assert texts[0] == f"0 of {MAX_LINES + 15} deployments fully rolled out"
    assert texts[-1] == "... and 15 more not rolled out yet"
    assert len(texts) == MAX_LINES + 2
    assert len(report.pending) == MAX_LINES + 15  # every Pending pod, not the first 20
