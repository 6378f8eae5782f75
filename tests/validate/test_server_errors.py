"""The API server's checks as validation reports them: the server's words after the field path, at the
line and column of the offending value (a bad label key at the key; a missing field at its parent)."""

from __future__ import annotations

from pathlib import Path

from manikit.diagnostics import Problem
from manikit.source.documents import load_file
from manikit.validate.validator import validate_documents

FIXTURE = Path(__file__).parent / "fixtures" / "server_errors.yaml"

EXPECTED = [
    (4, 9, "MK202", "metadata.name"),
    (6, 5, "MK001", "metadata.labels"),
    (7, 11, "MK001", "metadata.labels"),
    (8, 1, "MK001", "spec.progressDeadlineSeconds"),
    (15, 20, "MK001", "spec.strategy.rollingUpdate"),
    (18, 15, "MK203", "spec.template.metadata.labels"),
    (20, 22, "MK001", "spec.template.spec.restartPolicy"),
    (21, 30, "MK001", "spec.template.spec.activeDeadlineSeconds"),
    (26, 17, "MK001", "spec.template.spec.volumes[1].name"),
    (29, 11, "MK003", "spec.template.spec.containers[0].image"),
    (31, 61, "MK001", "spec.template.spec.containers[0].ports[0].hostPort"),
    (32, 22, "MK001", "spec.template.spec.containers[0].ports[1].name"),
    (34, 22, "MK001", "spec.template.spec.containers[0].env[0].name"),
    (34, 51, "MK001", "spec.template.spec.containers[0].env[0].valueFrom"),
    (36, 22, "MK001", "spec.template.spec.containers[0].volumeMounts[0].name"),
    (37, 11, "MK003", "spec.template.spec.containers[0].readinessProbe"),
    (39, 22, "MK001", "spec.template.spec.containers[0].livenessProbe.httpGet"),
    (41, 40, "MK001", "spec.template.spec.containers[0].securityContext.runAsUser"),
    (43, 29, "MK102", "spec.template.spec.containers[0].resources.requests[cpu]"),
    (43, 50, "MK001", "spec.template.spec.containers[0].resources.requests[nvidia.com/gpu]"),
    (43, 63, "MK001", "spec.template.spec.containers[0].resources.requests[memory]"),
    (44, 13, "MK003", "spec.template.spec.containers[0].resources.limits[nvidia.com/gpu]"),
    (45, 17, "MK206", "spec.template.spec.containers[1].name"),
    (54, 14, "MK001", "spec.clusterIP"),
    (55, 19, "MK001", "spec.selector"),
    (57, 7, "MK202", "spec.ports[0].name"),
    (57, 30, "MK202", "spec.ports[0].targetPort"),
    (57, 48, "MK001", "spec.ports[0].nodePort"),
    (58, 7, "MK001", "spec.ports[1]"),
    (58, 24, "MK202", "spec.ports[1].name"),
    (67, 30, "MK001", "spec.ports[0].nodePort"),
    (73, 1, "MK003", "spec.externalName"),
    (80, 1, "MK003", "spec.template"),
    (81, 13, "MK203", "spec.selector"),
    (84, 7, "MK015", "kind"),
]


def _problems() -> list[Problem]:
    loaded = load_file(str(FIXTURE))
    return sorted(validate_documents(loaded.documents).problems)


def test_every_error_at_its_line_column_and_field_path() -> None:
    assert [(p.line, p.col, p.code, p.path) for p in _problems()] == EXPECTED


def test_messages_use_the_servers_words() -> None:
    text = "\n".join(p.headline() for p in _problems())
    for expected in (
        f'{FIXTURE}:4:9: error MK202 invalid-name: metadata.name: Invalid value: "Web_App": a lowercase '
        "RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start "
        "and end with an alphanumeric character (e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*') (e.g. \"web-app\")",
        f"{FIXTURE}:29:11: error MK003 missing-field: spec.template.spec.containers[0].image: Required value",
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
        'spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than '
        "or equal to cpu limit of 500m (raise limits.cpu to at least 2)",
        'spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z) '
        "(write the number without quotes: targetPort: 8080)",
        "spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. "
        "The range of valid ports is 30000-32767",
        'spec.clusterIP: Invalid value: "none": must be a valid IP address, '
        "(e.g. 10.9.8.7 or 2001:db8::ffff) (a headless Service is clusterIP: None (capital N))",
        'kind: no matches for kind "Deploymnet" in version "apps/v1" (did you mean "Deployment"?)',
        "spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds",
    ):
        assert expected in text, expected


def test_whole_number_floats_are_integers() -> None:
    assert not [p for p in _problems() if p.path in ("spec.replicas",) or "containerPort" in p.path]
