"""Saved plans (``manikit plan --out plan.mkplan``): the plan with the store's identity and revision and
each recorded object's resourceVersion, so that apply can refuse a plan whose base moved.

A plan file is read under limits (size, nesting), its checksum must match (a hand-edited plan is
refused as changed) and its content must fit the schema below before anything uses it. With a key
(a secret kept in the state), the checksum is an HMAC: recomputing a plain hash after editing a plan
does not make it acceptable to the state it was made for."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from manikit.errors import PlanError
from manikit.plan.actions import PLAN_FILE_MAGIC, PLAN_FORMAT_VERSION, Action, ObjectKey, Plan, ResourceChange
from manikit.plan.diff import FieldChange

MAGIC = PLAN_FILE_MAGIC
MAX_PLAN_BYTES = 512 * 2**20
_ACTIONS = Literal["create", "update", "replace", "delete", "noop"]


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class _FieldChangeSchema(_Strict):
    path: str
    kind: Literal["add", "remove", "change", "reorder"]
    before: Any = None
    after: Any = None
    forces_replacement: bool = False


class _ChangeSchema(_Strict):
    key: list[str] = Field(min_length=4, max_length=4)
    action: _ACTIONS
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[_FieldChangeSchema]
    resource_version: str | int | None
    unchanged_fields: int = Field(0, ge=0)
    source: str = ""
    known_after_apply: list[str] = []
    manifest: dict[str, Any] | None = None
    takes: list[str] = []
    adopts: bool = False


class _PlanSchema(_Strict):
    format_version: int
    store_id: str
    base_revision: int = Field(ge=0, le=2**63 - 1)
    applyset: str
    prune: bool = False
    unchanged: int = Field(0, ge=0)
    force_conflicts: bool = False
    atomic: bool = True
    changes: list[_ChangeSchema]


def _checksum(text: str, key: str) -> str:
    if not key:
        return hashlib.sha256(text.encode()).hexdigest()
    return "hmac-sha256:" + hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest()


def save_plan(plan: Plan, path: str | os.PathLike[str], key: str = "") -> None:
    if plan.refusals:
        raise PlanError(f"{path}: not saved: the cluster would refuse part of this plan")
    body = {
        "format_version": plan.format_version,
        "store_id": plan.store_id,
        "base_revision": plan.base_revision,
        "applyset": plan.applyset,
        "prune": plan.prune,
        "unchanged": plan.unchanged,
        "force_conflicts": plan.force_conflicts,
        "atomic": plan.atomic,
        "changes": [_change_to_dict(c) for c in plan.changes],
    }
    text = json.dumps(body, sort_keys=True, default=str)
    envelope = {"kind": MAGIC, "checksum": _checksum(text, key), "plan": body}
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps(envelope, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise PlanError(f"{path}: cannot write the plan: {exc.strerror or exc}") from exc


def load_plan(path: str | os.PathLike[str], key: str = "") -> Plan:
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PLAN_BYTES + 1)
        if len(data) > MAX_PLAN_BYTES:
            raise PlanError(f"{path}: over {MAX_PLAN_BYTES // 2**20} MiB: not a plan manikit wrote")
        envelope = json.loads(data.decode("utf-8"))
    except OSError as exc:
        raise PlanError(f"{path}: cannot read the plan: {exc.strerror or exc}") from exc
    except (ValueError, RecursionError) as exc:  # JSON, UTF-8, nesting beyond the parser's depth
        raise PlanError(f"{path}: not a manikit plan file (made by `manikit plan --out`)") from exc
    if not isinstance(envelope, dict) or envelope.get("kind") != MAGIC or "plan" not in envelope:
        raise PlanError(f"{path}: not a manikit plan file (made by `manikit plan --out`)")
    body = envelope["plan"]
    try:
        text = json.dumps(body, sort_keys=True, default=str)
    except RecursionError as exc:
        raise PlanError(f"{path}: not a manikit plan file: nested too deeply") from exc
    if not hmac.compare_digest(_checksum(text, key), str(envelope.get("checksum"))):
        raise PlanError(
            f"{path}: the plan file was changed after it was written (or made for another state); "
            "make a new one with manikit plan --out"
        )
    if not isinstance(body, dict) or body.get("format_version") != PLAN_FORMAT_VERSION:
        found = body.get("format_version") if isinstance(body, dict) else None
        raise PlanError(
            f"{path}: plan format {str(found)[:20]} is not supported by this manikit "
            f"(format {PLAN_FORMAT_VERSION}); make a new plan"
        )
    try:
        _PlanSchema.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the plan"
        raise PlanError(
            f"{path}: not a valid plan: {where}: {first['msg']}; make a new one with manikit plan --out"
        ) from None
    return Plan(
        changes=tuple(_change_from_dict(c) for c in body["changes"]),
        store_id=body["store_id"],
        base_revision=int(body["base_revision"]),
        applyset=body["applyset"],
        unchanged=int(body.get("unchanged", 0)),
        prune=bool(body.get("prune", False)),
        force_conflicts=bool(body.get("force_conflicts", False)),
        atomic=bool(body.get("atomic", True)),
    )


def _change_to_dict(change: ResourceChange) -> dict[str, Any]:
    return {
        "key": [change.key.kind, change.key.namespace, change.key.name, change.key.api_version],
        "action": change.action.value,
        "before": change.before,
        "after": change.after,
        "changes": [c.to_dict() for c in change.changes],
        "resource_version": change.resource_version,
        "unchanged_fields": change.unchanged_fields,
        "source": change.source,
        "known_after_apply": list(change.known_after_apply),
        "manifest": change.manifest,
        "takes": list(change.takes),
        "adopts": change.adopts,
    }


def _change_from_dict(data: dict[str, Any]) -> ResourceChange:
    kind, namespace, name, api_version = data["key"]
    return ResourceChange(
        key=ObjectKey(kind, namespace, name, api_version),
        action=Action(data["action"]),
        before=data["before"],
        after=data["after"],
        changes=tuple(
            FieldChange(
                c["path"], c["kind"], c.get("before"), c.get("after"), bool(c.get("forces_replacement"))
            )
            for c in data["changes"]
        ),
        resource_version=data["resource_version"],
        unchanged_fields=int(data.get("unchanged_fields", 0)),
        source=data.get("source", ""),
        known_after_apply=tuple(data.get("known_after_apply", ())),
        manifest=data.get("manifest"),
        takes=tuple(data.get("takes", ())),
        adopts=bool(data.get("adopts", False)),
    )


def _progress_path(path: str | os.PathLike[str]) -> Path:
    return Path(f"{os.fspath(path)}.applied")


def _plan_digest(path: str | os.PathLike[str]) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def load_progress(path: str | os.PathLike[str]) -> dict[ObjectKey, str | None]:
    """What an earlier apply of the plan at ``path`` applied before it stopped (each object's
    resourceVersion after it, None: deleted); empty if none did, or if the plan file was replaced."""
    try:
        data = json.loads(_progress_path(path).read_text(encoding="utf-8"))
        if data.get("plan") != _plan_digest(path):
            return {}
        return {
            ObjectKey(*entry["key"]): (None if entry["version"] is None else str(entry["version"]))
            for entry in data["applied"]
        }
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def save_progress(path: str | os.PathLike[str], applied: dict[ObjectKey, str | None]) -> None:
    """Keep beside the plan file what an apply of it did before it stopped (``load_progress``)."""
    body = {
        "plan": _plan_digest(path),
        "applied": [
            {"key": [k.kind, k.namespace, k.name, k.api_version], "version": v} for k, v in applied.items()
        ],
    }
    target = _progress_path(path)
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        raise PlanError(f"{target}: cannot record what was applied: {exc.strerror or exc}") from exc


def clear_progress(path: str | os.PathLike[str]) -> None:
    _progress_path(path).unlink(missing_ok=True)
