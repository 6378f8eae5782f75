"""Suppressions: the object's annotation, a line comment, config entries; unknown rules are findings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from manikit.lint.config import LintConfig
from manikit.lint.suppress import IgnoreEntry, comment_codes, resolve_codes
from tests.lint.helpers import lint_paths, triples, write

POD = """apiVersion: v1
kind: Pod
metadata:
  name: cache
  namespace: shop
{annotations}spec:
  securityContext: {{runAsNonRoot: true}}
  containers:
    - name: redis
      image: redis{tag}
      ports: [{{containerPort: 6379, hostPort: 6379}}]
      resources: {{requests: {{cpu: 100m, memory: 64Mi}}, limits: {{memory: 64Mi}}}}
      readinessProbe: {{tcpSocket: {{port: 6379}}}}
      livenessProbe: {{tcpSocket: {{port: 6379}}}}
"""


def pod(tmp_path: Path, annotations: str = "", tag: str = ":7.2.4", name: str = "pod.yaml") -> Path:
    return write(tmp_path, name, POD.format(annotations=annotations, tag=tag))


def codes(path: Path, config: LintConfig | None = None) -> list[str]:
    return [c for _, _, c in triples(lint_paths(path, config=config, nodes=False).problems)]


def test_unsuppressed_pod_has_the_findings_the_tests_below_remove(tmp_path: Path) -> None:
    assert codes(pod(tmp_path, tag="")) == ["MK308", "MK301", "MK307"]


def test_annotation_by_code_and_name(tmp_path: Path) -> None:
    annotations = (
        '  annotations:\n    manikit.dev/ignore: "MK307, naked-pod"\n    manikit.dev/ignore-reason: demo\n'
    )
    assert codes(pod(tmp_path, annotations, tag="")) == ["MK301"]


def test_annotation_with_an_unknown_rule_is_an_error_at_the_annotation(tmp_path: Path) -> None:
    annotations = '  annotations:\n    manikit.dev/ignore: "MK307,naked-pods"\n'
    report = lint_paths(pod(tmp_path, annotations), nodes=False)
    assert triples(report.problems) == [(2, 7, "MK308"), (7, 25, "MK900")]
    assert '"naked-pods"' in report.problems[1].message


def test_line_comment_trailing_and_on_the_line_before(tmp_path: Path) -> None:
    path = pod(tmp_path, tag="  # manikit: ignore[latest-tag]")
    assert codes(path) == ["MK308", "MK307"]
    text = path.read_text().replace("      ports:", "      # manikit: ignore[MK307, MK301]\n      ports:")
    path.write_text(text)
    assert codes(path) == ["MK308"]


def test_line_comment_with_an_unknown_rule(tmp_path: Path) -> None:
    path = pod(tmp_path, tag=":7.2.4  # manikit: ignore[latest-tags]")
    assert triples(lint_paths(path, nodes=False).problems) == [
        (2, 7, "MK308"),
        (10, 27, "MK900"),
        (11, 47, "MK307"),
    ]


def test_config_entries_by_kind_name_namespace_and_glob(tmp_path: Path) -> None:
    path = pod(tmp_path, tag="", name="vendor/pod.yaml")

    def with_ignores(*entries: IgnoreEntry) -> LintConfig:
        return dataclasses.replace(LintConfig(), ignores=entries)

    assert codes(path, with_ignores(IgnoreEntry("MK308", kind="Pod", name="cache"))) == ["MK301", "MK307"]
    assert codes(path, with_ignores(IgnoreEntry("MK308", kind="Pod", name="other"))) == [
        "MK308",
        "MK301",
        "MK307",
    ]
    assert codes(path, with_ignores(IgnoreEntry("MK308", namespace="shop"))) == ["MK301", "MK307"]
    assert codes(path, with_ignores(IgnoreEntry("MK301", path_glob="*/vendor/*"))) == ["MK308", "MK307"]
    assert codes(path, with_ignores(IgnoreEntry("MK301", path_glob="elsewhere/*"))) == [
        "MK308",
        "MK301",
        "MK307",
    ]


def test_default_namespace_matches_an_object_without_one(tmp_path: Path) -> None:
    path = write(tmp_path, "pod.yaml", POD.format(annotations="", tag="").replace("  namespace: shop\n", ""))
    config = dataclasses.replace(LintConfig(), ignores=(IgnoreEntry("MK308", namespace="default"),))
    assert codes(path, config) == ["MK301", "MK307"]


def test_suppressing_a_cross_object_finding(tmp_path: Path) -> None:
    service = """apiVersion: v1
kind: Service
metadata:
  name: lonely
  annotations: {manikit.dev/ignore: service-selects-nothing}
spec:
  selector: {app: nobody}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata:
  name: lonelier
spec:
  selector: {app: nobody}  # manikit: ignore[MK204]
  ports: [{port: 80}]
"""
    assert codes(write(tmp_path, "svc.yaml", service)) == []


def test_resolve_codes_and_comment_targets() -> None:
    assert resolve_codes("MK105, host-port, ,nope, MK102") == (
        ["MK105", "MK307"],
        ["nope"],
        ["MK102 limit-below-request"],
    )
    lines, problems = comment_codes(
        "f.yaml", "a: 1\n# manikit: ignore[MK301]\n\n# other comment\nb: 2  # manikit: ignore[naked-pod]\n"
    )
    assert lines == {5: frozenset({"MK301", "MK308"})}
    assert problems == []
