"""Shared by bench/plan.py and bench/apply.py: a generated manifest tree with its namespaces, and
timing a manikit command as a whole process (wall seconds and the peak RSS of its largest process)."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate

EXE = str(Path(sys.executable).with_name("manikit"))
NAMESPACES = 20


def manifest_tree(out: Path, resources: int) -> list[Path]:
    """``resources`` generated objects plus the Namespaces they live in."""
    files = generate(out, resources)
    namespaces = "---\n".join(
        f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{i}\n" for i in range(NAMESPACES)
    )
    path = out / "namespaces.yaml"
    path.write_text(namespaces, encoding="utf-8")
    return [*files, path]


def run(args: list[str], ok: tuple[int, ...] = (0,)) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of ``manikit ARGS`` as a whole process."""
    start = time.perf_counter()
    proc = subprocess.run([EXE, *args], capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in ok:
        sys.exit(f"manikit {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024


def nodes_file(out: Path, count: int) -> Path:
    """``count`` roomy nodes in three zones, enough for every generated pod to be scheduled."""
    docs = []
    for i in range(count):
        name = f"bench-node-{i:03d}"
        docs.append(
            f"apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\n  labels:\n"
            f"    kubernetes.io/hostname: {name}\n    topology.kubernetes.io/zone: zone-{i % 3}\n"
            f"spec:\n  podCIDR: 10.{100 + i // 256}.{i % 256}.0/24\n"
            "status:\n  capacity: {cpu: '64', memory: 256Gi, pods: '110'}\n"
            "  allocatable: {cpu: '64', memory: 256Gi, pods: '110'}\n"
        )
    out.write_text("---\n".join(docs), encoding="utf-8")
    return out
