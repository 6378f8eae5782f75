"""Making a plan against the control plane: desired objects, the apply set, the live objects, and the
scheduling preview. Shared by ``manikit plan`` and ``manikit apply``."""

from __future__ import annotations

import secrets

from manikit.apply.preview import with_preview
from manikit.errors import PlanError
from manikit.plan.actions import Plan
from manikit.plan.desired import DesiredSet
from manikit.plan.planner import plan_changes
from manikit.plan.state import live_objects, members
from manikit.runtime.api import Api


def make_plan(
    api: Api,
    desired: DesiredSet,
    *,
    applyset: str,
    prune: bool = False,
    allow_empty: bool = False,
    preview: bool = True,
) -> Plan:
    """The plan from the recorded state to ``desired`` (which must hold no errors)."""
    if prune and not desired.objects and not allow_empty:
        raise PlanError(
            "refusing to prune with no manifests in the input: that would delete every object of apply set "
            f'"{applyset}"; pass --allow-empty if that is what you want'
        )
    keys, known = members(api, applyset)
    plan = plan_changes(
        desired.objects,
        live_objects(api, {d.key for d in desired.objects} | keys, known),
        keys,
        store_id=api.identity,
        base_revision=api.revision(),
        applyset=applyset,
        prune=prune,
    )
    if preview and not plan.empty:
        plan = with_preview(api, plan)
    return plan


PLAN_KEY_NOTE = ("planfile", "key")


def plan_key(api: Api, *, create: bool = False) -> str:
    """The state's secret for signing saved plans (made on first use when ``create``): a plan edited
    and re-hashed by hand, or made for another state, does not verify."""
    key = api.store.get_note(*PLAN_KEY_NOTE)
    if isinstance(key, str) and key:
        return key
    if not create:
        return ""
    key = secrets.token_hex(32)
    with api.transaction():
        api.store.put_note(*PLAN_KEY_NOTE, key)
    return key
