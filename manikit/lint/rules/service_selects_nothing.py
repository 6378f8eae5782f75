"""A Service whose selector matches no Pod or pod template of the input set.

## What it does
For each Service with a selector, looks for a Pod, or a pod template of any workload (Deployment,
ReplicaSet, StatefulSet, DaemonSet, Job, CronJob...), in the same namespace whose labels include every
selector label. Flags the selector when there is none. Services without selector (endpoints managed
by hand) and ExternalName Services are skipped. Only the input set is searched: lint the whole
directory, not one file, for this rule to be meaningful.

## Why it matters
The Service gets no endpoints: connections to it are refused, and nothing says why. Usually a label
was renamed on one side only.

## Example
```yaml
kind: Service
spec:
  selector: {app: web-frontend}   # the Deployment's pods are labelled app: web
```

## Fix
Make the selector match the pod template's labels (or the other way round).
"""

from __future__ import annotations

from collections.abc import Iterator

from manikit.diagnostics import Level
from manikit.lint.facts import InputSet
from manikit.lint.findings import Finding, RuleContext, SetFinding

CODE = "MK204"
NAME = "service-selects-nothing"
DEFAULT_LEVEL: Level | None = Level.WARNING


def check_set(inputs: InputSet, ctx: RuleContext) -> Iterator[SetFinding]:
    for service in inputs.services:
        if inputs.selected_by(service):
            continue
        shown = ", ".join(f"{k}={v}" for k, v in sorted(service.selector.items()))
        where = f'namespace "{service.namespace}"'
        yield SetFinding(
            service.doc,
            Finding(
                ("spec", "selector"),
                f"the selector ({shown}) matches no Pod or pod template in {where} of the input set",
                "make the selector match the workload's template labels",
            ),
        )
