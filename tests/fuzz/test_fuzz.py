"""The fuzz suite: mutated and hostile inputs through source, validate, lint, render, saved plans and
state files. An internal error (exit 3, "internal error", a traceback) fails it.

A short run is part of the normal suite; ``make fuzz`` runs many more examples
(``MANIKIT_FUZZ_EXAMPLES``) and ``bench/fuzz.py`` counts trials, internal errors, hangs and the peak
memory of the worst template in whole processes.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli.helpers import run_cli
from tests.conftest import EXAMPLES
from tests.fuzz.hostile import Outcome, corpus_files, mutate

EXAMPLES_RUN = int(os.environ.get("MANIKIT_FUZZ_EXAMPLES", "12"))
FUZZ = settings(
    max_examples=EXAMPLES_RUN,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=os.environ.get("MANIKIT_FUZZ_RANDOM") != "1",
)
APP = EXAMPLES / "app"
TEMPLATED = EXAMPLES / "templated"
SEEDS = [*corpus_files(), *sorted(APP.glob("*.yaml"))]


@pytest.fixture(autouse=True)
def _short_template_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MANIKIT_TEMPLATE_TIMEOUT", "1")
    monkeypatch.setenv("MANIKIT_CACHE_DIR", "off")


def _run(*args: str) -> Outcome:
    result = run_cli(*args)
    outcome = Outcome(result.exit_code, result.stderr)
    assert not outcome.internal_error, (args, result.stderr[-2000:])
    return outcome


def _mutant(tmp: Path, seed: Path, rng: random.Random, edits: int) -> Path:
    target = tmp / f"case{rng.randrange(10**9)}{''.join(seed.suffixes)}"
    target.write_bytes(mutate(seed.read_bytes(), rng, edits))
    return target


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    """A fresh directory per example (hypothesis runs many examples in one test function)."""
    with tempfile.TemporaryDirectory(prefix="manikit-fuzz-") as name:
        yield Path(name)


@FUZZ
@given(seed=st.sampled_from(SEEDS), seed_=st.integers(0, 2**32), edits=st.integers(0, 12))
def test_validate_and_lint_never_fail_internally(seed: Path, seed_: int, edits: int) -> None:
    with _scratch() as scratch:
        case = _mutant(scratch, seed, random.Random(seed_), edits)
        for command in ("validate", "lint"):
            assert _run(command, str(case)).exit_code in (0, 1, 2)


@FUZZ
@given(seed_=st.integers(0, 2**32), edits=st.integers(1, 10))
def test_render_never_fails_internally(seed_: int, edits: int) -> None:
    rnd = random.Random(seed_)
    with _scratch() as scratch:
        tree = scratch / "tree"
        shutil.copytree(TEMPLATED, tree)
        target = rnd.choice(sorted(tree.rglob("*.j2")))
        target.write_bytes(mutate(target.read_bytes(), rnd, edits))
        values = tree / "manikit.values.yaml"
        if rnd.random() < 0.5:
            values.write_bytes(mutate(values.read_bytes(), rnd, rnd.randrange(1, 5)))
        assert _run("render", str(tree)).exit_code in (0, 1, 2)


@pytest.fixture(scope="module")
def applied(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes]:
    """A state with examples/app applied, and a saved plan against it: the seeds of the last two."""
    base = tmp_path_factory.mktemp("applied")
    state = base / "state.db"
    assert run_cli("apply", "-y", "--no-preview", "--state", str(state), str(APP)).exit_code == 0
    plan = base / "p.mkplan"
    made = run_cli("plan", "--no-preview", "--state", str(state), "--out", str(plan), str(TEMPLATED))
    assert made.exit_code in (0, 2), made.stderr
    return state.read_bytes(), plan.read_bytes()


@FUZZ
@given(seed_=st.integers(0, 2**32), edits=st.integers(1, 20))
def test_saved_plans_never_fail_internally(applied: tuple[bytes, bytes], seed_: int, edits: int) -> None:
    with _scratch() as scratch:
        state, plan = scratch / "state.db", scratch / "p.mkplan"
        state.write_bytes(applied[0])
        plan.write_bytes(mutate(applied[1], random.Random(seed_), edits))
        assert _run("apply", "-y", "--state", str(state), str(plan)).exit_code in (0, 1, 2)


COMMANDS = (
    ("get", "all", "-A"),
    ("plan", "--no-preview", str(APP)),
    ("apply", "-y", "--no-preview", str(APP)),
    ("scale", "deploy", "web", "-n", "shop", "--replicas", "2"),
    ("state", "check"),
)


@FUZZ
@given(
    seed_=st.integers(0, 2**32),
    flips=st.sampled_from((1, 4, 16, 256)),
    command=st.sampled_from(COMMANDS),
)
def test_damaged_states_never_fail_internally(
    applied: tuple[bytes, bytes], seed_: int, flips: int, command: tuple[str, ...]
) -> None:
    rnd = random.Random(seed_)
    data = bytearray(applied[0])
    for _ in range(flips):
        data[rnd.randrange(len(data))] = rnd.randrange(256)
    with _scratch() as scratch:
        state = scratch / "state.db"
        state.write_bytes(bytes(data))
        assert _run(*command, "--state", str(state)).exit_code in (0, 1, 2)
