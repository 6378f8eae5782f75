"""A state file for CLI tests: seeded through the API, read back through the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from manikit.runtime.api import Api
from manikit.runtime.clock import SimulatedClock, parse_time
from manikit.runtime.cluster import ensure_default_cluster
from manikit.runtime.reconcile import reconcile
from manikit.runtime.store import open_store
from tests.cli.helpers import Result, run_cli

NOW = "2025-06-01T12:00:00Z"


class State:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.env = {"MANIKIT_NOW": NOW, "NO_COLOR": "1"}

    def seed(self, *objects: dict[str, Any], settle: bool = True) -> None:
        store = open_store(self.path)
        try:
            api = Api(store, SimulatedClock(parse_time(NOW)))
            api.ensure_system_namespaces()
            ensure_default_cluster(api)
            with api.transaction():
                for obj in objects:
                    api.create(obj)
            if settle:
                reconcile(api)
        finally:
            store.close()

    def run(self, *args: str) -> Result:
        """The command with ``--state`` before the subcommand, as kubectl takes --kubeconfig."""
        return run_cli("--state", str(self.path), *args, env=self.env)
