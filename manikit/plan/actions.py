"""A Plan is frozen data: resource changes with a closed Action, the before and after of each object,
and the store revision it was computed from. Fields that only explain (reasons, previews) never drive apply.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from manikit.plan.capacity import NodeUsage
from manikit.plan.diff import FieldChange
from manikit.plan.textrecord import TextRecord

Body = dict[str, Any]
#: 2: changes carry the applied configuration (server-side apply), plans their refusals
PLAN_FORMAT_VERSION = 2
#: what a saved plan file says it is (``manikit.plan.planfile``): here, so that telling a plan file from
#: a manifest imports none of the plan file's models
PLAN_FILE_MAGIC = "manikit-plan"


class Action(enum.Enum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"
    DELETE = "delete"
    NOOP = "noop"

    @property
    def symbol(self) -> str:
        return {"create": "+", "update": "~", "replace": "-/+", "delete": "-", "noop": " "}[self.value]


#: The order objects are applied in; deletions run in the reverse order, after every upsert.
APPLY_ORDER = ("Namespace", "Node", "ConfigMap", "Service", "Deployment", "ReplicaSet", "Pod")


@dataclass(frozen=True, order=True)
class ObjectKey:
    kind: str
    namespace: str
    name: str
    api_version: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.kind}/{self.namespace}/{self.name}" if self.namespace else f"{self.kind}/{self.name}"

    @classmethod
    def of(cls, body: Body) -> ObjectKey:
        meta = body.get("metadata") or {}
        return cls(
            body.get("kind", ""),
            meta.get("namespace") or "",
            meta.get("name") or "",
            body.get("apiVersion", ""),
        )


@dataclass(frozen=True)
class ResourceChange:
    key: ObjectKey
    action: Action
    before: Body | None  # the recorded object as the plan compared it
    after: Body | None  # the desired object, defaulted
    changes: tuple[FieldChange, ...] = ()
    resource_version: str | None = None  # of the recorded object, for stale-plan detection
    unchanged_fields: int = 0
    source: str = ""  # file:line of the manifest, when there is one
    known_after_apply: tuple[str, ...] = ()  # paths the control plane will fill in
    #: what apply sends: the manifest as written (server-side apply owns exactly its fields)
    manifest: Body | None = None
    #: fields ``--force-conflicts`` takes from other managers (kube's conflict lines)
    takes: tuple[str, ...] = ()
    #: recorded without manikit as its applier (made before server-side apply, or by another tool):
    #: apply makes manikit the owner of the manifest's fields, even with no field changing
    adopts: bool = False
    #: what apply notes of the document the manifest came from (``manikit.plan.textual``); explains
    #: nothing and changes nothing of what apply does
    text: TextRecord | None = field(default=None, compare=False, repr=False)
    #: the digest of ``manifest`` as apply sends it in an apply set (``unchanged.digest_of_sent``:
    #: the set, the digest), computed where the object was loaded: apply notes it without digesting
    #: the manifest again; None where not known (a saved plan, a library caller's object)
    sent: tuple[str, str] | None = field(default=None, compare=False, repr=False)

    @property
    def replacement_reasons(self) -> tuple[str, ...]:
        return tuple(c.path for c in self.changes if c.forces_replacement)

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": str(self.key),
            "kind": self.key.kind,
            "apiVersion": self.key.api_version,
            "namespace": self.key.namespace or None,
            "name": self.key.name,
            "action": self.action.value,
            "before": self.before,
            "after": self.after,
            "changed_paths": [c.path for c in self.changes],
            "changes": [c.to_dict() for c in self.changes],
            "replacement_paths": list(self.replacement_reasons),
            "known_after_apply": list(self.known_after_apply),
            "resource_version": self.resource_version,
            "source": self.source or None,
            "takes": list(self.takes),
            "adopts": self.adopts,
        }


@dataclass(frozen=True)
class Refusal:
    """An object the cluster would refuse (an immutable field, a conflict with another field manager,
    admission, quota): the server's own message, and what the user can do about it."""

    key: ObjectKey
    reason: str  # the Status reason: Invalid, Conflict, Forbidden...
    message: str  # as kubectl prints it
    hint: str = ""
    source: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": str(self.key),
            "reason": self.reason,
            "message": self.message,
            "hint": self.hint or None,
            "source": self.source or None,
        }


@dataclass(frozen=True)
class PendingPod:
    """A pod the scheduling preview says would stay Pending, with kube-scheduler's message."""

    namespace: str
    name: str
    owner: str
    message: str


@dataclass(frozen=True)
class ResourceUsage:
    resource: str
    requested: str
    allocatable: str
    percent: int


@dataclass(frozen=True)
class SchedulingPreview:
    """What the controllers and scheduler would do after the change (explanation only)."""

    pending: tuple[PendingPod, ...] = ()
    usage: tuple[ResourceUsage, ...] = ()
    pods: int = 0
    nodes: int = 0
    #: each node's requests and limits before the change and after it (the capacity pictures)
    nodes_before: tuple[NodeUsage, ...] = ()
    nodes_after: tuple[NodeUsage, ...] = ()


@dataclass(frozen=True)
class Plan:
    changes: tuple[ResourceChange, ...]
    store_id: str
    base_revision: int
    applyset: str
    unchanged: int = 0
    prune: bool = False
    preview: SchedulingPreview | None = None
    format_version: int = PLAN_FORMAT_VERSION
    #: objects the cluster would refuse: a plan with any is not applied
    refusals: tuple[Refusal, ...] = ()
    #: apply takes fields other managers own (``--force-conflicts``)
    force_conflicts: bool = False
    #: whether the cluster applies the plan all at once or not at all (a local state), else one by one
    atomic: bool = True
    #: what apply notes of the documents of objects the plan found unchanged, where no note of that
    #: text was read (``manikit.plan.textual``); explains nothing and changes no object
    text_notes: tuple[tuple[ObjectKey, TextRecord], ...] = field(default=(), compare=False, repr=False)

    def counts(self) -> dict[Action, int]:
        out = dict.fromkeys(Action, 0)
        for change in self.changes:
            out[change.action] += 1
        return out

    @property
    def empty(self) -> bool:
        return not any(c.action is not Action.NOOP for c in self.changes)

    def summary(self) -> str:
        """Terraform's line: replacements count as one add and one destroy, and are named."""
        n = self.counts()
        add = n[Action.CREATE] + n[Action.REPLACE]
        destroy = n[Action.DELETE] + n[Action.REPLACE]
        line = f"Plan: {add} to add, {n[Action.UPDATE]} to change, {destroy} to destroy."
        if n[Action.REPLACE]:
            names = ", ".join(str(c.key) for c in self.changes if c.action is Action.REPLACE)
            line += f" ({n[Action.REPLACE]} to replace: {names})"
        if self.refusals:
            line += f" {len(self.refusals)} refused by the cluster: nothing will be applied."
        return line
