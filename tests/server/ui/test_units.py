"""The dashboard's pure parts: the rollout timeline from history entries, the fields a write changed,
pending pods, object addresses, and the templates' escaping."""

from __future__ import annotations

from typing import Any

import pytest

from manikit.server.backend import HistoryEntry
from manikit.server.ui.common import is_pending, object_url, scheduling_message
from manikit.server.ui.deployments import chart, timelines
from manikit.server.ui.objects import changed_paths, history_rows
from manikit.server.ui.site import render


def rs(name: str, replicas: int, revision: int, image: str, owner: str = "dep-uid") -> dict[str, Any]:
    return {
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": "shop",
            "annotations": {"deployment.kubernetes.io/revision": str(revision)},
            "ownerReferences": [{"kind": "Deployment", "uid": owner, "name": "web"}],
        },
        "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"image": image}]}}},
    }


def entry(revision: int, op: str, body: dict[str, Any]) -> HistoryEntry:
    return HistoryEntry(revision, op, "ReplicaSet", "shop", body["metadata"]["name"], body)  # type: ignore[arg-type]


def rolling_update() -> list[HistoryEntry]:
    """3 replicas of revision 1 replaced one at a time by revision 2 (a status write in between)."""
    return [
        entry(10, "ADDED", rs("web-1", 3, 1, "nginx:1")),
        entry(11, "MODIFIED", rs("web-1", 3, 1, "nginx:1")),  # status only: no step
        entry(20, "ADDED", rs("web-2", 1, 2, "nginx:2")),
        entry(21, "MODIFIED", rs("web-1", 2, 1, "nginx:1")),
        entry(22, "MODIFIED", rs("web-2", 3, 2, "nginx:2")),
        entry(23, "MODIFIED", rs("web-1", 0, 1, "nginx:1")),
        entry(24, "ADDED", rs("other", 5, 1, "x", owner="another")),
    ]


def test_timeline_has_a_step_per_size_change() -> None:
    steps, info = timelines(rolling_update())
    assert [(s.revision, dict(s.sizes)) for s in steps["dep-uid"]] == [
        (10, {"shop/web-1": 3}),
        (20, {"shop/web-1": 3, "shop/web-2": 1}),
        (21, {"shop/web-1": 2, "shop/web-2": 1}),
        (22, {"shop/web-1": 2, "shop/web-2": 3}),
        (23, {"shop/web-1": 0, "shop/web-2": 3}),
    ]
    assert info["shop/web-2"] == {"rollout": 2, "images": "nginx:2", "name": "web-2"}
    assert len(steps["another"]) == 1


def test_chart_stacks_replicasets_by_revision() -> None:
    steps, info = timelines(rolling_update())
    drawn = chart(steps["dep-uid"], info)
    assert drawn["peak"] == 5 and drawn["steps"] == 5
    assert [r["h"] for r in drawn["rects"] if r["x"] == 0] == [54]  # 3 of a peak of 5, 90 high
    second = [r for r in drawn["rects"] if r["x"] == 17]
    assert [r["title"].split(":")[0] for r in second] == ["revision 1", "revision 2"]
    assert second[0]["y"] > second[1]["y"]  # the older revision at the bottom
    assert [item["rollout"] for item in drawn["legend"]] == [1, 2]
    assert drawn["legend"][1]["sets"] == "web-2 (nginx:2)"
    assert chart([], {})["rects"] == []


def test_changed_paths_and_history_newest_first() -> None:
    before = {"spec": {"replicas": 2, "ports": [{"port": 80}]}, "metadata": {"name": "a"}}
    after = {"spec": {"replicas": 3, "ports": [{"port": 80}, {"port": 443}]}, "metadata": {"name": "a"}}
    assert changed_paths(before, after) == ["spec.ports[1].port", "spec.replicas"]
    assert changed_paths(after, after) == []
    rows = history_rows([entry(1, "ADDED", rs("a", 1, 1, "x")), entry(2, "MODIFIED", rs("a", 2, 1, "x"))])
    assert [(r["revision"], r["op"]) for r in rows] == [(2, "MODIFIED"), (1, "ADDED")]
    assert rows[0]["paths"] == ["spec.replicas"] and "replicas: 2" in rows[0]["yaml"]


@pytest.mark.parametrize(
    ("pod", "pending"),
    [
        ({"metadata": {}, "spec": {}, "status": {"phase": "Pending"}}, True),
        ({"metadata": {}, "spec": {"nodeName": "n"}, "status": {}}, False),
        ({"metadata": {}, "spec": {}, "status": {"phase": "Failed"}}, False),
        ({"metadata": {"deletionTimestamp": "x"}, "spec": {}, "status": {}}, False),
    ],
    ids=["unbound", "bound", "failed", "deleting"],
)
def test_is_pending(pod: dict[str, Any], pending: bool) -> None:
    assert is_pending(pod) is pending


def test_scheduling_message_and_addresses() -> None:
    cond = {"type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": "0/3 nodes"}
    assert scheduling_message({"status": {"conditions": [cond]}}) == "0/3 nodes"
    assert scheduling_message({"status": {}}) == "not scheduled yet"
    assert object_url("Node", None, "node-1") == "/ui/object/Node/_/node-1"
    assert object_url("Pod", "a b", "x/y") == "/ui/object/Pod/a%20b/x%2Fy"


def test_templates_escape_what_users_stored() -> None:
    page = render(
        "events.html.j2",
        {
            "title": "Events",
            "revision": 1,
            "page": "events",
            "events": [
                {
                    "type": "Warning",
                    "reason": "<b>",
                    "message": '"><script>x()</script>',
                    "count": 1,
                    "last": "t",
                    "source": "s",
                    "object": "Pod/a",
                    "url": "/ui/object/Pod/a/b",
                }
            ],
        },
    )
    assert "<script>x()" not in page and "&lt;script&gt;x()&lt;/script&gt;" in page
    assert "<td>&lt;b&gt;</td>" in page


def test_templates_and_static_files_are_package_data() -> None:
    """A wheel carries every file the dashboard and the plan renderers read (pyproject's package-data)."""
    import fnmatch
    import tomllib

    from tests.conftest import REPO

    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    root = REPO / "manikit"
    files = [
        *(root / "server" / "ui" / "templates").iterdir(),
        *(root / "server" / "ui" / "static").iterdir(),
        *(root / "plan" / "render" / "templates").iterdir(),
    ]
    assert len(files) >= 14
    for path in files:
        name = path.relative_to(root).as_posix()
        # setuptools' ** matches any depth, the top level included
        assert any(
            fnmatch.fnmatch(name, p) or fnmatch.fnmatch(name, p.removeprefix("**/"))
            for p in patterns["manikit"]
        ), name
