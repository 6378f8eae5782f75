"""Desired objects against recorded ones: what would be created, changed, replaced or deleted.

Identical objects are skipped before any field-level diff by comparing their canonical forms whole
(dict equality runs in C and stops at the first difference: cheaper than hashing both sides), so a
plan of 10,000 objects with one change diffs one object.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

from manikit.errors import PlanError
from manikit.kinds.registry import forces_replacement
from manikit.plan.actions import APPLY_ORDER, Action, Body, ObjectKey, Plan, Refusal, ResourceChange
from manikit.plan.diff import FieldChange, count_leaves, diff
from manikit.plan.normalize import comparable, drop_allocated
from manikit.plan.packed import Packed
from manikit.plan.textrecord import TextRecord

PREVENT_DESTROY = "manikit.dev/prevent-destroy"


#: The digest of what apply would send for an object in an apply set (``manikit.plan.unchanged``),
#: computed where the object was loaded: (apply set, digest; None where the set refuses the object).
SentDigest = tuple[str, str | None]


class Desired:
    """One manifest object, already defaulted (``normalize.desired_body``), and where it came from.

    An object a worker process loaded keeps its body and manifest packed (``manikit.plan.packed``)
    until they are first read: a plan that finds an object unchanged from its key and ``sent`` digest
    never unpacks it. Immutable, as frozen data: ``replaced`` makes a changed copy.
    """

    __slots__ = ("_adopts", "_body", "_key", "_manifest", "_packed", "_sent", "_source", "_takes", "_text")

    def __init__(
        self,
        body: Body,
        source: str = "",
        manifest: Body | None = None,
        takes: tuple[str, ...] = (),
        adopts: bool = False,
        sent: SentDigest | None = None,
    ) -> None:
        self._body: Body | None = body  # what the cluster would hold: defaulted, or a dry run's answer
        self._manifest = manifest  # the manifest as written: what server-side apply sends
        self._packed: Packed | None = None
        self._key: ObjectKey | None = None
        self._source = source  # file:line of the manifest
        self._takes = takes  # fields --force-conflicts takes from other managers
        self._adopts = adopts  # recorded without manikit as its applier: apply makes it one
        self._sent = sent
        self._text: TextRecord | None = None  # what apply notes of the document (plan/textual.py)

    @classmethod
    def packed(cls, key: ObjectKey, source: str, packed: Packed, sent: SentDigest | None = None) -> Desired:
        """A loaded object whose body and manifest are unpacked when first read."""
        item = cls({}, source, None, (), False, sent)
        item._body, item._packed, item._key = None, packed, key
        return item

    @property
    def body(self) -> Body:
        if self._body is None:
            assert self._packed is not None  # one of the two is always set
            self._body = self._packed.unpack_body()
        return self._body

    @property
    def unpacked(self) -> bool:
        """Whether the body is at hand (reading it unpacks and defaults nothing)."""
        return self._body is not None

    @property
    def manifest(self) -> Body | None:
        if self._manifest is None and self._packed is not None:
            self._manifest = self._packed.unpack_manifest()
        return self._manifest

    @property
    def key(self) -> ObjectKey:
        if self._key is None:
            self._key = ObjectKey.of(self.body)
        return self._key

    @property
    def source(self) -> str:
        return self._source

    @property
    def takes(self) -> tuple[str, ...]:
        return self._takes

    @property
    def adopts(self) -> bool:
        return self._adopts

    @property
    def sent(self) -> SentDigest | None:
        return self._sent

    @property
    def text(self) -> TextRecord | None:
        """What apply notes of the one document this object came from; None when loading did not
        make one (``manikit.plan.textual``)."""
        return self._text

    @property
    def from_note(self) -> bool:
        """Whether loading took this object from the note of its document's text (not parsed)."""
        return self._packed is not None and self._packed.text is not None

    def note_text(self, record: TextRecord | None, sent: SentDigest | None = None) -> None:
        """Set ``text`` (and ``sent``, when not yet known), once, while loading makes the object."""
        self._text = record
        if self._sent is None:
            self._sent = sent

    def replaced(
        self,
        *,
        body: Body | None = None,
        manifest: Body | None = None,
        takes: tuple[str, ...] | None = None,
        adopts: bool | None = None,
        member_of: str | None = None,
    ) -> Desired:
        """A copy with the given fields changed (``dataclasses.replace``); what apply sends changes the
        digest, so a copy with another manifest has none, unless ``member_of`` names the apply set
        its digest is of and ``manifest`` is this one's as apply sends it there (``member_manifest``:
        the digest is of that very manifest)."""
        sent = self._sent
        keeps = manifest is None or (member_of is not None and sent is not None and sent[0] == member_of)
        copy = Desired(
            self.body if body is None else body,
            self._source,
            self.manifest if manifest is None else manifest,
            self._takes if takes is None else takes,
            self._adopts if adopts is None else adopts,
            sent if keeps else None,
        )
        copy._text = self._text  # it says what it sends: apply notes it only where that is what it sent
        if body is None and self._packed is None:
            copy._key = self._key  # made of the same body (``key``), if made yet
        return copy

    def _fields(self) -> tuple[object, ...]:
        return (self.body, self._source, self.manifest, self._takes, self._adopts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Desired) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable dicts inside, as the dataclass was

    def __repr__(self) -> str:
        return f"Desired({self.key}, source={self._source!r})"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        key = self._key
        return (
            _restored,
            (
                self._body,
                self._manifest,
                self._packed,
                None if key is None else (key.kind, key.namespace, key.name, key.api_version),
                self._source,
                self._takes,
                self._adopts,
                self._sent,
                self._text,
            ),
        )


def _restored(
    body: Body | None,
    manifest: Body | None,
    packed: Packed | None,
    key: tuple[str, str, str, str] | None,
    source: str,
    takes: tuple[str, ...],
    adopts: bool,
    sent: SentDigest | None,
    text: TextRecord | None = None,
) -> Desired:
    """A Desired from ``Desired.__reduce__``'s parts (pickled between processes)."""
    item = Desired({}, source, manifest, takes, adopts, sent)
    item._body, item._packed, item._text = body, packed, text
    item._key = None if key is None else ObjectKey(*key)
    return item


def plan_changes(
    desired: Sequence[Desired],
    live: Mapping[ObjectKey, Body],
    inventory: Iterable[ObjectKey],
    *,
    store_id: str,
    base_revision: int,
    applyset: str,
    prune: bool = False,
    replace: Collection[ObjectKey] = (),
    refusals: Sequence[Refusal] = (),
    force_conflicts: bool = False,
    atomic: bool = True,
    unchanged: Collection[ObjectKey] = (),
) -> Plan:
    """Compare ``desired`` with the ``live`` objects of the same keys; with ``prune``, delete what the
    apply set's ``inventory`` holds that the manifests no longer do. ``unchanged``: manifest objects
    known to be unchanged without a comparison (``manikit.plan.unchanged``), not in ``desired``.

    A change to an immutable field is a refusal, as Kubernetes answers it, unless the object is in
    ``replace`` (then it is deleted and created again: ``-/+``)."""
    changes: list[ResourceChange] = []
    refused = list(refusals)
    refused_keys = {r.key for r in refused}
    noops = len(unchanged)
    for item in desired:
        key = item.key
        if refused_keys and key in refused_keys:
            continue
        change = change_for(item, live.get(key), bool(replace) and key in replace)
        if change.action is Action.REPLACE and item.key not in replace:
            refused.append(immutable_refusal(change))
            continue
        if change.action is Action.NOOP:
            noops += 1
        else:
            changes.append(change)
    if prune:
        # a refused object is still wanted: never pruned
        wanted = {d.key for d in desired} | refused_keys | set(unchanged)
        for key in sorted(set(inventory) - wanted):
            body = live.get(key)
            if body is not None:
                changes.append(
                    ResourceChange(
                        key,
                        Action.DELETE,
                        comparable(body),
                        None,
                        (),
                        _rv(body),
                        count_leaves(comparable(body)),
                    )
                )
    plan = Plan(
        tuple(sorted(changes, key=_order)),
        store_id,
        base_revision,
        applyset,
        noops,
        prune,
        refusals=tuple(sorted(refused, key=lambda r: r.key)),
        force_conflicts=force_conflicts,
        atomic=atomic,
    )
    _check_prevent_destroy(plan, live)
    return plan


def change_for(item: Desired, recorded: Body | None, replace: bool = False) -> ResourceChange:
    """The change from ``recorded`` to ``item`` (a replacement where it touches immutable fields)."""
    after = comparable(item.body)
    manifest = item.manifest
    if recorded is None:
        return ResourceChange(
            item.key,
            Action.CREATE,
            None,
            after,
            (),
            None,
            0,
            item.source,
            _known_after_apply(after),
            manifest,
            item.takes,
            text=item.text,
            sent=_sent(item),
        )
    before = drop_allocated(comparable(recorded), after)
    if before == after and not replace:
        action = Action.UPDATE if item.adopts else Action.NOOP
        hidden = count_leaves(after) if item.adopts else 0
        return ResourceChange(
            item.key,
            action,
            before,
            after,
            (),
            _rv(recorded),
            hidden,
            item.source,
            (),
            manifest,
            (),
            item.adopts,
            item.text,
            _sent(item),
        )
    changes = tuple(_mark_immutable(item.key.kind, c, before) for c in diff(before, after))
    forced = replace or any(c.forces_replacement for c in changes)
    action = Action.REPLACE if forced else Action.UPDATE
    hidden = max(0, count_leaves(after) - len(changes))
    return ResourceChange(
        item.key,
        action,
        before,
        after,
        changes,
        _rv(recorded),
        hidden,
        item.source,
        (),
        manifest,
        item.takes,
        item.adopts,
        item.text,
        _sent(item),
    )


def _sent(item: Desired) -> tuple[str, str] | None:
    """What ``ResourceChange.sent`` says of ``item``'s manifest: its digest as sent, where known."""
    sent = item.sent
    return None if sent is None or sent[1] is None else (sent[0], sent[1])


def immutable_refusal(change: ResourceChange) -> Refusal:
    """Kubernetes' answer to an in-place change of immutable fields, and the way out (``--replace``)."""
    paths = change.replacement_reasons
    causes = [f"{path}: field is immutable" for path in paths]
    listed = causes[0] if len(causes) == 1 else f"[{', '.join(causes)}]"
    return Refusal(
        change.key,
        "Invalid",
        f'The {change.key.kind} "{change.key.name}" is invalid: {listed}',
        replace_hint(change.key, paths),
        change.source,
    )


def replace_hint(key: ObjectKey, paths: Sequence[str] = ()) -> str:
    fields = ", ".join(paths) if paths else "these fields"
    return (
        f"Kubernetes refuses to change {fields} in place. To delete {key} and create it again "
        f"(its pods and traffic go while it does), plan with --replace {key}"
    )


def _mark_immutable(kind: str, change: FieldChange, before: Body) -> FieldChange:
    if _is_immutable(kind, change, before):
        return FieldChange(change.path, change.kind, change.before, change.after, forces_replacement=True)
    return change


def _is_immutable(kind: str, change: FieldChange, before: Body) -> bool:
    return forces_replacement(kind, change.path, change.kind, before)


def _known_after_apply(after: Body) -> tuple[str, ...]:
    kind = after.get("kind")
    spec = after.get("spec") or {}
    paths: list[str] = []
    if kind == "Service":
        if not spec.get("clusterIP") and spec.get("type") != "ExternalName":
            paths.append("spec.clusterIP")
        if spec.get("type") in ("NodePort", "LoadBalancer"):
            for port in spec.get("ports") or []:
                if "nodePort" not in port:
                    paths.append(f"spec.ports[port={port.get('port')}].nodePort")
    if kind in ("Deployment", "ReplicaSet"):
        paths.append("pods (names, nodes, IPs)")
    if kind == "Pod":
        paths.extend(["spec.nodeName", "status.podIP"])
    return tuple(paths)


def _rv(body: Body) -> str | None:
    value = (body.get("metadata") or {}).get("resourceVersion")
    return str(value) if value is not None else None


def _order(change: ResourceChange) -> tuple[int, int, str, str, str]:
    """Upserts in APPLY_ORDER, then deletes in reverse; by key within a kind (the key's own order,
    ``ObjectKey``'s compared fields, as plain strings: compared in C)."""
    key = change.key
    rank = _RANKS.get(key.kind, len(APPLY_ORDER))
    if change.action is Action.DELETE:
        return (1, -rank, key.kind, key.namespace, key.name)
    return (0, rank, key.kind, key.namespace, key.name)


_RANKS = {kind: rank for rank, kind in enumerate(APPLY_ORDER)}


def _check_prevent_destroy(plan: Plan, live: Mapping[ObjectKey, Body]) -> None:
    blocked = []
    for change in plan.changes:
        if change.action not in (Action.DELETE, Action.REPLACE):
            continue
        annotations = ((live.get(change.key) or {}).get("metadata") or {}).get("annotations") or {}
        if str(annotations.get(PREVENT_DESTROY, "")).lower() == "true":
            blocked.append(f"{change.key} ({change.action.value})")
    if blocked:
        raise PlanError(
            f'the plan would destroy objects marked {PREVENT_DESTROY}: "true": {", ".join(blocked)}; '
            "remove the annotation first if this is intended"
        )
