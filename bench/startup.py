"""Benchmark: start-up, what a pre-commit hook or an editor pays on every call.

    python bench/startup.py [--runs 15] [--file examples/app/web-deployment.yaml]

Whole processes (``python -m manikit ...``), wall time median and minimum of the runs, and CPU time
(user + system of the child: steadier when other work shares the machine). The floor lines are the
interpreter alone and the libraries manikit cannot start without (typer, and pydantic with one model
class); a Service is timed besides the default Deployment because each kind's models are imported only
when a document of that kind is read. Then ``python -X
importtime`` of ``manikit validate FILE``: the import time in all and the biggest packages, the figure
that least depends on the load of the machine.

manikit's modules are compiled to bytecode first, as ``pip install`` does: an editable install run with
PYTHONDONTWRITEBYTECODE=1 would compile every module from source on every call.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "examples" / "app" / "web-deployment.yaml"
SERVICE_FILE = ROOT / "examples" / "app" / "web-service.yaml"  # a kind without pods: no pod models
#: what the libraries alone cost: typer, and pydantic with one model class of a few fields
LIBRARIES = (
    "import typer\nfrom pydantic import BaseModel, Field\n"
    "class M(BaseModel):\n    a: int = Field(0, ge=0)\n    b: str | None = None"
)


def timed(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds (user + system) and exit code of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def measure(label: str, command: list[str], runs: int, allowed: tuple[int, ...] = (0,)) -> float:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu, code = timed(command)
        if code not in allowed:
            sys.exit(f"{label}: exited {code} ({' '.join(command)})")
        walls.append(wall)
        cpus.append(cpu)
    median = statistics.median(walls)
    print(
        f"  {label:<34} {median * 1000:6.0f} ms median, {min(walls) * 1000:6.0f} ms min wall; "
        f"{statistics.median(cpus) * 1000:5.0f} ms CPU"
    )
    return median


def import_times(command: list[str]) -> tuple[float, list[tuple[str, float]], list[tuple[str, float]], int]:
    """Total import time (s); the top-level imports by cumulative time; every package by its modules'
    own (self) time, wherever it was imported from; and the number of modules."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command], capture_output=True, text=True, check=False
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


def compile_package() -> None:
    """Bytecode for every manikit module, as a regular install has (it is what users start from)."""
    spec = importlib.util.find_spec("manikit")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("manikit is not importable from this interpreter")
    package = next(iter(spec.submodule_search_locations))
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    args = parser.parse_args()
    compile_package()
    py = sys.executable
    one = str(args.file)
    env_note = f"load average {os.getloadavg()[0]:.1f}"
    print(f"start-up: whole processes, {args.runs} runs each, on {args.file.name} ({env_note})")
    floor = measure("python -c pass (the floor)", [py, "-c", "pass"], args.runs)
    measure("python -c 'import typer'", [py, "-c", "import typer"], args.runs)
    measure("typer + pydantic, one model", [py, "-c", LIBRARIES], args.runs)
    cases = [
        ("manikit --help", ["--help"], (0,)),
        ("manikit validate one file", ["validate", one], (0,)),
        ("manikit validate one Service", ["validate", str(SERVICE_FILE)], (0,)),
        ("manikit lint one file", ["lint", one], (0, 1)),
    ]
    for label, argv, allowed in cases:
        median = measure(label, [py, "-m", "manikit", *argv], args.runs, allowed)
        if argv[0] == "validate":
            validate = median
    print(f"  validate one file, above the interpreter's own start-up: {(validate - floor) * 1000:.0f} ms")
    print("  target: manikit validate one file at most 200 ms (issue 17)")
    total, ranked, own, modules = import_times(["-m", "manikit", "validate", one])
    shown = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in ranked[:8])
    print(f"import time of `manikit validate one file`: {total * 1000:.0f} ms in all, {modules} modules")
    print(f"  biggest (ms, cumulative): {shown}")
    shown = ", ".join(f"{name} {seconds * 1000:.0f}" for name, seconds in own[:10])
    print(f"  by package, its modules' own time (ms): {shown}")


if __name__ == "__main__":
    main()
