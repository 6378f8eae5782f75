"""What the cluster would hold after applying each manifest, asked as Kubernetes answers it: a
server-side apply with ``dryRun=All`` under field manager ``manikit`` (``kubectl diff --server-side``).

So a plan shows what server-side apply will do and nothing else: a field manikit set and no longer
sets is removed, a field it never set (``replicas`` after ``manikit scale``) is left alone, what the
server's defaulting and admission add is theirs, and a field another manager owns is a conflict
naming that manager (``--force-conflicts`` takes it). What the cluster refuses (an immutable field,
admission, quota) is a refusal with the server's own words.

Asking costs a request per object, so two cases are answered without one:
- an object whose recorded fields owned by ``manikit`` are exactly the manifest's, with the same
  values: applying it again changes nothing;
- an object to create on a cluster whose defaulting is manikit's own (the local control plane; its
  create admission runs again, atomically, when the plan is applied).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from manikit.cluster import FIELD_MANAGER, Cluster
from manikit.cluster.legacy import LEGACY_LABEL
from manikit.errors import ConflictError, StatusError
from manikit.fields.fields_v1 import fields_v1_of
from manikit.fields.strategic import list_key
from manikit.plan.actions import Body, ObjectKey, Refusal
from manikit.plan.applyset import PART_OF_LABEL, ApplySet, member_labels
from manikit.plan.changes import Desired, change_for, replace_hint
from manikit.plan.live import LiveObjects
from manikit.plan.normalize import comparable, drop_allocated


@dataclass
class Resolved:
    """The desired objects as the cluster would hold them, and the ones it would refuse."""

    desired: list[Desired]
    refusals: list[Refusal]
    #: objects applying would not change (``applied_already``): planned as no-ops without a diff
    unchanged: list[ObjectKey] = field(default_factory=list)


@lru_cache(maxsize=16)
def _applyset(name: str) -> ApplySet:
    return ApplySet.named(name)


def member_manifest(manifest: Body, applyset: str) -> Body:
    """The manifest with the apply set's member label (``applyset.kubernetes.io/part-of``): what apply
    sends."""
    meta = dict(manifest.get("metadata") or {})
    labels, aset = meta.get("labels") or {}, _applyset(applyset)
    what = "" if labels.get(PART_OF_LABEL, aset.id) == aset.id else str(ObjectKey.of(manifest))
    meta["labels"] = member_labels(labels, aset, what)  # ``what`` names the object it refuses
    return {**manifest, "metadata": meta}


def is_member_manifest(manifest: Body, applyset: str) -> bool:
    """Whether ``manifest`` is as ``member_manifest`` makes it already (the set's part-of label, not the
    old manikit label), so that ``member_manifest`` would make an equal copy, key for key in order."""
    meta = manifest.get("metadata")
    labels = meta.get("labels") if type(meta) is dict else None
    return (
        type(labels) is dict
        and labels.get(PART_OF_LABEL) == _applyset(applyset).id
        and LEGACY_LABEL not in labels
    )


def resolve(
    cluster: Cluster,
    desired: Sequence[Desired],
    live: Mapping[ObjectKey, Body],
    *,
    applyset: str,
    replace_keys: Collection[ObjectKey] = (),
    force_conflicts: bool = False,
    unread: Collection[ObjectKey] = (),
) -> Resolved:
    """Each desired object as the cluster would hold it after apply (``Desired.body``), with the
    manifest apply sends (``Desired.manifest``) and the fields it would take from other managers.
    ``unread``: objects the cluster holds that are not in ``live`` (not read: unchanged)."""
    out = Resolved([], [])
    created_namespaces = {
        d.key.name for d in desired if d.key.kind == "Namespace" and d.key not in live and d.key not in unread
    }
    for item in desired:
        if item.manifest is None:  # made without its manifest (a library caller): applied as defaulted
            out.desired.append(item.replaced(manifest=item.body))
            continue
        manifest = member_manifest(item.manifest, applyset)
        recorded = live.get(item.key)
        if (replace_keys and item.key in replace_keys) or (
            recorded is None and (cluster.defaults_locally or item.key.namespace in created_namespaces)
        ):
            # created again (or first) with manikit's defaulting: a dry run of a create whose
            # namespace does not exist yet would only say so
            out.desired.append(item.replaced(manifest=manifest, member_of=applyset))
            continue
        if recorded is not None and _unchanged(recorded, manifest):
            out.unchanged.append(item.key)  # its body would be the recorded one: no change to diff
            _release(live, item.key)
            continue
        try:
            answer, takes = _dry_run(cluster, manifest, force_conflicts)
        except StatusError as exc:
            out.refusals.append(refusal(item, exc, recorded))
            _release(live, item.key)
            continue
        adopts = recorded is not None and applier(recorded) is None
        out.desired.append(
            item.replaced(body=answer, manifest=manifest, takes=takes, adopts=adopts, member_of=applyset)
        )
    return out


def _release(live: Mapping[ObjectKey, Body], key: ObjectKey) -> None:
    if isinstance(live, LiveObjects):
        live.release(key)  # the plan is done with it: a plan of many objects holds only its changes


def _dry_run(cluster: Cluster, manifest: Body, force: bool) -> tuple[Body, tuple[str, ...]]:
    try:
        return cluster.apply(manifest, manager=FIELD_MANAGER, dry_run=True), ()
    except ConflictError as exc:
        if not force or not exc.causes:
            raise
        taken = tuple(f"{c.field} from {_manager_of(c.message)}" for c in exc.causes)
        return cluster.apply(manifest, manager=FIELD_MANAGER, force=True, dry_run=True), taken


def _manager_of(message: str) -> str:
    """``conflict with "kubectl-scale" with subresource "scale"`` -> the part after "conflict with"."""
    return message.removeprefix("conflict with ").strip() or "another manager"


def refusal(item: Desired, exc: StatusError, recorded: Body | None = None) -> Refusal:
    """The server's answer for one object, as kubectl prints it, and what to do about it."""
    key = item.key
    hint = ""
    if isinstance(exc, ConflictError) and exc.causes:
        hint = (
            "another field manager owns these fields with other values; to take them, plan with "
            "--force-conflicts; to leave them, remove them from the manifest"
        )
    elif exc.reason == "Invalid" and recorded is not None:
        paths = change_for(item, recorded).replacement_reasons  # what Kubernetes will not change in place
        if paths or "field is immutable" in str(exc):
            hint = replace_hint(key, paths)
    return Refusal(key, exc.reason, exc.kubectl_message(), hint, item.source)


def applier(recorded: Body) -> dict[str, Any] | None:
    """The managedFields entry of manikit's server-side applies, if it has one."""
    for entry in (recorded.get("metadata") or {}).get("managedFields") or []:
        if entry.get("manager") == FIELD_MANAGER and entry.get("operation") == "Apply":
            return dict(entry)
    return None


def applied_already(recorded: Body, manifest: Body) -> bool:
    """Whether applying ``manifest`` as ``manikit`` would change nothing: manikit already owns
    exactly its fields, and the recorded object holds each of them with the manifest's value (keyed
    lists in the manifest's order; quantities compared by value)."""
    return _applied(recorded, comparable(recorded), manifest)


def _applied(recorded: Body, have: Body, manifest: Body) -> bool:
    entry = applier(recorded)
    if entry is None or entry.get("fieldsV1") != fields_v1_of(manifest):
        return False
    return _holds(have, comparable(manifest))


def _unchanged(recorded: Body, manifest: Body) -> bool:
    """``applied_already``, and the plan's comparison of the recorded object with itself finds no
    difference (what the control plane allocated is left out of one side only where it is unset)."""
    have = comparable(recorded)
    return _applied(recorded, have, manifest) and drop_allocated(have, have) == have


def _holds(have: Any, want: Any, field: str = "") -> bool:
    """Whether ``have`` holds everything ``want`` sets (and maybe more), keyed list items matched by
    their merge key and in ``want``'s order (an env var reordered is a change: later variables may
    refer to earlier ones)."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return False
        for k, v in want.items():  # loops, not all(...): a plan walks every field of every object
            if k not in have:
                return False
            if isinstance(v, (dict, list)):
                if not _holds(have[k], v, k):
                    return False
            elif have[k] != v:
                return False
        return True
    if isinstance(want, list) and want and all(isinstance(i, dict) for i in want):
        key = list_key(field, want)
        if key is not None and isinstance(have, list):
            found = {i.get(key): i for i in have if isinstance(i, dict)}
            wanted = [i.get(key) for i in want]
            chosen = set(wanted)
            if [k for k in found if k in chosen] != wanted:
                return False
            return all(_holds(found[i.get(key)], i) for i in want)
    return bool(have == want)
