"""Bench: the SQLite and etcd store backends side by side.

For each backend: (1) raw object writes/s (pod-sized creates in transactions of --batch writes, as
bench/store.py does), (2) applying --resources generated manifests (Deployments, Services, Pods; bench/
generate.py) in one transaction, (3) planning the same manifests again against the applied state
(``make_plan``, no changes: reading every live object and diffing; the YAML parse is timed apart).

The etcd backend needs a running cluster: --etcd URL, else MANIKIT_TEST_ETCD (set by .ci/run), else a
throwaway 3-member cluster on 127.0.0.1 is started from the installed ``etcd`` and stopped after.

    .venv/bin/python bench/store_backends.py [--resources 10000] [--writes 10000] [--batch 1000]
"""

# ruff: noqa: E402  (imports after putting bench/ and the repository on sys.path)
from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))
from generate import generate
from store import POD

from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.runtime.store import Store, open_store
from manikit.source.reader import expand_paths
from tests.runtime.store.etcd_cluster import start_cluster


def write_rate(open_fresh: Callable[[], Store], count: int, batch: int) -> float:
    store = open_fresh()
    bodies = []
    for index in range(count):
        body = copy.deepcopy(POD)
        body["metadata"]["name"] = f"web-{index:06d}"
        bodies.append(body)
    start = time.perf_counter()
    for first in range(0, count, batch):
        with store.transaction():
            for body in bodies[first : first + batch]:
                store.create("Pod", "default", body["metadata"]["name"], body)
    elapsed = time.perf_counter() - start
    store.close()
    return count / elapsed


def apply_and_plan(fresh: Callable[[], str], root: Path) -> dict[str, Any]:
    parse_start = time.perf_counter()
    desired = load_desired(expand_paths([str(root)]))
    parsed = time.perf_counter() - parse_start
    cluster = open_cluster(fresh(), default_cluster=False)
    plan = make_plan(cluster, desired, applyset="default")
    start = time.perf_counter()
    execute(cluster, plan)
    applied = time.perf_counter() - start
    start = time.perf_counter()
    again = make_plan(cluster, desired, applyset="default")
    planned = time.perf_counter() - start
    assert again.empty, "a plan right after apply must be empty"
    cluster.close()
    return {"objects": len(desired.objects), "apply": applied, "plan": planned, "parse": parsed}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--writes", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--etcd", default=os.environ.get("MANIKIT_TEST_ETCD"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "manifests"
        generate(root, args.resources)
        (root / "namespaces.yaml").write_text(
            "---\n".join(f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-{i}\n" for i in range(20))
        )
        cluster = None
        etcd = args.etcd
        if not etcd:
            cluster = start_cluster(Path(tmp) / "etcd")
            etcd = f"etcd://{','.join(cluster.endpoints)}/bench"
        base = etcd.split("?")[0].rsplit("/", 1)[0]
        counter = iter(range(1_000_000))
        backends: dict[str, Callable[[], str]] = {  # a fresh state's location
            "sqlite": lambda: str(Path(tmp) / f"state-{next(counter)}.db"),
            "etcd": lambda: f"{base}/bench-{uuid.uuid4().hex[:8]}",
        }
        try:
            print(
                f"store backends: {args.writes} pod writes in transactions of {args.batch}, then apply "
                f"and plan of {args.resources} generated manifests (+20 namespaces)"
            )
            print(f"etcd: {base} (3 members on 127.0.0.1)" if cluster or "," in base else f"etcd: {base}")
            for name, fresh in backends.items():
                rate = write_rate(lambda fresh=fresh: open_store(fresh()), args.writes, args.batch)
                result = apply_and_plan(fresh, root)
                print(f"  {name}:")
                print(f"    object writes: {rate:,.0f} writes/s")
                print(
                    f"    apply {result['objects']} objects in one transaction: {result['apply']:.2f} s "
                    f"= {result['objects'] / result['apply']:,.0f} objects/s"
                )
                print(
                    f"    plan {result['objects']} objects (no changes): {result['plan']:.2f} s "
                    f"(+ {result['parse']:.2f} s parsing the manifests)"
                )
        finally:
            if cluster is not None:
                cluster.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
