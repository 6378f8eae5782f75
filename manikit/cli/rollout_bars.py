"""Rollout progress bars for ``apply --wait`` and ``rollout status`` on a terminal: one bar per
Deployment, its new replicas available out of those wanted. Logs and pipes keep kubectl's lines."""

from __future__ import annotations

from collections.abc import Iterable
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from manikit.cli import console

Body = dict[str, Any]
#: bars drawn at most (the first Deployments seen); the text report after them names every one
MAX_BARS = 20


def progress_of(dep: Body) -> tuple[int, int, str]:
    """(new replicas available, replicas wanted, a word on the state): what kubectl's
    rollout status waits for, as a count."""
    spec, st = dep.get("spec") or {}, dep.get("status") or {}
    wanted = int(spec.get("replicas", 1))
    updated, available = int(st.get("updatedReplicas", 0)), int(st.get("availableReplicas", 0))
    old = max(int(st.get("replicas", 0)) - updated, 0)
    done = min(updated, available, wanted)
    if done >= wanted and not old:
        word = "rolled out"
    elif old:
        word = f"{old} old pending termination"
    else:
        word = f"{updated} updated, {available} available"
    return done, wanted, word


class RolloutBars:
    """Bars on stderr while a rollout is waited for; nothing at all when not at a terminal."""

    def __init__(self, out: Console | None = None) -> None:
        self.enabled = console.is_interactive()
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=30),
            MofNCompleteColumn(),
            TextColumn("{task.fields[word]}"),
            console=out or console.stderr(),
            transient=False,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RolloutBars:
        if self.enabled:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.enabled:
            self._progress.stop()

    def update(self, deployments: Iterable[Body]) -> None:
        if not self.enabled:
            return
        for dep in deployments:
            meta = dep["metadata"]
            key = f"deployment/{meta['name']} ({meta.get('namespace', '')})"
            done, wanted, word = progress_of(dep)
            if key not in self._tasks:
                if len(self._tasks) >= MAX_BARS:
                    continue
                self._tasks[key] = self._progress.add_task(key, total=max(wanted, 1), word=word)
            self._progress.update(self._tasks[key], completed=done, total=max(wanted, 1), word=word)
