import json
from pathlib import Path
from typing import Any

import jsonschema

from manikit.models.service import Service
from manikit.plan.actions import ObjectKey, PendingPod, ResourceUsage, SchedulingPreview
from manikit.plan.changes import Desired, plan_changes
from manikit.plan.normalize import desired_body
from manikit.plan.planfile import load_plan, save_plan
from manikit.plan.render.json_format import plan_to_dict, render_json
from manikit.plan.render.markdown import render_markdown
from manikit.plan.render.text import render_text
from tests.conftest import REPO
from tests.plan.test_changes import deployment, recorded

GOLDEN = Path(__file__).parent / "golden"


def sample_plan(replace: bool = True, atomic: bool = True) -> Any:
    import dataclasses

    svc = Service.model_validate(
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": "http"}]},
        }
    )
    old = recorded(deployment(replicas=2))
    gone = recorded(deployment(selector="old"))
    gone["metadata"]["name"] = "legacy"
    pod_live = recorded(deployment(selector="api"))
    pod_live["metadata"]["name"] = "api"
    api = deployment(selector="api2")
    api = api.model_copy(update={"metadata": api.metadata.model_copy(update={"name": "api"})})
    desired = [
        Desired(desired_body(svc), "app/svc.yaml:1"),
        Desired(desired_body(deployment(replicas=4)), "app/d.yaml:2"),
        Desired(desired_body(api), "app/api.yaml:1"),
    ]
    live = {ObjectKey.of(b): b for b in (old, gone, pod_live)}
    plan = plan_changes(
        desired,
        live,
        live.keys(),
        store_id="store-1",
        base_revision=42,
        applyset="default",
        prune=True,
        replace={ObjectKey("Deployment", "shop", "api")} if replace else (),
        atomic=atomic,
    )
    preview = SchedulingPreview(
        pending=(
            PendingPod(
                "shop", "web-5d8f-abcde", "Deployment/web", "0/3 nodes are available: 3 Insufficient cpu."
            ),
        ),
        usage=(ResourceUsage("cpu", "11200m", "12", 93), ResourceUsage("memory", "2Gi", "24Gi", 8)),
        pods=7,
        nodes=3,
    )
    return dataclasses.replace(plan, preview=preview)


def test_text_golden(golden: Any) -> None:
    text = "\n".join(line.text for line in render_text(sample_plan())) + "\n"
    golden(GOLDEN / "plan.txt", text)


def test_markdown_golden(golden: Any) -> None:
    golden(GOLDEN / "plan.md", render_markdown(sample_plan()))


def test_json_matches_its_documented_schema(golden: Any) -> None:
    data = plan_to_dict(sample_plan())
    schema = json.loads((REPO / "schemas" / "plan.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    golden(GOLDEN / "plan.json", render_json(sample_plan()) + "\n")


def test_no_changes_text() -> None:
    empty = plan_changes([], {}, [], store_id="s", base_revision=1, applyset="a")
    assert [line.text for line in render_text(empty)] == [
        "No changes. Your manifests match the recorded state."
    ]


def test_planfile_round_trip(tmp_path: Path) -> None:
    plan = sample_plan()
    save_plan(plan, tmp_path / "p.mkplan")
    loaded = load_plan(tmp_path / "p.mkplan")
    assert loaded.changes == plan.changes
    assert (loaded.store_id, loaded.base_revision, loaded.applyset) == ("store-1", 42, "default")


def test_planfile_refuses_tampering_and_garbage(tmp_path: Path) -> None:
    import pytest

    from manikit.errors import PlanError

    path = tmp_path / "p.mkplan"
    save_plan(sample_plan(), path)
    path.write_text(path.read_text().replace('"replicas": 4', '"replicas": 40'))
    with pytest.raises(PlanError, match="changed after it was written"):
        load_plan(path)
    path.write_text("not json")
    with pytest.raises(PlanError, match="not a manikit plan"):
        load_plan(path)


def test_refusals_golden_text_markdown_and_json(golden: Any) -> None:
    """An immutable change without --replace is refused: the plan says so in the server's words, with
    the way out, in every format; a non-atomic cluster's plan says apply goes one by one."""
    plan = sample_plan(replace=False, atomic=False)
    assert [str(r.key) for r in plan.refusals] == ["Deployment/shop/api"]
    text = "".join(line.text + "\n" for line in render_text(plan))
    golden(GOLDEN / "plan_refused.txt", text)
    assert "Error: Deployment/shop/api would be refused  (app/api.yaml:1)" in text
    assert "plan with --replace Deployment/shop/api" in text
    assert "one by one, not as one transaction" in text
    markdown = render_markdown(plan)
    golden(GOLDEN / "plan_refused.md", markdown)
    assert markdown.startswith("### manikit plan: refused")
    data = json.loads(render_json(plan))
    jsonschema.Draft202012Validator(json.loads((REPO / "schemas" / "plan.schema.json").read_text())).validate(
        data
    )
    assert data["summary"]["refused"] == 1 and data["atomic"] is False
    assert data["refusals"][0]["reason"] == "Invalid"
