"""Benchmark: `manikit lint` (validation plus every rule) as a whole process on N generated resources,
on one file of N objects, and on the real public manifests of ../shared/corpus side by side with
yamllint and checkov's Kubernetes checks (each skipped with a note when absent; `make bench` installs
checkov in .venv-checkov, a venv of its own).

    python bench/lint.py [--resources 10000] [--runs 3] [--jobs N] [--corpus DIR]

Uses the shared generator (bench/generate.py) for two repositories: a clean one (no findings), where
lint is compared with `manikit validate` on the same files, and one with typical mistakes. Prints
resources/s (median of the runs), the CPU time (user + system of the whole process tree: the steadier
figure when other work shares the machine) and the peak RSS of the manikit process tree (getrusage of
the children, measured in a fresh helper process per run so that runs do not mask each other).
manikit's modules are compiled to bytecode first, as ``pip install`` does (see bench/validate.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate, one_file
from startup import compile_package
from validate import CORPUS, Figures, corpus_files, manikit, measure, ratio_line, tool


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
    exe = manikit()
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    n = args.resources
    compile_package(sys.executable)
    validate, lint, messy, single, single_validate = Figures(), Figures(), Figures(), Figures(), Figures()
    with tempfile.TemporaryDirectory() as tmp:
        clean_dir, messy_dir = Path(tmp) / "clean", Path(tmp) / "messy"
        files = generate(clean_dir, n)
        generate(messy_dir, n, seed=2, clean=False)
        stream = one_file(Path(tmp) / "one" / "all.yaml", n)
        for _ in range(args.runs):  # interleaved, so that a busy moment of the machine hits them all
            validate.add([exe, "validate", "--quiet", *jobs, str(clean_dir)], (0,))
            lint.add([exe, "lint", "--quiet", "--fail-on", "info", *jobs, str(clean_dir)], (0,))
            messy.add([exe, "lint", "--quiet", *jobs, str(messy_dir)], (0, 1))
            single.add([exe, "lint", "--quiet", *jobs, str(stream)], (0, 1))
            single_validate.add([exe, "validate", "--quiet", *jobs, str(stream)], (0, 1))
    print(f"lint benchmark: {n} resources in {len(files)} files, median of {args.runs} runs")
    for label, figures in (
        ("validate, clean repo", validate),
        ("lint, clean repo (no finding)", lint),
        ("lint, repo with findings", messy),
        ("validate, one file of all objects", single_validate),
        ("lint, one file of all objects", single),
    ):
        print(figures.line(label, n))
    for what, of_lint, of_validate in (("clean repo", lint, validate), ("one file", single, single_validate)):
        print(
            f"  lint / validate on the {what}: {of_lint.wall / of_validate.wall:.2f}x the wall time, "
            f"{of_lint.cpu / of_validate.cpu:.2f}x the CPU time"
        )
    print("  target: one file of 10,000 objects at least 6,000 resources/s (issue 17)")
    bench_corpus(args.corpus, args.runs)


# checkov is not in the bench extra: it brings 71 packages (boto3, aiohttp, networkx...) and pins
# packaging 23.2, older than what the test tools use, so `make bench` installs it in a venv of its own.
CHECKOV_VENV = Path(__file__).resolve().parent.parent / ".venv-checkov"
CHECKOV_NOTE = "`make bench` installs it in .venv-checkov, its own venv: it pins old dependencies"


def checkov_tool() -> str | None:
    """checkov from the venv `make bench` gives it, else beside this interpreter or on PATH."""
    own = CHECKOV_VENV / "bin" / "checkov"
    return str(own) if own.exists() else tool("checkov")


def bench_corpus(corpus: Path, runs: int) -> None:
    if not corpus.is_dir():
        print(f"real manifests: skipped, no corpus at {corpus} (see ../shared/README.md)")
        return
    files = corpus_files(corpus)
    ours = Figures()
    others = {"yamllint": (tool("yamllint"), Figures()), "checkov": (checkov_tool(), Figures())}
    for _ in range(runs):  # interleaved, so that a busy moment of the machine hits them all
        ours.add([manikit(), "lint", "--quiet", *files], (0, 1))
        exe, figures = others["yamllint"]
        if exe is not None:
            figures.add([exe, "--no-warnings", *files], (0, 1))
        exe, figures = others["checkov"]
        if exe is not None:
            checkov = [exe, "--framework", "kubernetes", "--quiet", "--compact", "--skip-download"]
            figures.add([*checkov, *(a for f in files for a in ("-f", f))], (0, 1))
    print(f"real manifests: {len(files)} files of {corpus}, median of {runs} runs")
    print(ours.line("manikit lint"))
    for name, (exe, figures) in others.items():
        if exe is None:
            how = CHECKOV_NOTE if name == "checkov" else "pip install -e '.[bench]'"
            print(f"  {name}: skipped, not installed ({how})")
            continue
        print(figures.line(name))
        print(ratio_line(f"{name} takes", figures, ours))
    print("  targets: faster than yamllint; at least 10x faster than checkov (issue 17)")


if __name__ == "__main__":
    main()
