"""What the apply transaction takes from the plan instead of computing it again (issue 17): the digest
of each manifest as sent, which loading computed (``ResourceChange.sent``), and the manifest as sent
itself, which the plan made (``server_side.is_member_manifest``). Each against the general path: the
same rows, the same notes."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from manikit.apply import executor
from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.cluster.legacy import LEGACY_LABEL
from manikit.plan.actions import Plan
from manikit.plan.applyset import PART_OF_LABEL, ApplySet
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.plan.server_side import is_member_manifest, member_manifest
from manikit.plan.unchanged import manifest_digest
from tests.apply.test_transaction_shortcuts import MIXED
from tests.stored_rows import QUERIES, START

#: MIXED changed: one object edited, one added (applied after MIXED: updates and creates)
CHANGED = MIXED.replace("replicas: 1", "replicas: 2") + (
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: late, namespace: shop}\ndata: {a: b}\n"
)


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    """The transaction computes both again, as before the shortcuts."""
    monkeypatch.setattr(executor, "_digest", lambda change, applyset, body: manifest_digest(body))
    monkeypatch.setattr(executor, "is_member_manifest", lambda manifest, applyset: False)


def _rows(tmp_path: Path, name: str) -> list[tuple[Any, ...]]:
    """The rows applies of MIXED then CHANGED leave (loaded by two workers, which digest what apply
    sends; each apply reconciled after it)."""
    state = tmp_path / f"{name}.db"
    cluster = open_cluster(state, now=START)
    for i, text in enumerate((MIXED, CHANGED)):
        desired = load_desired(_files(tmp_path, f"{name}-{i}", text), jobs=2, applyset="default", admit=True)
        execute(cluster, make_plan(cluster, desired, applyset="default"))
        cluster.run()
    cluster.close()
    with sqlite3.connect(state) as conn:
        rows = [(t, *row) for t in ("objects", "revisions", "notes") for row in conn.execute(QUERIES[t])]
    conn.close()
    return rows


def test_the_store_holds_the_same_with_and_without_what_the_plan_carries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken: list[bool] = []
    real = executor._digest

    def spy(change: Any, applyset: str, body: Any) -> str:
        taken.append(change.sent is not None)
        return real(change, applyset, body)

    monkeypatch.setattr(executor, "_digest", spy)
    fast = _rows(tmp_path, "fast")
    assert len(taken) >= 14 and all(taken)  # every change carried its digest
    _general(monkeypatch)
    assert _rows(tmp_path, "full") == fast


def _files(tmp_path: Path, name: str, text: str) -> list[str]:
    """``text`` as two files (so that two workers load them)."""
    docs = text.split("---\n")
    paths = []
    for i, part in enumerate((docs[: len(docs) // 2], docs[len(docs) // 2 :])):
        path = tmp_path / f"{name}-{i}.yaml"
        path.write_text("---\n".join(part), encoding="utf-8")
        paths.append(str(path))
    return paths


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_change_carries_the_digest_of_its_manifest_as_sent(tmp_path: Path, jobs: int) -> None:
    """Loaded in this process or by workers, created or updated, in the default set or another: the
    digest a change carries is its manifest's (the manifest as the set sends it, already)."""
    for applyset in ("default", "other"):
        cluster = open_cluster(tmp_path / f"{applyset}-{jobs}.db", now=START)
        for i, text in enumerate((MIXED, CHANGED)):
            files = _files(tmp_path, f"{applyset}-{jobs}-{i}", text)
            desired = load_desired(files, jobs=jobs, applyset=applyset, admit=True)
            plan = make_plan(cluster, desired, applyset=applyset)
            assert plan.changes
            for change in plan.changes:
                assert change.manifest is not None
                assert is_member_manifest(change.manifest, applyset)
                assert member_manifest(change.manifest, applyset) == change.manifest
                if jobs > 1:  # the workers digest what apply sends
                    assert change.sent is not None
                if change.sent is not None:
                    assert change.sent == (applyset, manifest_digest(change.manifest))
            execute(cluster, plan)
        cluster.close()


def _plan(tmp_path: Path, name: str, edit: Any) -> list[tuple[Any, ...]]:
    """The rows an apply of MIXED leaves when each change of its plan is first ``edit``ed."""
    state = tmp_path / f"{name}.db"
    cluster = open_cluster(state, now=START)
    file = tmp_path / f"{name}.yaml"
    file.write_text(MIXED, encoding="utf-8")
    plan = make_plan(cluster, load_desired([str(file)], applyset="default", admit=True), applyset="default")
    execute(cluster, dataclasses.replace(plan, changes=tuple(edit(c) for c in plan.changes)))
    cluster.close()
    with sqlite3.connect(state) as conn:
        rows = [(t, *row) for t in ("objects", "notes") for row in conn.execute(QUERIES[t])]
    conn.close()
    return rows


def _unlabelled(change: Any) -> Any:
    """The change as a library caller may make it: its manifest without the set's label (one with the
    old manikit label instead), its digest unknown."""
    meta = dict(change.manifest["metadata"])
    labels = {k: v for k, v in (meta.get("labels") or {}).items() if k != PART_OF_LABEL}
    if change.key.kind == "Service":
        labels[LEGACY_LABEL] = "default"
    meta["labels"] = labels
    return dataclasses.replace(change, manifest={**change.manifest, "metadata": meta}, sent=None)


def test_a_manifest_not_as_sent_yet_is_made_so_and_digested(tmp_path: Path) -> None:
    assert _plan(tmp_path, "unlabelled", _unlabelled) == _plan(tmp_path, "as-planned", lambda c: c)


def test_a_digest_of_another_apply_set_is_not_taken(tmp_path: Path) -> None:
    def elsewhere(change: Any) -> Any:
        return dataclasses.replace(change, sent=("other", "0" * 40))

    assert _plan(tmp_path, "elsewhere", elsewhere) == _plan(tmp_path, "here", lambda c: c)


def test_is_member_manifest_says_what_member_manifest_leaves_equal() -> None:
    aset = ApplySet.named("default")
    base = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}
    cases = [
        base,
        {**base, "metadata": {"name": "a", "labels": {}}},
        {**base, "metadata": {"name": "a", "labels": {PART_OF_LABEL: aset.id}}},
        {**base, "metadata": {"name": "a", "labels": {PART_OF_LABEL: aset.id, LEGACY_LABEL: "default"}}},
        {**base, "metadata": {"name": "a", "labels": {"x": "1", PART_OF_LABEL: aset.id, "y": "2"}}},
        {**base, "metadata": {"name": "a", "labels": {LEGACY_LABEL: "default"}}},
    ]
    for manifest in cases:
        made = member_manifest(manifest, "default")
        if is_member_manifest(manifest, "default"):
            assert made == manifest
            assert list(made["metadata"]["labels"]) == list(manifest["metadata"]["labels"])
        assert is_member_manifest(made, "default")
    assert not is_member_manifest(cases[2], "other")


def test_plan_is_frozen_data_with_the_digest_outside_its_comparison() -> None:
    """``sent`` explains nothing: two plans that differ only there are the same plan."""
    field = {f.name: f for f in dataclasses.fields(executor.ResourceChange)}["sent"]
    assert field.compare is False and field.repr is False
    assert "sent" not in Plan.__dataclass_fields__
