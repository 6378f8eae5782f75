"""A state file for CLI tests: seeded through the API, read back through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from manikit.cluster import open_cluster
from manikit.runtime.clock import parse_time
from manikit.runtime.reconcile import reconcile
from tests.cli.helpers import Result, run_cli

NOW = "2025-06-01T12:00:00Z"


class State:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {"MANIKIT_NOW": NOW, "NO_COLOR": "1"}

    def seed(self, *objects: dict[str, Any], settle: bool = True) -> None:
        cluster = open_cluster(self.path, now=parse_time(NOW))
        try:
            with cluster.batch():
                for obj in objects:
                    cluster.create(obj)
            if settle:  # the runtime's loop, not cluster.run(): the state's clock stays at NOW
                reconcile(cluster.api)
        finally:
            cluster.close()

    def run(self, *args: str) -> Result:
        """The command with ``--state`` before the subcommand, as kubectl takes --kubeconfig."""
        return run_cli("--state", str(self.path), *args, env=self.env)
