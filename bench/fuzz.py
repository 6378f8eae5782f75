"""The fault campaign as a script: hostile and damaged inputs through whole `manikit` processes.

    python bench/fuzz.py [--trials 40] [--seed 1] [--timeout 60]

Per target (source, lint, render of hostile templates, saved plans, damaged states, prune over
unreadable trees, kill -9 during apply/scale/delete/nodes add), prints the trials, internal errors
(exit 3, "internal error" or a traceback: goal 0), hangs (no exit within --timeout: goal 0) and the
peak RSS of the worst process; for templates, the worst template and its peak memory. Exits 1 when
any internal error or hang was seen.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fuzz.hostile import corpus_files, mutate  # noqa: E402
from tests.safety.test_hostile_templates import HOSTILE, REPRS  # noqa: E402

EXE = str(Path(sys.executable).with_name("manikit"))
APP = REPO / "examples" / "app"
TEMPLATED = REPO / "examples" / "templated"
ENV = {**os.environ, "NO_COLOR": "1", "MANIKIT_CACHE_DIR": "off"}


@dataclass
class Run:
    code: int | None  # None: killed as a hang
    stderr: str
    peak_kib: int


@dataclass
class Tally:
    trials: int = 0
    internal: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    peak_kib: int = 0
    worst: str = ""

    def add(self, what: str, run: Run) -> None:
        self.trials += 1
        if run.code is None:
            self.hangs.append(what)
        elif run.code == 3 or "internal error" in run.stderr or "Traceback" in run.stderr:
            self.internal.append(f"{what}: {run.stderr.strip().splitlines()[-1:] or ''}")
        if run.peak_kib > self.peak_kib:
            self.peak_kib, self.worst = run.peak_kib, what


def manikit(*args: str, timeout: float, cwd: Path | None = None, kill_after: float | None = None) -> Run:
    """One whole process; its own peak RSS from wait4; killed (SIGKILL) after ``kill_after`` seconds."""
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([EXE, *args], stdout=subprocess.DEVNULL, stderr=err, env=ENV, cwd=cwd)
        deadline = time.monotonic() + (kill_after if kill_after is not None else timeout)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.send_signal(signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                err.seek(0)
                code = -9 if kill_after is not None else None
                return Run(code, err.read().decode(errors="replace"), usage.ru_maxrss)
            time.sleep(0.01)
        err.seek(0)
        return Run(os.waitstatus_to_exitcode(status), err.read().decode(errors="replace"), usage.ru_maxrss)


def campaign(trials: int, seed: int, timeout: float) -> dict[str, Tally]:
    rng = random.Random(seed)
    work = Path(tempfile.mkdtemp(prefix="manikit-campaign-"))
    tallies: dict[str, Tally] = {}
    try:
        state = work / "seed.db"
        manikit("apply", "-y", "--no-preview", "--state", str(state), str(APP), timeout=timeout)
        plan = work / "seed.mkplan"
        manikit(
            "plan", "--no-preview", "--state", str(state), "--out", str(plan), str(TEMPLATED), timeout=timeout
        )
        targets: dict[str, Callable[[int], tuple[str, Run]]] = {
            "source (validate, lint)": lambda i: _source(work, rng, i, timeout),
            "templates (hostile)": lambda i: _template(work, i, timeout),
            "saved plans": lambda i: _plan(work, state, plan, rng, i, timeout),
            "damaged states": lambda i: _state(work, state, rng, i, timeout),
            "prune over unreadable trees": lambda i: _prune(work, state, i, timeout),
            "kill -9 during writes": lambda i: _kill(work, state, rng, i, timeout),
        }
        for name, target in targets.items():
            tally = tallies[name] = Tally()
            count = len(HOSTILE) + len(REPRS) if name.startswith("templates") else trials
            for i in range(count):
                what, run = target(i)
                tally.add(what, run)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return tallies


def _source(work: Path, rng: random.Random, i: int, timeout: float) -> tuple[str, Run]:
    seed = rng.choice(corpus_files())
    case = work / f"src{i}{''.join(seed.suffixes)}"
    case.write_bytes(mutate(seed.read_bytes(), rng, rng.randrange(0, 12)))
    return f"{rng.choice(('validate', 'lint'))} {seed.name}", manikit("lint", str(case), timeout=timeout)


def _template(work: Path, i: int, timeout: float) -> tuple[str, Run]:
    texts = sorted(HOSTILE) + sorted(REPRS)
    case = work / f"t{i}" / "t.yaml.j2"
    case.parent.mkdir()
    case.write_text(texts[i])
    return texts[i][:70], manikit("render", str(case), timeout=timeout)


def _plan(work: Path, state: Path, plan: Path, rng: random.Random, i: int, timeout: float) -> tuple[str, Run]:
    target, case = work / f"p{i}.db", work / f"p{i}.mkplan"
    shutil.copy(state, target)
    case.write_bytes(mutate(plan.read_bytes(), rng, rng.randrange(1, 20)))
    return f"plan mutation {i}", manikit("apply", "-y", "--state", str(target), str(case), timeout=timeout)


COMMANDS = (
    ("get", "all", "-A"),
    ("plan", str(APP)),
    ("apply", "-y", str(APP)),
    ("scale", "deploy", "web", "-n", "shop", "--replicas", "2"),
)


def _state(work: Path, state: Path, rng: random.Random, i: int, timeout: float) -> tuple[str, Run]:
    data = bytearray(state.read_bytes())
    for _ in range(rng.choice((1, 8, 64, 512))):
        data[rng.randrange(len(data))] = rng.randrange(256)
    target = work / f"s{i}.db"
    target.write_bytes(bytes(data))
    command = COMMANDS[i % len(COMMANDS)]
    return f"{command[0]} on damaged state {i}", manikit(*command, "--state", str(target), timeout=timeout)


def _prune(work: Path, state: Path, i: int, timeout: float) -> tuple[str, Run]:
    tree = work / f"tree{i}"
    shutil.copytree(APP, tree)
    hazard = ("fifo", "symlink-out", "symlink-dir")[i % 3]
    if hazard == "fifo":
        os.mkfifo(tree / "pipe.yaml")
    elif hazard == "symlink-out":
        (tree / "creds.yaml").symlink_to("/etc/hostname")
    else:
        (tree / "more").symlink_to(APP, target_is_directory=True)
    target = work / f"prune{i}.db"
    shutil.copy(state, target)
    run = manikit("apply", "-y", "--prune", "--state", str(target), str(tree), timeout=timeout)
    after = manikit("plan", "--detailed-exitcode", "--state", str(target), str(APP), timeout=timeout)
    if run.code == 0 or after.code != 0:  # refused, and nothing was destroyed
        run = Run(3, f"internal error: prune over a {hazard} changed the state", run.peak_kib)
    return f"apply --prune over a {hazard}", run


KILLED = (
    ("apply", "-y", "--no-preview", str(APP)),
    ("scale", "deploy", "web", "-n", "shop", "--replicas", "7"),
    ("delete", "deploy", "web", "-n", "shop"),
    ("nodes", "add", str(REPO / "examples" / "cluster")),
)


def _kill(work: Path, state: Path, rng: random.Random, i: int, timeout: float) -> tuple[str, Run]:
    target = work / f"k{i}.db"
    if i % 4 == 0:
        target.unlink(missing_ok=True)  # apply onto a fresh state
    else:
        shutil.copy(state, target)
    command = KILLED[i % len(KILLED)]
    manikit(*command, "--state", str(target), timeout=timeout, kill_after=rng.uniform(0.3, 2.5))
    check = manikit("state", "check", "--state", str(target), timeout=timeout)
    if target.exists() and check.code != 0:
        check = Run(3, f"internal error: state left damaged by kill -9 of {command[0]}: {check.stderr}", 0)
    return f"kill -9 during {command[0]}", check


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    tallies = campaign(args.trials, args.seed, args.timeout)
    print(f"fault campaign (seed {args.seed}): {sum(t.trials for t in tallies.values())} trials")
    failed = False
    for name, t in tallies.items():
        print(
            f"  {name:30} {t.trials:5} trials  {len(t.internal):3} internal errors  {len(t.hangs):3} hangs  "
            f"peak RSS {t.peak_kib / 1024:6.1f} MiB"
        )
        for line in [*t.internal[:5], *(f"hang: {h}" for h in t.hangs[:5])]:
            print(f"      {line}")
        failed |= bool(t.internal or t.hangs)
    worst = tallies["templates (hostile)"]
    print(f"worst template: {worst.worst!r}: peak RSS {worst.peak_kib / 1024:.1f} MiB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
