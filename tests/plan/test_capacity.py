"""Per-node capacity and its pictures: the numbers, the bars, and the plan rendered as text, Markdown
(within GitHub's comment limit) and HTML, against golden files."""

from __future__ import annotations

import dataclasses
import html.parser
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from manikit.plan.actions import SchedulingPreview
from manikit.plan.capacity import NodeUsage, Usage, node_usages
from manikit.plan.render.bars import FREE, LIMIT, REQUEST, capacity_rows, segments, text_bar, text_lines
from manikit.plan.render.html import render_html
from manikit.plan.render.markdown import GITHUB_COMMENT_LIMIT, render_markdown
from manikit.plan.render.text import render_text
from tests.plan.test_render import sample_plan

GOLDEN = Path(__file__).parent / "golden"


def node(name: str, cpu: str = "4", memory: str = "8Gi", pods: str = "110") -> dict[str, Any]:
    return {
        "kind": "Node",
        "metadata": {"name": name},
        "status": {"allocatable": {"cpu": cpu, "memory": memory, "pods": pods}},
    }


def pod(
    name: str, on: str | None, cpu: str = "500m", limit: str | None = None, phase: str = "Running"
) -> dict[str, Any]:
    resources: dict[str, Any] = {"requests": {"cpu": cpu, "memory": "256Mi"}}
    if limit:
        resources["limits"] = {"cpu": limit}
    spec: dict[str, Any] = {"containers": [{"name": "main", "image": "nginx", "resources": resources}]}
    if on:
        spec["nodeName"] = on
    meta = {"name": name, "namespace": "shop"}
    return {"kind": "Pod", "metadata": meta, "spec": spec, "status": {"phase": phase}}


def test_node_usages_count_requests_limits_and_only_active_bound_pods() -> None:
    pods = [
        pod("a", "n1", "1", limit="2"),
        pod("b", "n1", "500m"),
        pod("done", "n1", "3", phase="Succeeded"),
        pod("waiting", None, "3"),
        pod("c", "n2", "4"),
    ]
    n1, n2 = node_usages([node("n2"), node("n1")], pods)
    assert (n1.node, n2.node) == ("n1", "n2")
    cpu = n1.usage("cpu")
    assert (cpu.requested, cpu.limits, cpu.allocatable) == (Fraction(3, 2), Fraction(2), Fraction(4))
    assert (cpu.percent, cpu.limit_percent) == (37, 50)
    assert n1.usage("memory").requested == 512 * 2**20
    assert n1.usage("pods").requested == 2 and n1.usage("pods").limits is None
    assert n1.pods == ("shop/a", "shop/b")
    assert not n1.full and n2.full  # 4 of 4 cpu requested


def test_init_container_limit_raises_the_pod_limit() -> None:
    body = pod("a", "n1", "100m", limit="200m")
    body["spec"]["initContainers"] = [
        {"name": "init", "image": "busybox", "resources": {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}}
    ]
    (n1,) = node_usages([node("n1")], [body])
    assert n1.usage("cpu").limits == 1 and n1.usage("cpu").requested == 1


def usage(requested: str, limits: str | None, allocatable: str = "100") -> Usage:
    return Usage(
        "cpu", Fraction(requested), None if limits is None else Fraction(limits), Fraction(allocatable)
    )


@pytest.mark.parametrize(
    ("requested", "limits", "expected"),
    [
        ("0", "0", (0, 0, 10)),
        ("1", "0", (1, 0, 9)),  # any use shows
        ("1/10", "0", (1, 0, 9)),  # even under one percent
        ("50", "0", (5, 0, 5)),
        ("50", "80", (5, 3, 2)),
        ("99", "99", (9, 0, 1)),  # only 100% fills the bar
        ("100", "150", (10, 0, 0)),
        ("30", "500", (3, 7, 0)),  # limits beyond allocatable fill the rest
    ],
    ids=[
        "empty",
        "tiny",
        "under-a-percent",
        "half",
        "half-with-limits",
        "almost",
        "full",
        "overcommitted-limits",
    ],
)
def test_segments(requested: str, limits: str, expected: tuple[int, int, int]) -> None:
    s = segments(usage(requested, limits), 10)
    assert (s.requests, s.limits, s.free) == expected
    assert len(text_bar(usage(requested, limits), 10)) == 10


def test_no_allocatable_draws_an_empty_bar() -> None:
    assert text_bar(usage("5", None, "0"), 4) == FREE * 4


def two_sides() -> tuple[list[NodeUsage], list[NodeUsage]]:
    before = node_usages([node("node-1"), node("node-2")], [pod("a", "node-1", "1", limit="2")])
    after = node_usages(
        [node("node-1"), node("node-2")],
        [pod("a", "node-1", "1", limit="2"), pod("b", "node-1", "3"), pod("c", "node-2", "0")],
    )
    return before, after


def test_text_lines_show_only_changed_nodes_before_and_after() -> None:
    before, after = two_sides()
    lines = list(text_lines(before, after, width=10))
    assert [line.split()[0:2] for line in lines] == [
        ["node-1", "cpu"],
        ["node-1", "memory"],
        ["node-1", "pods"],
        ["node-2", "cpu"],
        ["node-2", "memory"],
        ["node-2", "pods"],
    ]
    cpu = lines[0]
    assert f"{REQUEST * 2}{LIMIT * 3}{FREE * 5} 25% (1 of 4), limits 50%" in cpu
    assert cpu.endswith(f"{REQUEST * 10} 100% (4 of 4)")  # limits below the requests: not said
    unchanged = list(text_lines(before, before, width=10))
    assert len(unchanged) == 6  # nothing changes: every node is drawn


def test_capacity_rows_name_nodes_that_come_or_go() -> None:
    before, after = two_sides()
    rows = capacity_rows(before[:1], after[1:])
    assert {(r.node, r.before is None, r.after is None) for r in rows} == {
        ("node-1", False, True),
        ("node-2", True, False),
    }


def capacity_plan() -> Any:
    before, after = two_sides()
    plan = sample_plan()
    preview = dataclasses.replace(plan.preview, nodes_before=tuple(before), nodes_after=tuple(after))
    return dataclasses.replace(plan, preview=preview)


def test_text_golden(golden: Any) -> None:
    text = "\n".join(line.text for line in render_text(capacity_plan())) + "\n"
    golden(GOLDEN / "plan_capacity.txt", text)


def test_markdown_golden(golden: Any) -> None:
    text = render_markdown(capacity_plan())
    assert "| `node-1` **full** | cpu |" in text
    golden(GOLDEN / "plan_capacity.md", text)


class _Parsed(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.remote: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value and "://" in value:
                self.remote.append(value)


def test_html_golden_is_self_contained(golden: Any) -> None:
    page = render_html(capacity_plan())
    parsed = _Parsed()
    parsed.feed(page)
    assert parsed.remote == [] and "script" not in parsed.tags and "link" not in parsed.tags
    assert 'class="full-node">node-1 (full)' in page
    assert 'style="width:100%"' in page  # node-1's cpu after the change
    golden(GOLDEN / "plan_capacity.html", page)


def test_html_escapes_what_manifests_hold() -> None:
    plan = capacity_plan()
    pending = dataclasses.replace(plan.preview.pending[0], message="<script>alert(1)</script>")
    plan = dataclasses.replace(plan, preview=dataclasses.replace(plan.preview, pending=(pending,)))
    page = render_html(plan)
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_markdown_with_a_thousand_nodes_fits_one_github_comment() -> None:
    names = [f"node-{i:04d}" for i in range(1000)]
    nodes = [node(n) for n in names]
    before = node_usages(nodes, [])
    after = node_usages(nodes, [pod(f"p{i}", n, "3900m") for i, n in enumerate(names)])
    plan = capacity_plan()
    preview: SchedulingPreview = dataclasses.replace(
        plan.preview, nodes_before=tuple(before), nodes_after=tuple(after)
    )
    text = render_markdown(dataclasses.replace(plan, preview=preview))
    assert len(text) <= GITHUB_COMMENT_LIMIT
    assert "... and 970 more nodes whose requests change" in text
    assert text.count("| `node-") == 30 * 3


def test_text_lines_count_the_nodes_past_the_limit() -> None:
    nodes = [node(f"n{i:02d}") for i in range(12)]
    after = node_usages(nodes, [pod(f"p{i}", f"n{i:02d}") for i in range(12)])
    lines = list(text_lines(node_usages(nodes, []), after, width=5, nodes=10))
    assert len(lines) == 10 * 3 + 1
    assert lines[-1] == "... and 2 more nodes (manikit plan --html FILE draws them all)"


def _versioned(body: dict[str, Any], uid: str, version: str) -> dict[str, Any]:
    return {**body, "metadata": {**body["metadata"], "uid": uid, "resourceVersion": version}}


def test_pod_resources_reuse_the_figures_of_the_same_object_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview asks for the cluster before and after a change: pods and nodes the change leaves
    alone are computed once, a pod written again (a new resourceVersion) is computed anew, and the
    figures are those node_usages gives without reuse."""
    from manikit.plan import capacity

    computed: list[str] = []
    original = capacity._pod_totals

    def counting(body: dict[str, Any]) -> capacity.Totals:
        computed.append(body["metadata"]["name"])
        return original(body)

    monkeypatch.setattr(capacity, "_pod_totals", counting)
    nodes = [_versioned(node("n1"), "u-n1", "1"), _versioned(node("n2"), "u-n2", "2")]
    a = _versioned(pod("a", "n1", "1", limit="2"), "u-a", "3")
    b = _versioned(pod("b", "n2", "250m"), "u-b", "4")
    memo = capacity.PodResources()
    before = node_usages(nodes, [a, b], memo)
    assert sorted(computed) == ["a", "b"]
    b_resized = _versioned(pod("b", "n2", "750m"), "u-b", "9")
    c = _versioned(pod("c", "n2", "100m"), "u-c", "10")
    after = node_usages(nodes, [a, b_resized, c], memo)
    assert sorted(computed) == ["a", "b", "b", "c"]  # a's figures reused, b's new version computed
    assert after[0] is before[0]  # n1 and its pods unchanged: the same usage
    assert after == node_usages(nodes, [a, b_resized, c])  # reuse never changes a figure
    assert after[1].usage("cpu").requested == Fraction(850, 1000)
    unversioned = pod("d", "n1")
    node_usages(nodes, [unversioned], memo)
    node_usages(nodes, [unversioned], memo)
    assert computed.count("d") == 2  # no uid and resourceVersion: nothing to know it by
