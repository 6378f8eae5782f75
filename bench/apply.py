"""Benchmark: apply 10,000 objects to an empty state.

    python bench/apply.py [--resources 10000]

Prints objects/s for the apply transaction alone (reconcile excluded), for apply plus reconcile
(controllers, scheduler and kubelet turning the Deployments into running pods on 200 nodes), and for
`manikit apply --auto-approve --no-preview` as a whole process, with peak RSS.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from plan_apply_common import manifest_tree, nodes_file, run

from manikit.apply.executor import execute
from manikit.cluster import open_cluster
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan
from manikit.runtime.reconcile import reconcile
from manikit.source.reader import expand_paths


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    parser.add_argument("--nodes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "manifests"
        manifest_tree(root, args.resources)
        nodes = nodes_file(Path(tmp) / "nodes.yaml", args.nodes)
        desired = load_desired(expand_paths([str(root)]), admit=True)  # as `manikit apply` loads
        objects = len(desired.objects)

        cluster = open_cluster(Path(tmp) / "a.db", default_cluster=False)
        for node in load_desired([str(nodes)]).objects:
            cluster.create(node.body)
        plan = make_plan(cluster, desired, applyset="default")
        start = time.perf_counter()
        execute(cluster, plan)
        applied = time.perf_counter() - start
        start = time.perf_counter()
        result = reconcile(cluster.api)  # the runtime's own loop: it counts passes
        reconciled = time.perf_counter() - start
        pods = cluster.store.count("Pod")
        cluster.close()

        other = str(Path(tmp) / "b.db")
        run(["nodes", "add", "--state", other, str(nodes)])
        wall, peak = run(["apply", "--state", other, "--auto-approve", "--no-preview", str(root)])
    print(f"apply: {objects} objects from an empty state, onto {args.nodes} nodes")
    print(f"  apply transaction alone: {applied:.2f} s = {objects / applied:,.0f} objects/s")
    print(
        f"  apply + reconcile ({pods} pods, {result.passes} passes): {applied + reconciled:.2f} s = "
        f"{objects / (applied + reconciled):,.0f} objects/s"
    )
    print(
        f"  `manikit apply` whole process (load, plan, apply, reconcile): {wall:.2f} s = "
        f"{objects / wall:,.0f} objects/s"
    )
    print(f"  peak RSS (largest process): {peak} MiB")


if __name__ == "__main__":
    main()
