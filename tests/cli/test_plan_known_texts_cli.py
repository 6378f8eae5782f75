"""``manikit plan`` of a big stream takes the documents ``manikit apply`` applied, unchanged, from
their text (``manikit.plan.textual``) and prints, says and exits exactly as when it parses every
document (``MANIKIT_PARSE_EVERY_DOCUMENT=1``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from manikit.cli.plan_support import applied_hint
from manikit.plan import textual
from manikit.plan.desired import load_desired
from tests.cli.helpers import Result, run_cli

COUNT = 300  # ConfigMaps: a stream over textual.TEXT_MIN_BYTES, as a user's big file is
CONFIGMAP = (
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  namespace: shop\ndata:\n  key: {value}\n"
)
HEAD = """\
# generated
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 0
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80}]
---
apiVersion: v1
kind: Secret
metadata:
  name: key
  namespace: shop
"""


def docs(values: dict[int, str] | None = None) -> list[str]:
    chosen = values or {}
    return [CONFIGMAP.format(i=i, value=chosen.get(i, f"value-{i}-" + "x" * 300)) for i in range(COUNT)]


def write(path: Path, items: list[str]) -> None:
    path.write_text(HEAD + "".join(f"---\n{doc}" for doc in items), encoding="utf-8")


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("known")
    path, state = root / "all.yaml", root / "state.db"
    write(path, docs())
    assert path.stat().st_size > textual.TEXT_MIN_BYTES
    done = run_cli("apply", "-f", str(path), "--state", str(state), "--auto-approve")
    assert done.exit_code == 0, done.stderr
    return path, state


def both(state: Path, path: Path, *args: str) -> tuple[Result, Result]:
    command = ("plan", "--state", str(state), "--detailed-exitcode", *args, str(path))
    fast = run_cli(*command, env={textual.SKIP_ENV: "0", "NO_COLOR": "1"})
    full = run_cli(*command, env={textual.SKIP_ENV: "1", "NO_COLOR": "1"})
    return fast, full


def known(state: Path, path: Path, namespace: str = "default", applyset: str = "default") -> int:
    loaded = load_desired([str(path)], namespace, applyset=applyset, applied=lambda: applied_hint(str(state)))
    return sum(1 for d in loaded.objects if not d.unpacked)


def edited(path: Path, tmp_path: Path, items: list[str]) -> Path:
    target = tmp_path / path.name
    write(target, items)
    return target


CASES = {
    "unchanged": ([], ()),
    "one-changed": ([("change", 5)], ()),
    "json": ([("change", 5)], ("-o", "json")),
    "markdown": ([("change", 5), ("change", 200)], ("-o", "markdown")),
    "deleted-pruned": ([("delete", 7)], ("--prune",)),
    "reordered-and-commented": ([("swap", 3), ("comment", 9)], ()),
    "duplicate": ([("duplicate", 11)], ()),
    "invalid": ([("invalid", 12)], ()),
    "another-namespace": ([("change", 5)], ("-n", "other")),
    "another-applyset": ([], ("--applyset", "blue")),
    "preview": ([("change", 5)], ("--preview",)),
}


def apply_edits(edits: list[tuple[str, int]]) -> list[str]:
    items = docs()
    for op, i in edits:
        if op == "change":
            items[i] = CONFIGMAP.format(i=i, value="changed")
        elif op == "delete":
            del items[i]
        elif op == "swap":
            items[i], items[i + 1] = items[i + 1], items[i]
        elif op == "comment":
            items[i] = "# edited by hand\n" + items[i] + "# the end\n"
        elif op == "duplicate":
            items.insert(i, items[i])
        elif op == "invalid":
            items[i] = items[i].replace("name: cm-", "name: CM_", 1)
    return items


@pytest.mark.parametrize(("edits", "options"), list(CASES.values()), ids=list(CASES))
def test_plan_says_the_same_with_and_without_known_texts(
    applied: tuple[Path, Path], tmp_path: Path, edits: list[tuple[str, int]], options: tuple[str, ...]
) -> None:
    path, state = applied
    target = edited(path, tmp_path, apply_edits(edits))
    if "--preview" not in options:
        options = (*options, "--no-preview")
    fast, full = both(state, target, *options)
    assert (fast.exit_code, fast.stdout, fast.stderr) == (full.exit_code, full.stdout, full.stderr)
    assert fast.exit_code in (0, 1, 2)


def test_the_plan_parses_only_what_changed(applied: tuple[Path, Path], tmp_path: Path) -> None:
    path, state = applied
    target = edited(path, tmp_path, apply_edits([("change", 5)]))
    # every ConfigMap, the Service, the Namespace and the Deployment (the controllers wrote only what
    # a plan does not compare: manikit.cluster.settled) but the changed one
    assert known(state, target) == COUNT - 1 + 3
    assert known(state, target, namespace="other") == 0
    assert known(state, target, applyset="blue") == 0
    fast, _ = both(state, target, "--no-preview")
    assert fast.exit_code == 2
    assert "ConfigMap/shop/cm-5" in fast.stdout
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in fast.stdout


def test_an_apply_notes_what_it_applied_and_the_next_plan_takes_it(tmp_path: Path) -> None:
    path, state = tmp_path / "all.yaml", tmp_path / "state.db"
    write(path, docs())
    assert run_cli("apply", "-f", str(path), "--state", str(state), "--auto-approve").exit_code == 0
    write(path, apply_edits([("change", 5)]))
    assert known(state, path) == COUNT - 1 + 3
    done = run_cli("apply", "-f", str(path), "--state", str(state), "--auto-approve")
    assert done.exit_code == 0, done.stderr
    assert known(state, path) == COUNT + 3  # the changed one too, as applied now
    fast, full = both(state, path, "--no-preview")
    assert fast.exit_code == full.exit_code == 0
    assert fast.stdout == full.stdout


def test_an_apply_with_nothing_to_change_notes_texts_not_noted_yet(tmp_path: Path) -> None:
    """A document whose text changed but not its object (a comment), or noted by another build, is
    noted by the next apply, even one that changes nothing; then the plan does not parse it."""
    path, state = tmp_path / "all.yaml", tmp_path / "state.db"
    write(path, docs())
    assert run_cli("apply", "-f", str(path), "--state", str(state), "--auto-approve").exit_code == 0
    write(path, apply_edits([("comment", 9), ("comment", 10)]))
    assert known(state, path) == COUNT - 2 + 3
    done = run_cli("apply", "-f", str(path), "--state", str(state), "--auto-approve")
    assert done.exit_code == 0, done.stderr
    assert "No changes" in done.stdout or "0 to add, 0 to change, 0 to destroy" in done.stdout
    assert known(state, path) == COUNT + 3
    fast, full = both(state, path, "--no-preview")
    assert (fast.exit_code, fast.stdout, fast.stderr) == (full.exit_code, full.stdout, full.stderr)
