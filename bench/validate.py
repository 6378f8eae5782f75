"""Benchmark: `manikit validate` as a whole process, where users meet it.

    python bench/validate.py [--resources 10000] [--runs 3] [--jobs N] [--corpus DIR]

1. a generated repository of N resources in files of a few documents each;
2. one file of N objects (Deployments with 0 replicas and their Services), as `helm template` prints;
3. the real public manifests of ../shared/corpus (skipped with a note when absent), side by side with
   kubernetes-validate --strict on the same files in the same run (skipped with a note when it is not
   installed: `pip install -e '.[bench]'`), and the ratio of the two.

Prints resources/s or seconds (median of the runs), CPU time (user + system of the whole process tree:
the steadier figure when other work shares the machine) and peak RSS. manikit's modules are compiled to
bytecode first, as ``pip install`` does (startup.compile_package): with PYTHONDONTWRITEBYTECODE set, an
editable install would compile them from source in every run, and in every worker that imports a
kind's models.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate, one_file
from startup import compile_package

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_SUFFIXES = (".yaml", ".yml")


def measure(command: list[str]) -> None:
    """Helper mode: run ``command`` once; print wall and CPU seconds (user + system, the whole process
    tree), peak RSS (KiB) and exit code as JSON. A fresh helper per run, so runs do not mask each other."""
    start = time.perf_counter()
    proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    summary = {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kib": usage.ru_maxrss}
    print(json.dumps({**summary, "code": proc.returncode, "stderr": proc.stderr[-2000:]}))


@dataclass
class Figures:
    """The runs of one command: wall and CPU seconds, peak RSS."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peak_mib: int = 0

    def add(self, command: list[str], allowed: tuple[int, ...] = (0,)) -> None:
        out = subprocess.run(
            [sys.executable, __file__, "--measure", *command], capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout)
        if result["code"] not in allowed:
            sys.exit(
                f"{' '.join(command[:2])} exited {result['code']}, expected one of {allowed}:\n"
                + result["stderr"]
            )
        self.walls.append(result["wall"])
        self.cpus.append(result["cpu"])
        self.peak_mib = max(self.peak_mib, result["peak_kib"] // 1024)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def line(self, label: str, resources: int | None = None) -> str:
        rate = f"{resources / self.wall:8,.0f} resources/s  " if resources else ""
        return (
            f"  {label:<34} {rate}({self.wall:.2f} s wall, {self.cpu:.2f} s CPU, "
            f"peak RSS {self.peak_mib} MiB)"
        )


def manikit() -> str:
    return str(Path(sys.executable).with_name("manikit"))


def tool(name: str) -> str | None:
    """A comparison tool installed beside this interpreter (the bench extra), else on PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def corpus_files(corpus: Path) -> list[str]:
    """The corpus's YAML files, the deliberately invalid fixtures left out, in a stable order."""
    return sorted(
        str(p)
        for p in corpus.rglob("*")
        if p.suffix in CORPUS_SUFFIXES and p.is_file() and "invalid" not in p.relative_to(corpus).parts
    )


def pyyaml_readable(files: list[str]) -> list[str]:
    """The files PyYAML parses: kubernetes-validate stops its whole run at the first file it cannot
    parse (a trailing tab, a template), so it is compared on these only, and manikit with it."""
    try:
        import yaml  # PyYAML, which kubernetes-validate installs
    except ImportError:
        return files
    readable = []
    for name in files:
        try:
            with open(name, encoding="utf-8") as handle:
                list(yaml.safe_load_all(handle))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        readable.append(name)
    return readable


def ratio_line(label: str, theirs: Figures, ours: Figures) -> str:
    return (
        f"  {label}: {theirs.wall / ours.wall:.1f}x the wall time, "
        f"{theirs.cpu / ours.cpu:.1f}x the CPU time of manikit's"
    )


def bench_corpus(corpus: Path, runs: int) -> None:
    if not corpus.is_dir():
        print(f"real manifests: skipped, no corpus at {corpus} (see ../shared/README.md)")
        return
    kv = tool("kubernetes-validate")
    everything = corpus_files(corpus)
    files = pyyaml_readable(everything) if kv is not None else everything
    ours = Figures()
    theirs = Figures()
    for _ in range(runs):  # interleaved, so that a busy moment of the machine hits both
        ours.add([manikit(), "validate", "--quiet", *files], (0, 1))
        if kv is not None:
            theirs.add([kv, "--strict", "--quiet", *files], (0, 1, 2))
    left_out = len(everything) - len(files)
    note = (
        f" ({left_out} that PyYAML cannot parse left out: kubernetes-validate stops at them)"
        if left_out
        else ""
    )
    print(f"real manifests: {len(files)} files of {corpus}{note}, median of {runs} runs")
    print(ours.line("manikit validate"))
    if kv is None:
        print("  kubernetes-validate --strict: skipped, not installed (pip install -e '.[bench]')")
        return
    print(theirs.line("kubernetes-validate --strict"))
    print(ratio_line("kubernetes-validate --strict takes", theirs, ours))
    print("  target: at least 20x (issue 17)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        measure(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="passed to manikit (default: automatic)")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    n = args.resources
    compile_package(sys.executable)
    repository, single = Figures(), Figures()
    with tempfile.TemporaryDirectory() as tmp:
        files = generate(Path(tmp) / "repo", n)
        stream = one_file(Path(tmp) / "one" / "all.yaml", n)
        for _ in range(args.runs):
            repository.add([manikit(), "validate", "--quiet", *jobs, str(Path(tmp) / "repo")])
            single.add([manikit(), "validate", "--quiet", *jobs, str(stream)])
    print(f"validate: {n} resources, median of {args.runs} runs")
    print(repository.line(f"in {len(files)} files", n))
    print(single.line("in one file", n))
    print("  target: one file of 10,000 objects at least 10,000 resources/s (issue 17)")
    bench_corpus(args.corpus, args.runs)


if __name__ == "__main__":
    main()
