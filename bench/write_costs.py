"""Bench: where an API write's time goes, in the issue-17 apply from empty (bench/apply_empty.py's
file: 5,000 Deployments with 0 replicas, 5,000 Services, 20 Namespaces).

    python bench/write_costs.py [--resources 10000]

Runs the apply transaction (``manikit.apply.executor.execute``) and the reconcile after it in this
process, each with the seconds spent inside the main calls of the write path added up (a timer
around each call: a call inside another counts in both, so the lines do not add up). Without a
profiler's per-call overhead, these are the figures to compare when making a write cheaper; the two
CPU totals are the process's CPU seconds of each step.
"""

from __future__ import annotations

import argparse
import functools
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from apply_empty import manifest

import manikit.apply.executor as executor
import manikit.fields.ownership as ownership
import manikit.runtime.api.core as core
import manikit.runtime.api.fieldmanager as fieldmanager
import manikit.runtime.store.sqlite as sqlite
from manikit.apply.preview import with_preview
from manikit.cli.main import GC_THRESHOLDS
from manikit.cluster import open_cluster
from manikit.cluster.statefile import keep_backup
from manikit.plan.desired import load_desired
from manikit.plan.planner import make_plan

#: (owner, attribute): the calls timed, where the write path looks them up
TIMED: list[tuple[Any, str]] = [
    (executor, "note_applied"),
    (executor, "manifest_digest"),
    (executor, "_member"),
    (fieldmanager, "created_applied"),
    (core.fieldmanager, "apply"),
    (core.fieldmanager, "record"),
    (core, "to_body"),
    (core, "validate"),
    (core.Api, "create"),
    (core.Api, "update"),
    (core.Api, "update_status"),
    (core.Api, "_prepare_create"),
    (ownership, "changes"),
    (ownership, "_record_create"),
    (sqlite.SqliteStore, "create"),
    (sqlite.SqliteStore, "update"),
    (sqlite.SqliteStore, "_execute_commit"),
]


def timed(spent: dict[str, float]) -> None:
    """Wrap each of ``TIMED`` so that its seconds add up in ``spent``."""
    for owner, name in TIMED:
        call: Callable[..., Any] = getattr(owner, name)
        label = f"{getattr(owner, '__name__', '').rsplit('.', 1)[-1]}.{name}"

        def wrapper(*args: Any, _call: Callable[..., Any] = call, _label: str = label, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return _call(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - start

        setattr(owner, name, functools.wraps(call)(wrapper))


def show(step: str, cpu: float, spent: dict[str, float]) -> None:
    print(f"{step}: {cpu:.2f} s CPU")
    for label, seconds in sorted(spent.items(), key=lambda item: -item[1]):
        print(f"    {label:<40} {seconds:6.3f} s")
    spent.clear()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--resources", type=int, default=10_000)
    args = parser.parse_args()
    spent: dict[str, float] = {}
    gc.set_threshold(*GC_THRESHOLDS)  # as the command's process
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        file = manifest(tmp / "all.yaml", args.resources)
        cluster = open_cluster(tmp / "state.db")
        desired = load_desired([str(file)], admit=True)
        plan = with_preview(cluster, make_plan(cluster, desired, applyset="default"))
        del desired
        keep_backup(cluster)
        timed(spent)
        start = time.process_time()
        executor.execute(cluster, plan)
        applied = time.process_time()
        show("apply transaction", applied - start, spent)
        del plan
        cluster.run()
        show("reconcile", time.process_time() - applied, spent)
        cluster.close()


if __name__ == "__main__":
    main()
