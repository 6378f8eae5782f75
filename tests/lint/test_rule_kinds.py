"""The engine calls a per-object rule only for the kinds in its ``KINDS``: calling every rule on every
object instead finds nothing more, on every rule fixture, the examples and objects of other kinds
shaped like pods (every mistake the pod rules look for, under a kind they do not look at)."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.lint.config import LintConfig
from manikit.lint.engine import LintSetup
from manikit.lint.findings import LintObject, NodeCapacity
from manikit.lint.registry import RULES
from manikit.lint.walk import pod_of
from manikit.source.documents import load_file
from manikit.validate.validator import validate_document

REPO = Path(__file__).parents[2]
FIXTURES = REPO / "tests" / "lint" / "fixtures" / "rules"

BAD_POD_SPEC = """\
  hostNetwork: true
  hostPID: true
  containers:
  - name: a
    image: nginx
    securityContext: {privileged: true, runAsUser: 0}
    ports: [{containerPort: 80, hostPort: 80, name: p}, {containerPort: 80, name: p}]
    env: [{name: X, value: "1"}, {name: X, value: "2"}]
    resources: {requests: {cpu: "900", memory: 5m}, limits: {cpu: 100m, memory: "12"}}
  - name: a
    image: redis:latest
"""

TEMPLATE = "  template:\n    metadata: {labels: {app: x}}\n    spec:\n" + BAD_POD_SPEC.replace(
    "\n  ", "\n      "
)


def _shaped_like_pods(kind: str, api_version: str) -> str:
    head = f"apiVersion: {api_version}\nkind: {kind}\nmetadata: {{name: x-{kind.lower()}}}\n"
    return (
        head
        + "spec:\n"
        + BAD_POD_SPEC
        + "---\n"
        + head.replace("name: x-", "name: t-")
        + "spec:\n"
        + TEMPLATE
    )


OTHER_KINDS = "---\n".join(
    [
        _shaped_like_pods("ConfigMap", "v1"),
        _shaped_like_pods("Service", "v1"),
        _shaped_like_pods("Widget", "example.com/v1"),
        _shaped_like_pods("Namespace", "v1"),
        _shaped_like_pods("Ingress", "networking.k8s.io/v1"),
        _shaped_like_pods("PodTemplate", "v1"),
        _shaped_like_pods("Pod", "v1"),  # pod kinds too: the index must call their rules
        _shaped_like_pods("Deployment", "apps/v1"),
        _shaped_like_pods("StatefulSet", "apps/v1"),
        _shaped_like_pods("Job", "batch/v1"),
    ]
)


def _files(tmp_path: Path) -> list[Path]:
    other = tmp_path / "other-kinds.yaml"
    other.write_text(OTHER_KINDS, encoding="utf-8")
    files = [*sorted(FIXTURES.glob("*/*.yaml")), *sorted((REPO / "examples").rglob("*.yaml")), other]
    assert len(files) > 50
    return files


def test_rules_skipped_for_a_kind_find_nothing_in_it(tmp_path: Path) -> None:
    config = LintConfig()
    setup = LintSetup(
        {code: rule.level_or_error() for code, rule in RULES.items() if rule.check is not None},
        config.options,
        (NodeCapacity("tiny", {"cpu": 1, "memory": 1}),),  # the capacity rule has something to say
    )
    called = skipped = found_where_called = 0
    for file in _files(tmp_path):
        for doc in load_file(str(file)).documents:
            model, problems = validate_document(doc)
            if not isinstance(doc.data, dict) or (model is None and problems):
                continue  # the engine runs no rule on these
            obj = LintObject(doc, model, pod_of(model, doc.data))
            kind = doc.kind if isinstance(doc.kind, str) else ""
            indexed = {c[0] for c in setup.checks_for(kind)}
            for code, _, _, check, ctx in setup.object_checks:
                findings = list(check(obj, ctx))
                if code in indexed:
                    called += 1
                    found_where_called += bool(findings)
                else:
                    skipped += 1
                    assert findings == [], f"{code} skipped for {kind} in {file.name} but finds {findings}"
    assert skipped > 200 and called > 500
    assert found_where_called > 100  # the rules do find things where the index calls them


@pytest.mark.parametrize("code", sorted(c for c, r in RULES.items() if r.kinds is not None))
def test_indexed_rules_are_called_for_their_kinds(code: str) -> None:
    config = LintConfig()
    setup = LintSetup({code: RULES[code].level_or_error()}, config.options)
    kinds = RULES[code].kinds
    assert kinds
    for kind in kinds:
        assert [c[0] for c in setup.checks_for(kind)] == [code]
    assert setup.checks_for("ConfigMap") == []
