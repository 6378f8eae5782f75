"""The check the two probe rules share: long-running app containers without a given probe."""

from __future__ import annotations

from collections.abc import Iterator

from manikit.lint.findings import Finding, LintObject
from manikit.lint.walk import RUN_TO_COMPLETION, container_label, iter_containers


def find_missing_probe(obj: LintObject, field: str, label: str, why: str) -> Iterator[Finding]:
    pod = obj.pod
    if pod is None:
        return
    if obj.doc.kind in RUN_TO_COMPLETION or pod.spec.restart_policy in ("Never", "OnFailure"):
        return  # a run-to-completion pod
    for at in iter_containers(pod, init=False):
        if getattr(at.container, field) is None:
            yield Finding(
                at.path,
                f"{container_label(at)} has no {label} probe; {why}",
                f"add {field.split('_')[0]}Probe (httpGet, tcpSocket, grpc or exec)",
            )
