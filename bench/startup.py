"""Benchmark: start-up, what a pre-commit hook or an editor pays on every call.

    python bench/startup.py [--runs 15] [--file examples/app/web-deployment.yaml] [--compare PYTHON]

Whole processes (``python -m manikit ...``), wall time median and minimum of the runs, and CPU time
(user + system of the child: steadier when other work shares the machine). The floor lines are the
interpreter alone and the libraries manikit cannot start without: typer; pydantic with one model class
(built, as the first schema generation costs, and deferred, as manikit's models are: their schemas are
read from the cache models/prebuilt.py keeps); and the stack's floor for the Deployment file, typer,
pydantic, ruamel.yaml and the 115 model classes a Deployment is validated with, defined but not used. A
Service is timed besides the default Deployment because each kind's models are imported only when a
document of that kind is read. Then ``python -X importtime`` of ``manikit validate FILE``: the import
time in all and the biggest packages, the figure that least depends on the load of the machine.

``--compare PYTHON`` times another interpreter (another checkout's .venv/bin/python) in the same runs,
alternating with this one run by run, so that a before/after on a shared machine sees the same load.

manikit's modules are compiled to bytecode first, as ``pip install`` does, both checkouts' with
``--compare``: an editable install run with PYTHONDONTWRITEBYTECODE=1 would compile every stale
module from source on every call (to keep bytecode out of the checkouts, set PYTHONPYCACHEPREFIX and
unset PYTHONDONTWRITEBYTECODE: the warm-up run writes the rest). Each command runs once before it is
timed, which also fills the model schema cache as a user's first run does.
"""

from __future__ import annotations

import argparse
import atexit
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "examples" / "app" / "web-deployment.yaml"
SERVICE_FILE = ROOT / "examples" / "app" / "web-service.yaml"  # a kind without pods: no pod models
#: where the commands run: ``python -m`` and ``-c`` put the current directory first on sys.path, so run
#: from a checkout they would import that checkout's manikit whatever the interpreter; from an empty
#: directory each interpreter imports its own install (and no configuration file is found)
NEUTRAL = tempfile.mkdtemp(prefix="manikit-startup-")
atexit.register(shutil.rmtree, NEUTRAL, ignore_errors=True)
#: what the libraries alone cost: typer, and pydantic with one model class of a few fields
LIBRARIES = (
    "import typer\nfrom pydantic import BaseModel, Field\n"
    "class M(BaseModel):\n    a: int = Field(0, ge=0)\n    b: str | None = None"
)
#: the same with the model's build deferred, as manikit's models are
LIBRARIES_DEFERRED = LIBRARIES.replace("class M(BaseModel):", "class M(BaseModel, defer_build=True):")
#: the floor for a Deployment within the stack: the libraries and the model classes it is validated with
STACK_FLOOR = "import typer\nimport ruamel.yaml\nimport manikit.models.workloads"


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit code of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=NEUTRAL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def measure(
    label: str,
    commands: list[list[str]],
    runs: int,
    allowed: tuple[int, ...] = (0,),
    tags: tuple[str, ...] = ("",),
) -> list[float]:
    """Median wall seconds of each command, the commands run in turn within each round (one warm-up
    round first); one line printed per command."""
    walls: list[list[float]] = [[] for _ in commands]
    cpus: list[list[float]] = [[] for _ in commands]
    for round_ in range(runs + 1):
        for i, command in enumerate(commands):
            wall, cpu, code = timed(command)
            if code not in allowed:
                sys.exit(f"{label}: exited {code} ({' '.join(command)})")
            if round_:
                walls[i].append(wall)
                cpus[i].append(cpu)
    medians = []
    for i, tag in enumerate(tags):
        median = statistics.median(walls[i])
        medians.append(median)
        print(
            f"  {label + tag:<56} {median * 1000:6.0f} ms median, {min(walls[i]) * 1000:6.0f} ms min wall; "
            f"{statistics.median(cpus[i]) * 1000:5.0f} ms CPU median, {min(cpus[i]) * 1000:5.0f} min"
        )
    return medians


def import_times(
    python: str, command: list[str]
) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]], int]:
    """Total import time (s); the top-level imports by cumulative time; every package by its modules'
    own (self) time, wherever it was imported from; and the number of modules."""
    done = subprocess.run(
        [python, "-X", "importtime", *command], capture_output=True, text=True, check=False, cwd=NEUTRAL
    )
    packages: dict[str, float] = {}
    own: dict[str, float] = {}
    total = 0.0
    modules = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        head, cumulative, name = line.split("|")
        modules += 1
        parts = name.strip().split(".")
        top = ".".join(parts[:2]) if parts[0] == "manikit" else parts[0]
        own[top] = own.get(top, 0.0) + int(head.rsplit(":", 1)[1]) / 1e6
        if len(name) - len(name.lstrip()) != 1:
            continue  # imported by another module: counted in that module's cumulative time
        seconds = int(cumulative) / 1e6
        total += seconds
        packages[top] = packages.get(top, 0.0) + seconds
    return total, _ranked(packages), _ranked(own), modules


def _ranked(seconds: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(seconds.items(), key=lambda item: -item[1])


def compile_package(python: str) -> None:
    """Bytecode for every manikit module ``python`` imports, as a regular install has (it is what users
    start from): with PYTHONDONTWRITEBYTECODE set, a module whose bytecode is missing or stale would be
    compiled from source on every call. With PYTHONPYCACHEPREFIX set, the bytecode is written there and
    the checkouts are left as they are."""
    found = subprocess.run(
        [python, "-c", "import manikit, os; print(os.path.dirname(manikit.__file__))"],
        capture_output=True,
        text=True,
        cwd=NEUTRAL,
    )
    if found.returncode != 0:
        sys.exit(f"manikit is not importable from {python}")
    package = found.stdout.strip()
    subprocess.run([python, "-m", "compileall", "-q", package], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)  # made absolute: run from NEUTRAL
    parser.add_argument("--compare", metavar="PYTHON", help="another interpreter, timed in the same runs")
    args = parser.parse_args()
    pythons = [sys.executable, *([args.compare] if args.compare else [])]
    tags = ("",) if len(pythons) == 1 else (" (this)", " (compare)")
    for python in pythons:
        compile_package(python)
    one = str(args.file.resolve())
    env_note = f"load average {os.getloadavg()[0]:.1f}"
    print(f"start-up: whole processes, {args.runs} runs each, on {args.file.name} ({env_note})")
    if args.compare:
        print(f"  this: {sys.executable}; compare: {args.compare} (alternating, run by run)")

    def timed_case(label: str, argv: list[str], allowed: tuple[int, ...] = (0,)) -> list[float]:
        return measure(label, [[py, *argv] for py in pythons], args.runs, allowed, tags)

    floor = timed_case("python -c pass (the floor)", ["-c", "pass"])
    timed_case("python -c 'import typer'", ["-c", "import typer"])
    timed_case("typer + pydantic, one model", ["-c", LIBRARIES])
    timed_case("typer + pydantic, one deferred model", ["-c", LIBRARIES_DEFERRED])
    stack = timed_case("stack floor: + ruamel.yaml, Deployment models", ["-c", STACK_FLOOR])
    cases = [
        ("manikit --help", ["--help"], (0,)),
        ("manikit validate one file", ["validate", one], (0,)),
        ("manikit validate one Service", ["validate", str(SERVICE_FILE)], (0,)),
        ("manikit lint one file", ["lint", one], (0, 1)),
    ]
    validate = floor
    for label, argv, allowed in cases:
        medians = timed_case(label, ["-m", "manikit", *argv], allowed)
        if argv[0] == "validate" and argv[1] == one:
            validate = medians
    for tag, v, f, s in zip(tags, validate, floor, stack, strict=True):
        print(
            f"  validate one file{tag}: {(v - f) * 1000:.0f} ms above the interpreter's own start-up, "
            f"{(v - s) * 1000:.0f} ms above the stack floor"
        )
    print("  target: manikit validate one file at most 200 ms (issue 17)")
    for python, tag in zip(pythons, tags, strict=True):
        total, ranked, own, modules = import_times(python, ["-m", "manikit", "validate", one])
        shown = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in ranked[:8])
        print(f"import time of `manikit validate one file`{tag}: {total * 1000:.0f} ms, {modules} modules")
        print(f"  biggest (ms, cumulative): {shown}")
        shown = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in own[:10])
        print(f"  by package, its modules' own time (ms): {shown}")


if __name__ == "__main__":
    main()
