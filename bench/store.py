"""Bench: store writes per second, batched in transactions, on a state file on disk.

Creates then updates N pod-sized objects (each write is a current-object row plus a history row),
in transactions of --batch writes, and times a label-selector list over them.

    .venv/bin/python bench/store.py [--objects 50000] [--batch 5000]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from manikit.runtime.gcpause import paused_gc
from manikit.runtime.store import open_store

POD: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "", "namespace": "default", "labels": {"app": "web", "pod-template-hash": "7d4b9c"}},
    "spec": {
        "containers": [
            {
                "name": "web",
                "image": "nginx:1.27",
                "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
            }
        ],
        "nodeName": "node-1",
    },
    "status": {"phase": "Running", "podIP": "10.244.1.2"},
}


def bodies(count: int) -> list[dict[str, Any]]:
    out = []
    for index in range(count):
        body = copy.deepcopy(POD)
        body["metadata"]["name"] = f"web-{index:06d}"
        if index % 100 == 0:
            body["metadata"]["labels"]["app"] = "db"
        out.append(body)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--objects", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=5_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, paused_gc():
        store = open_store(Path(tmp) / "state.db")
        items = bodies(args.objects)
        start, cpu_start = time.perf_counter(), time.process_time()
        for first in range(0, args.objects, args.batch):
            with store.transaction():
                for body in items[first : first + args.batch]:
                    store.create("Pod", "default", body["metadata"]["name"], body)
        created = time.perf_counter()
        for first in range(0, args.objects, args.batch):
            with store.transaction():
                for body in items[first : first + args.batch]:
                    revision = int(body["metadata"]["resourceVersion"])
                    body["status"]["phase"] = "Succeeded"
                    store.update("Pod", "default", body["metadata"]["name"], body, revision)
        updated, cpu_updated = time.perf_counter(), time.process_time()
        selective = store.list("Pod", "default", {"app": "db"})
        listed = time.perf_counter()
        everything = store.list("Pod", "default")
        listed_all = time.perf_counter()
    create_rate = args.objects / (created - start)
    update_rate = args.objects / (updated - created)
    print(f"{args.objects} objects in transactions of {args.batch} writes")
    print(f"  create: {create_rate:,.0f} writes/s")
    print(f"  update (optimistic, resourceVersion-guarded): {update_rate:,.0f} writes/s")
    print(f"  overall: {2 * args.objects / (updated - start):,.0f} writes/s (target >= 20,000)")
    cpu = cpu_updated - cpu_start
    print(f"  CPU time of the writes: {cpu:.2f} s = {2 * args.objects / cpu:,.0f} writes per CPU second")
    print(f"  list by label (app=db, {len(selective)} of {args.objects}): {(listed - updated) * 1000:.0f} ms")
    print(f"  list all ({len(everything)}): {(listed_all - listed) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
