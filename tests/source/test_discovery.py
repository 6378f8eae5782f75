"""Discovery: which files are manifests, what is passed over (Helm charts, values files, non-Kubernetes
YAML/JSON), and which files a hook's change affects."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.source.discovery import affected_by, discover, holds_manifests, looks_like_kubernetes
from tests.ordinary_repo import make_ordinary_repo


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"apiVersion": "v1", "kind": "Pod"}, True),
        ({"kind": "Pod"}, True),  # half a type is still meant as Kubernetes: validation says what is missing
        ({"apiVersion": "v1"}, True),
        ({"name": "ci", "on": ["push"]}, False),
        (["a", "b"], False),
        ("text", False),
    ],
    ids=["both", "kind-only", "apiversion-only", "workflow", "list", "scalar"],
)
def test_looks_like_kubernetes(data: object, expected: bool) -> None:
    assert looks_like_kubernetes(data) is expected


def test_a_file_is_judged_when_one_document_looks_like_kubernetes() -> None:
    assert holds_manifests([{"services": {}}, {"kind": "Pod"}])
    assert not holds_manifests([{"services": {}}, {"name": "x"}])
    assert holds_manifests([])  # nothing parsed: the file's own problems speak for it


def test_discover_sets_helm_charts_and_values_files_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_ordinary_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    found = discover(["."], ["vendor/*"])
    assert found.helm_charts == ["charts/web"]
    assert not any(f.startswith(("charts/", "vendor/")) for f in found.files)
    assert "deploy/web-deployment.yaml" in found.files
    assert "templated/web-deployment.yaml.j2" in found.files
    assert not any("values" in f for f in found.files)
    named = discover(["templated/values/production.yaml", "charts/web/templates/deployment.yaml"])
    assert named.files == [] and named.values_files == ["templated/values/production.yaml"]
    assert named.helm_charts == ["charts/web"]


def test_affected_by_a_partial_or_values_file_is_the_whole_template_tree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_ordinary_repo(tmp_path)
    monkeypatch.chdir(tmp_path)
    tree = discover(["."], ["vendor/*"]).files
    templates = {f for f in tree if f.startswith("templated/")}
    assert len(templates) == 4
    assert affected_by(["templated/_helpers.j2"], tree) == templates
    assert affected_by(["templated/values/staging.yaml"], tree) == templates
    assert affected_by(["templated/manikit.values.yaml"], tree) == templates
    assert affected_by(["deploy/web-service.yaml"], tree) == {"deploy/web-service.yaml"}
    assert affected_by(["templated/namespace.yaml.j2"], tree) == {"templated/namespace.yaml.j2"}
