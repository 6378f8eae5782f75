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
from dataclasses import dataclass, replace

from manikit.cluster import FIELD_MANAGER, Cluster
from manikit.errors import ConflictError, StatusError
from manikit.fields.fields_v1 import ITEM, field_set, from_fields_v1, value_at
from manikit.plan.actions import Body, ObjectKey, Refusal
from manikit.plan.changes import Desired, replace_hint
from manikit.plan.live import APPLYSET_LABEL
from manikit.plan.normalize import comparable


@dataclass
class Resolved:
    """The desired objects as the cluster would hold them, and the ones it would refuse."""

    desired: list[Desired]
    refusals: list[Refusal]


def member_manifest(manifest: Body, applyset: str) -> Body:
    """The manifest with the apply set's member label: what apply sends."""
    meta = dict(manifest.get("metadata") or {})
    meta["labels"] = {**(meta.get("labels") or {}), APPLYSET_LABEL: applyset}
    return {**manifest, "metadata": meta}


def resolve(
    cluster: Cluster,
    desired: Sequence[Desired],
    live: Mapping[ObjectKey, Body],
    *,
    applyset: str,
    replace_keys: Collection[ObjectKey] = (),
    force_conflicts: bool = False,
) -> Resolved:
    """Each desired object as the cluster would hold it after apply (``Desired.body``), with the
    manifest apply sends (``Desired.manifest``) and the fields it would take from other managers."""
    out = Resolved([], [])
    created_namespaces = {d.key.name for d in desired if d.key.kind == "Namespace" and d.key not in live}
    for item in desired:
        if item.manifest is None:  # made without its manifest (a library caller): applied as defaulted
            out.desired.append(replace(item, manifest=item.body))
            continue
        manifest = member_manifest(item.manifest, applyset)
        recorded = live.get(item.key)
        if item.key in replace_keys or (
            recorded is None
            and (cluster.defaults_locally or item.key.namespace in created_namespaces)
        ):
            # created again (or first) with manikit's defaulting: a dry run of a create whose
            # namespace does not exist yet would only say so
            out.desired.append(replace(item, manifest=manifest))
            continue
        if recorded is not None and applied_already(recorded, manifest):
            out.desired.append(replace(item, body=recorded, manifest=manifest))
            continue
        try:
            answer, takes = _dry_run(cluster, manifest, force_conflicts)
        except StatusError as exc:
            out.refusals.append(refusal(item, exc))
            continue
        out.desired.append(replace(item, body=answer, manifest=manifest, takes=takes))
    return out


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


def refusal(item: Desired, exc: StatusError) -> Refusal:
    """The server's answer for one object, as kubectl prints it, and what to do about it."""
    key = item.key
    hint = ""
    if isinstance(exc, ConflictError) and exc.causes:
        hint = (
            "another field manager owns these fields with other values; to take them, plan with "
            "--force-conflicts; to leave them, remove them from the manifest"
        )
    elif exc.reason == "Invalid" and "field is immutable" in str(exc):
        paths = tuple(c.field for c in exc.causes if "immutable" in c.message and c.field)
        hint = replace_hint(key, paths)
    return Refusal(key, exc.reason, exc.kubectl_message(), hint, item.source)


def applied_already(recorded: Body, manifest: Body) -> bool:
    """Whether applying ``manifest`` as ``manikit`` would change nothing: manikit already owns
    exactly its fields, and each holds the manifest's value (quantities compared by value)."""
    owned: set[tuple[str, ...]] | None = None
    for entry in (recorded.get("metadata") or {}).get("managedFields") or []:
        if entry.get("manager") == FIELD_MANAGER and entry.get("operation") == "Apply":
            owned = from_fields_v1(entry.get("fieldsV1") or {})
            break
    wanted = field_set(manifest)
    if owned is None or owned != wanted:
        return False
    have, want = comparable(recorded), comparable(manifest)
    for path in wanted:
        if path[-1] == ITEM or path[:2] == ("f:metadata", "f:labels") and len(path) == 3:
            continue  # an item is its fields; bookkeeping labels are compared below
        if value_at(have, path) != value_at(want, path):
            return False
    labels = (recorded.get("metadata") or {}).get("labels") or {}
    return all(labels.get(k) == v for k, v in ((manifest.get("metadata") or {}).get("labels") or {}).items())
