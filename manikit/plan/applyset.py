"""An apply set as the ApplySet standard defines it (KEP-3659, what ``kubectl apply --prune --applyset``
uses): a parent object that names the set, and members labelled with the parent's id.

The parent of apply set NAME is the ConfigMap NAME in kube-system, a namespace every cluster has and
users seldom fill, labelled ``applyset.kubernetes.io/id`` and annotated with the tooling
(``manikit/<version>``), the member kinds and the member namespaces besides kube-system. Each member
carries ``applyset.kubernetes.io/part-of: <id>``. Any tool that knows the standard sees from the
parent whose set it is (kubectl refuses to prune a set whose tooling is not kubectl's), and manikit
refuses to take over a parent another tool manages.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from manikit.cluster import Cluster
from manikit.cluster.legacy import LEGACY_LABEL
from manikit.errors import PlanError
from manikit.kinds.names import dns1123_subdomain
from manikit.plan.actions import Body, ObjectKey

ID_LABEL = "applyset.kubernetes.io/id"
PART_OF_LABEL = "applyset.kubernetes.io/part-of"
TOOLING_ANNOTATION = "applyset.kubernetes.io/tooling"
GROUP_KINDS_ANNOTATION = "applyset.kubernetes.io/contains-group-kinds"
NAMESPACES_ANNOTATION = "applyset.kubernetes.io/additional-namespaces"
TOOL = "manikit"
PARENT_KIND = "ConfigMap"
PARENT_API_VERSION = "v1"
PARENT_NAMESPACE = "kube-system"


def applyset_id(name: str, namespace: str, kind: str, group: str) -> str:
    """The standard's id of the set a parent names: ``applyset-`` + unpadded URL-safe base64 of the
    SHA-256 of ``<name>.<namespace>.<kind>.<group>`` + ``-v1`` (a valid label value)."""
    digest = hashlib.sha256(".".join((name, namespace, kind, group)).encode()).digest()
    return f"applyset-{base64.urlsafe_b64encode(digest).decode().rstrip('=')}-v1"


def tooling() -> str:
    from manikit import __version__

    return f"{TOOL}/{__version__}"


def group_kind(key: ObjectKey) -> str:
    """``Kind.group`` as the standard writes a group-kind (``Kind`` alone for the core group)."""
    group = key.api_version.rpartition("/")[0] if "/" in key.api_version else ""
    return f"{key.kind}.{group}" if group else key.kind


def split_group_kind(text: str) -> tuple[str, str]:
    kind, _, group = text.strip().partition(".")
    return kind, group


@dataclass(frozen=True)
class ApplySet:
    """Apply set ``name``: its parent's address and id."""

    name: str

    @classmethod
    def named(cls, name: str) -> ApplySet:
        problems = dns1123_subdomain(name)
        if problems:
            raise PlanError(
                f'--applyset "{name}" cannot name an apply set: it names its parent, the ConfigMap '
                f"{PARENT_NAMESPACE}/{name}, and {'; '.join(problems)}"
            )
        return cls(name)

    @cached_property
    def id(self) -> str:
        return applyset_id(self.name, PARENT_NAMESPACE, PARENT_KIND, "")

    @property
    def parent_key(self) -> ObjectKey:
        return ObjectKey(PARENT_KIND, PARENT_NAMESPACE, self.name, PARENT_API_VERSION)

    @property
    def member_labels(self) -> dict[str, str]:
        return {PART_OF_LABEL: self.id}

    def __str__(self) -> str:
        return f"apply set {self.name!r} (parent {PARENT_KIND} {PARENT_NAMESPACE}/{self.name})"


def member_labels(labels: dict[str, str], applyset: ApplySet, what: str) -> dict[str, str]:
    """A member's labels: the set's part-of label added, the old manikit label dropped. A manifest that
    sets part-of to another set is refused, as kubectl refuses it."""
    given = labels.get(PART_OF_LABEL)
    if given is not None and given != applyset.id:
        raise PlanError(
            f"{what} carries the label {PART_OF_LABEL}={given}, which puts it in another apply set than "
            f"{applyset} ({applyset.id}); remove the label from the manifest"
        )
    out = {k: v for k, v in labels.items() if k != LEGACY_LABEL}
    out[PART_OF_LABEL] = applyset.id
    return out


def check_parent(applyset: ApplySet, parent: Body) -> None:
    """Refuse a parent manikit must not take over: another tool's, or an object that is no parent or
    the parent of another set (kubectl's checks when it fetches a parent)."""
    meta = parent.get("metadata") or {}
    labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
    where = f"{PARENT_KIND} {PARENT_NAMESPACE}/{applyset.name}"
    tool = annotations.get(TOOLING_ANNOTATION)
    if tool is None:
        raise PlanError(
            f"{where} exists and is not an apply set parent (no {TOOLING_ANNOTATION} annotation); manikit "
            f"will not take it over: choose another --applyset name"
        )
    owner = tool.rpartition("/")[0] if "/" in tool else tool
    if owner != TOOL:
        raise PlanError(
            f'{where} is the parent of an apply set managed by "{tool}", not by manikit; manikit will not '
            f"change or prune another tool's set: choose another --applyset name"
        )
    if labels.get(ID_LABEL) != applyset.id:
        raise PlanError(
            f"{where} has {ID_LABEL}={labels.get(ID_LABEL, '<none>')!s}, not {applyset.id} as the ApplySet "
            f"standard computes for it; it was copied or edited by hand: delete it or choose another "
            f"--applyset name"
        )


def read_parent(cluster: Cluster, applyset: ApplySet) -> Body | None:
    """The set's parent, checked (None when the set has none yet)."""
    parent = cluster.find(PARENT_KIND, applyset.name, PARENT_NAMESPACE)
    if parent is not None:
        check_parent(applyset, parent)
    return parent


def group_kinds(parent: Body) -> list[tuple[str, str]]:
    """The (kind, group) pairs the parent says its members are of."""
    text = ((parent.get("metadata") or {}).get("annotations") or {}).get(GROUP_KINDS_ANNOTATION) or ""
    return sorted({split_group_kind(part) for part in text.split(",") if part.strip()})


def parent_body(applyset: ApplySet, members: Iterable[ObjectKey], current: Body | None) -> Body:
    """The parent to write for ``members``: the current one (its data, other labels and annotations
    kept) with the standard's label and annotations brought up to date."""
    members = list(members)
    if applyset.parent_key in members:
        raise PlanError(
            f"the manifests hold {PARENT_KIND} {PARENT_NAMESPACE}/{applyset.name}, the parent of "
            f"{applyset}; rename that ConfigMap or choose another --applyset name"
        )
    kinds = sorted({group_kind(k) for k in members})
    namespaces = sorted({k.namespace for k in members if k.namespace and k.namespace != PARENT_NAMESPACE})
    body = dict(current or {"apiVersion": PARENT_API_VERSION, "kind": PARENT_KIND})
    meta = dict(body.get("metadata") or {"name": applyset.name, "namespace": PARENT_NAMESPACE})
    meta["labels"] = {**(meta.get("labels") or {}), ID_LABEL: applyset.id}
    meta["annotations"] = {
        **(meta.get("annotations") or {}),
        TOOLING_ANNOTATION: tooling(),
        GROUP_KINDS_ANNOTATION: ",".join(kinds),
        NAMESPACES_ANNOTATION: ",".join(namespaces),
    }
    body["metadata"] = meta
    return body


def save_parent(cluster: Cluster, applyset: ApplySet, members: Iterable[ObjectKey]) -> Body:
    """Create or update the set's parent so it lists ``members``' kinds and namespaces."""
    current = read_parent(cluster, applyset)
    body = parent_body(applyset, members, current)
    if current is None:
        return cluster.create(body)
    if body == current:
        return current
    return cluster.update(body)
