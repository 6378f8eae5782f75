"""Small facts about each document that cross-object rules need, gathered where the file is read.

Workers send these back instead of documents: pod templates (labels, port names, requests x replicas)
and Services (selector, named target ports). They are read from the raw data, so that kinds manikit
does not model (StatefulSet, DaemonSet, Job, CronJob...) still count as what a Service selects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, NamedTuple

from manikit.lint.findings import DocRef, Identity, doc_ref, identify
from manikit.lint.walk import PodAt, pod_requests, replicas_of
from manikit.models.meta import TypeMeta
from manikit.models.registry import object_namespace
from manikit.source.documents import Document
from manikit.source.positions import Path


class PodFact(NamedTuple):
    """A pod or pod template of the input set."""

    doc: DocRef
    kind: str
    namespace: str
    labels: dict[str, str]
    port_names: frozenset[str]
    replicas: int = 1
    requests: dict[str, Fraction] | None = None  # per pod; only for modelled kinds, with nodes configured
    requests_path: Path = ()


class ServiceFact(NamedTuple):
    doc: DocRef
    namespace: str
    selector: dict[str, str]
    named_target_ports: tuple[tuple[int, str], ...]  # (index in spec.ports, port name)


@dataclass(slots=True)
class InputSet:
    """What the cross-object rules see of the whole input."""

    pods: list[PodFact] = field(default_factory=list)
    services: list[ServiceFact] = field(default_factory=list)
    _by_label: dict[tuple[str, str, str], list[int]] | None = field(default=None, repr=False)
    # each Service's answer, by the fact's id (two rules ask for every Service), the fact kept with it
    _selected: dict[int, tuple[ServiceFact, list[PodFact]]] = field(default_factory=dict, repr=False)

    def extend(self, other: InputSet) -> None:
        self.pods.extend(other.pods)
        self.services.extend(other.services)
        self._by_label = None
        self._selected.clear()

    def selected_by(self, service: ServiceFact) -> list[PodFact]:
        """The pods and templates in the Service's namespace whose labels include its selector."""
        known = self._selected.get(id(service))
        if known is not None and known[0] is service:
            return known[1]
        found = self._select(service)
        self._selected[id(service)] = (service, found)
        return found

    def _select(self, service: ServiceFact) -> list[PodFact]:
        if self._by_label is None:
            index: dict[tuple[str, str, str], list[int]] = {}
            for i, pod in enumerate(self.pods):
                for key, value in pod.labels.items():
                    index.setdefault((pod.namespace, key, value), []).append(i)
            self._by_label = index
        selector, pods = service.selector, self.pods
        candidates = [self._by_label.get((service.namespace, k, v), []) for k, v in selector.items()]
        if len(candidates) == 1:  # the index holds exactly the pods with that one label
            return [pods[i] for i in candidates[0]]
        if not candidates:
            return []
        smallest = min(candidates, key=len)
        return [pods[i] for i in smallest if all(pods[i].labels.get(k) == v for k, v in selector.items())]


def gather(
    doc: Document,
    model: TypeMeta | None,
    pod: PodAt | None,
    into: InputSet,
    default_ns: str,
    *,
    with_requests: bool,
    ident: Identity | None = None,
    namespace: str | None = None,
) -> None:
    """Add what ``doc`` contributes to the input set (pod requests only ``with_requests``); ``ident``
    and ``namespace`` (defaulted, "" when cluster-scoped): what the caller read of the object already."""
    data = doc.data
    if not isinstance(data, dict):
        return
    if ident is None:
        ident = identify(data)
    kind = ident.kind
    if kind is None:
        return
    if namespace is None:
        namespace = object_namespace(kind, ident.namespace, default_ns)
    if kind == "Service":
        service = _service(doc, data, ident, namespace)
        if service is not None:
            into.services.append(service)
        return
    template_path = _template_path(kind, data)
    if template_path is None:
        return
    template = _get(data, template_path)
    meta = template.get("metadata") if isinstance(template, dict) else None
    labels = meta.get("labels") if isinstance(meta, dict) else None
    spec = template.get("spec") if isinstance(template, dict) else None
    requests: dict[str, Fraction] | None = None
    replicas = 1
    if pod is not None:
        replicas = replicas_of(model, data)
        if with_requests:
            requests = pod_requests(pod.spec)
    into.pods.append(
        PodFact(
            doc_ref(doc, ident),
            kind,
            namespace,
            {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {},
            _port_names(spec),
            replicas,
            requests,
            _REQUESTS_PATHS.get(template_path) or (*template_path, "spec"),
        )
    )


#: The usual places of a pod spec, one tuple each rather than one per fact (smaller to send back).
_REQUESTS_PATHS: dict[Path, Path] = {
    (): ("spec",),
    ("spec", "template"): ("spec", "template", "spec"),
    ("spec", "jobTemplate", "spec", "template"): ("spec", "jobTemplate", "spec", "template", "spec"),
}


def _template_path(kind: str, data: dict[str, Any]) -> Path | None:
    """Where the pod (template) of an object is: the object itself for a Pod."""
    if kind == "Pod":
        return ()
    if kind == "CronJob":
        return ("spec", "jobTemplate", "spec", "template")
    spec = data.get("spec")
    template = spec.get("template") if isinstance(spec, dict) else None
    if isinstance(template, dict) and isinstance(template.get("spec"), dict):
        return ("spec", "template")
    return None


def _get(data: Any, path: Path) -> Any:
    node = data
    for step in path:
        node = node.get(step) if isinstance(node, dict) else None
    return node


_NO_NAMES: frozenset[str] = frozenset()


def _port_names(spec: Any) -> frozenset[str]:
    if not isinstance(spec, dict):
        return _NO_NAMES
    names: set[str] = set()
    containers = spec.get("containers")
    for c in containers if isinstance(containers, list) else ():
        ports = c.get("ports") if isinstance(c, dict) else None
        for p in ports if isinstance(ports, list) else ():
            if isinstance(p, dict) and isinstance(name := p.get("name"), str):
                names.add(name)
    return frozenset(names) if names else _NO_NAMES


def _service(doc: Document, data: dict[str, Any], ident: Identity, namespace: str) -> ServiceFact | None:
    spec = data.get("spec")
    if not isinstance(spec, dict):
        return None
    selector = spec.get("selector")
    if not isinstance(selector, dict) or not selector or spec.get("type") == "ExternalName":
        return None
    ports = spec.get("ports")
    named = tuple(
        (i, target)
        for i, p in enumerate(ports if isinstance(ports, list) else ())
        if isinstance(p, dict) and isinstance(target := p.get("targetPort"), str) and not target.isdigit()
    )
    return ServiceFact(doc_ref(doc, ident), namespace, {str(k): str(v) for k, v in selector.items()}, named)
