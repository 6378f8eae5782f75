"""Crafted saved plans: truncated, hand-edited, re-checksummed with missing or wrong fields, unknown
actions, deep nesting, huge: each refused in one line (exit 1), never parsed into a crash."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from manikit.runtime.store import SqliteStore
from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES

APP = str(EXAMPLES / "app")


def _saved(tmp_path: Path) -> tuple[str, Path]:
    state = str(tmp_path / "state.db")
    plan = tmp_path / "p.mkplan"
    made = run_cli("plan", "--state", state, "--no-preview", "--out", str(plan), APP)
    assert made.exit_code in (0, 2) and plan.is_file(), made.stderr
    return state, plan


def _resigned(plan: Path, edit: Callable[[dict[str, Any]], Any], key: str = "") -> None:
    """Edit the plan and recompute its checksum: a plain hash, as a determined hand-editor would, or
    with the state's own key (``key``), to reach the schema checks behind the signature."""
    envelope = json.loads(plan.read_text())
    envelope["plan"] = edit(envelope["plan"]) or envelope["plan"]
    text = json.dumps(envelope["plan"], sort_keys=True, default=str).encode()
    digest = (
        hmac.new(key.encode(), text, hashlib.sha256).hexdigest() if key else hashlib.sha256(text).hexdigest()
    )
    envelope["checksum"] = f"hmac-sha256:{digest}" if key else digest
    plan.write_text(json.dumps(envelope))


def _key(state: str) -> str:
    store = SqliteStore.open(state)
    try:
        return str(store.get_note("planfile", "key"))
    finally:
        store.close()


CRAFTED: dict[str, tuple[Callable[[dict[str, Any]], Any], str]] = {
    "missing changes": (lambda b: b.pop("changes") and None, "not a valid plan: changes: Field required"),
    "wrong type": (lambda b: b.update(base_revision="7"), "not a valid plan: base_revision: Input should be"),
    "unknown action": (
        lambda b: b["changes"][0].update(action="explode"),
        "not a valid plan: changes.0.action: Input should be 'create'",
    ),
    "short key": (lambda b: b["changes"][0].update(key=["Pod"]), "not a valid plan: changes.0.key"),
    "not a mapping": (lambda b: [b], "plan format None is not supported"),
}


@pytest.mark.parametrize("case", sorted(CRAFTED))
def test_a_crafted_plan_is_refused(tmp_path: Path, case: str) -> None:
    state, plan = _saved(tmp_path)
    edit, message = CRAFTED[case]
    _resigned(plan, edit, _key(state))
    result = run_cli("apply", "-y", "--state", state, str(plan))
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr
    assert "internal error" not in result.stderr


def test_hand_edited_and_truncated_plans_are_refused(tmp_path: Path) -> None:
    state, plan = _saved(tmp_path)
    text = plan.read_text()
    _resigned(plan, lambda body: body.update(prune=True))  # re-hashed, but not with the state's key
    rehashed = run_cli("apply", "-y", "--state", state, str(plan))
    assert rehashed.exit_code == 1 and "changed after it was written (or made for another state)" in (
        rehashed.stderr
    )
    (tmp_path / "other").mkdir()
    other = _saved(tmp_path / "other")[1]
    elsewhere = run_cli("apply", "-y", "--state", state, str(other))
    assert elsewhere.exit_code == 1 and "or made for another state" in elsewhere.stderr
    plan.write_text(text.replace('"replicas": 3', '"replicas": 300'))
    edited = run_cli("apply", "-y", "--state", state, str(plan))
    assert edited.exit_code == 1 and "the plan file was changed after it was written" in edited.stderr
    plan.write_text(text[: len(text) // 2])
    truncated = run_cli("apply", "-y", "--state", state, str(plan))
    assert truncated.exit_code == 1 and "not a manikit plan file" in truncated.stderr
    plan.write_bytes(b"\xff\xfe manikit-plan \x00")
    binary = run_cli("apply", "-y", "--state", state, str(plan))
    assert binary.exit_code == 1 and "not a manikit plan file" in binary.stderr
    deep = "[" * 100_000 + "]" * 100_000
    plan.write_text(text.replace('"applyset"', f'"deep": {deep}, "applyset"', 1))
    nested = run_cli("apply", "-y", "--state", state, str(plan))
    assert nested.exit_code == 1 and "not a manikit plan file" in nested.stderr
    plan.write_text(text)
    good = run_cli("apply", "-y", "--state", state, str(plan))
    assert good.exit_code == 0, good.stderr
