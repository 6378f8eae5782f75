"""What applies leave in a state, row by row: for tests that compare the stored result of a shortcut
with the general path's, byte for byte."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan

#: every state starts at this moment (the ReplicaSet controller names pods after the moment it
#: creates them: two runs started a second apart named them otherwise)
START = datetime(2026, 1, 1, tzinfo=UTC)

#: each table's rows, in an order that does not depend on timing
QUERIES = {
    "objects": "SELECT kind, namespace, name, rev, body FROM current_objects ORDER BY id",
    "revisions": "SELECT * FROM revisions ORDER BY rev",
    "events": "SELECT * FROM events ORDER BY id",
    "notes": "SELECT topic, key, value FROM notes ORDER BY topic, key",
}


def applied_rows(
    tmp_path: Path, name: str, manifests: Sequence[str], tables: Sequence[str], *, reconcile: bool = True
) -> list[tuple[Any, ...]]:
    """Apply each of ``manifests`` (YAML texts) in turn to a new state ``name`` (each reconciled after
    it when ``reconcile``); the rows of ``tables`` (``QUERIES``) left, each led by its table's name."""
    state = tmp_path / f"{name}.db"
    cluster = open_cluster(state, now=START)
    for i, text in enumerate(manifests):
        file = tmp_path / f"{name}-{i}.yaml"
        file.write_text(text, encoding="utf-8")
        desired = load_desired([str(file)], admit=True)
        assert desired.errors == []
        execute(cluster, make_plan(cluster, desired, applyset="default"))
        if reconcile:
            cluster.run()
    cluster.close()
    with sqlite3.connect(state) as conn:
        rows = [(table, *row) for table in tables for row in conn.execute(QUERIES[table])]
    conn.close()
    return rows
