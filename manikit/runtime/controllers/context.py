"""What a controller is given for one reconcile pass: the API, the clock, and a place for timers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from manikit.models.node import Node
from manikit.models.pod import Pod
from manikit.runtime.api import Api
from manikit.runtime.clock import Clock
from manikit.runtime.store import Body


@dataclass
class ModelCache:
    """Validated models of stored bodies, keyed by (uid, resourceVersion): a body parsed once per
    version for the whole reconcile run (the scheduler takes models, controllers write dicts)."""

    _models: dict[tuple[str, str], Any] = field(default_factory=dict)

    def clear(self) -> None:
        self._models.clear()

    def pod(self, body: Body) -> Pod:
        found: Pod = self._get(body, Pod)
        return found

    def node(self, body: Body) -> Node:
        found: Node = self._get(body, Node)
        return found

    def _get(self, body: Body, model: type[Any]) -> Any:
        meta = body["metadata"]
        key = (meta["uid"], meta["resourceVersion"])
        found = self._models.get(key)
        if found is None:
            found = model.model_validate(body)
            self._models[key] = found
        return found


@dataclass
class PassContext:
    api: Api
    clock: Clock
    models: ModelCache
    wake: datetime | None = None

    def now(self) -> datetime:
        return self.clock.now()

    def wake_at(self, moment: datetime) -> None:
        """Ask for another pass once the simulated clock reaches ``moment`` (a readiness delay...)."""
        if moment > self.clock.now() and (self.wake is None or moment < self.wake):
            self.wake = moment
