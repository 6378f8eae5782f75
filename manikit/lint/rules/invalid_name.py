"""A name Kubernetes refuses: object names (DNS-1123 per kind), container names and port names.

## What it does
Checks `metadata.name` by the rule of its kind: Namespace a DNS-1123 label (lowercase letters,
digits and `-`, at most 63 characters, starting and ending alphanumeric), Service a DNS-1035 label
(the same, starting with a letter), Pod, Deployment, ReplicaSet and Node a DNS-1123 subdomain
(labels joined by `.`, at most 253 characters). Container names and Service port names must be
DNS-1123 labels, container port names and a Service's `targetPort` given as a string IANA service
names (at most 15 characters, a letter among them, no `--`: `targetPort: "8080"` is a name, not a
number), and a Service with more than one port must name every port.

## Why it matters
The API server rejects the object. Upper case and `_` are the usual culprits, copied from a
variable or file name.

## Example
```yaml
kind: Service
metadata:
  name: Web_Frontend
```

## Fix
Use lowercase letters, digits and `-` (`web-frontend`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from manikit.diagnostics import Level
from manikit.lint.findings import Finding, LintObject, RuleContext
from manikit.lint.walk import container_label, iter_containers
from manikit.models.service import Service

CODE = "MK202"
NAME = "invalid-name"
DEFAULT_LEVEL: Level | None = Level.ERROR

_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_LABEL_1035 = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_PORT_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")


def dns1123_label(name: str) -> str | None:
    if len(name) > 63:
        return "must be at most 63 characters"
    if not _LABEL.fullmatch(name):
        return "must be lowercase letters, digits and '-', starting and ending with a letter or digit"
    return None


def dns1035_label(name: str) -> str | None:
    if len(name) > 63:
        return "must be at most 63 characters"
    if not _LABEL_1035.fullmatch(name):
        return "must be lowercase letters, digits and '-', starting with a letter, ending alphanumeric"
    return None


def dns1123_subdomain(name: str) -> str | None:
    if len(name) > 253:
        return "must be at most 253 characters"
    if not _SUBDOMAIN.fullmatch(name):
        return "must be lowercase letters, digits, '-' and '.', starting and ending alphanumeric"
    return None


def port_name(name: str) -> str | None:
    if len(name) > 15:
        return "must be at most 15 characters"
    if not _PORT_NAME.fullmatch(name) or "--" in name:
        return "must be lowercase letters, digits and single '-', starting and ending alphanumeric"
    if not any(ch.isalpha() for ch in name):
        return "must contain at least one letter"
    return None


_BY_KIND = {"Namespace": dns1123_label, "Service": dns1035_label}


def check(obj: LintObject, ctx: RuleContext) -> Iterator[Finding]:
    model = obj.model
    if model is None:
        return
    if model.metadata.name:
        rule = _BY_KIND.get(model.kind, dns1123_subdomain)
        why = rule(model.metadata.name)
        if why:
            yield Finding(
                ("metadata", "name"),
                f'{model.kind} name "{model.metadata.name}" {why}',
                _hint(model.metadata.name, rule),
            )
    pod = obj.pod
    for at in iter_containers(pod) if pod is not None else ():
        why = dns1123_label(at.container.name)
        if why:
            yield Finding(
                (*at.path, "name"),
                f'container name "{at.container.name}" {why}',
                _hint(at.container.name, dns1123_label),
            )
        for i, port in enumerate(at.container.ports or []):
            why = port_name(port.name) if port.name else None
            if why:
                yield Finding(
                    (*at.path, "ports", i, "name"), f'{container_label(at)}: port name "{port.name}" {why}'
                )
    if isinstance(model, Service):
        yield from _service_ports(model)


def _service_ports(service: Service) -> Iterator[Finding]:
    ports = service.spec.ports or []
    for i, service_port in enumerate(ports):
        if not service_port.name:
            if len(ports) > 1:
                yield Finding(
                    ("spec", "ports", i),
                    f"Service port {service_port.port} has no name; with more than one port, each needs one",
                    "name every port, e.g. name: metrics",
                )
            continue
        why = dns1123_label(service_port.name)
        if why:
            yield Finding(("spec", "ports", i, "name"), f'Service port name "{service_port.name}" {why}')
    for i, service_port in enumerate(ports):
        target = service_port.target_port
        if not isinstance(target, str):
            continue
        why = port_name(target)
        if why:
            hint = f"write the number without quotes: targetPort: {target}" if target.isdigit() else ""
            yield Finding(
                ("spec", "ports", i, "targetPort"), f'targetPort "{target}" is a port name that {why}', hint
            )


def suggest(name: str) -> str:
    """Lowercase, with runs of other characters made one '-'."""
    return re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip("-.")[:63]


def _hint(name: str, rule: Callable[[str], str | None]) -> str:
    fixed = suggest(name)
    return f'e.g. "{fixed}"' if fixed and fixed != name and rule(fixed) is None else ""
