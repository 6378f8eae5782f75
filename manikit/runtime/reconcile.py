"""The reconcile loop: controllers and the scheduler run, pass after pass, until nothing changes.

Each pass is one transaction. When a pass writes nothing but a controller asked to be woken later
(an image pull, a readiness delay, minReadySeconds, a grace period), the clock moves to that moment
and passes go on. Without ``until`` the loop runs until settled: no write and no timer left but those
of endless cycles (crash loops); with ``until`` it runs every timer up to that moment and leaves the
clock there. A loop still writing after ``max_passes`` at one moment is reported as not settled, with
what it kept changing.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from manikit.errors import ConflictError
from manikit.runtime import views
from manikit.runtime.api import Api
from manikit.runtime.clock import Clock
from manikit.runtime.controllers import CONTROLLERS, ModelCache, PassContext
from manikit.runtime.gcpause import paused_gc
from manikit.runtime.store import Store

DEFAULT_MAX_PASSES = 200
#: how far "until settled" may move the clock: a cluster still changing a day later never settles
SETTLE_HORIZON = timedelta(days=1)
CONFLICT_RETRIES = 3


@dataclass(frozen=True)
class ReconcileResult:
    settled: bool
    passes: int
    writes: int
    #: when not settled: "Kind/namespace/name" of the objects written in the last pass (first 20)
    churn: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.settled:
            return f"reconciled in {self.passes} passes ({self.writes} writes)"
        shown = ", ".join(self.churn)
        return (
            f"the control plane did not settle after {self.passes} passes ({self.writes} writes); "
            f"still changing: {shown}"
        )


def reconcile(
    api: Api,
    clock: Clock | None = None,
    max_passes: int = DEFAULT_MAX_PASSES,
    *,
    until: datetime | None = None,
    observe: Callable[[], bool] | None = None,
) -> ReconcileResult:
    """Run every controller until the cluster settles or, given ``until``, until that moment.

    ``observe`` is called after every pass that changed something (a watcher printing what it
    sees); when it returns True the loop stops there."""
    clock = clock or api.clock
    view, models = _caches(api.store, clock)
    created = api.take_created()  # what the batch before created: the view need not read it back
    if created is not None:
        view.seed(*created)
    writes = passes = here = 0
    horizon = clock.now() + SETTLE_HORIZON
    with paused_gc():
        while True:
            passes += 1
            here += 1
            before = view.revision()
            ctx = _run_pass(view, clock, models)
            after = view.revision()
            if after != before:
                writes += after - before
                if observe is not None and observe():
                    return ReconcileResult(True, passes, writes, ())
                if here >= max_passes:
                    return ReconcileResult(False, passes, writes, tuple(_churn(view, before)))
                continue
            moment = _next_moment(ctx, until)
            if moment is None or (until is None and moment > horizon):
                if until is not None:
                    clock.advance_to(until)
                return ReconcileResult(moment is None, passes, writes, ())
            clock.advance_to(moment)
            here = 0


def _caches(store: Store, clock: Clock) -> tuple[Api, ModelCache]:
    """The controllers' cached view of ``store`` and their models, kept from one reconcile to the next
    (a server reconciling after every write, ``apply --wait`` stepping the clock; ``runtime.views``):
    the view catches up from the store's history, so only what was written since is read again."""
    found = views.kept(store)
    if found is None:
        found = views.Views(Api(weakref.proxy(store), clock, cached=True), ModelCache())
        views.keep(store, found)
    found.view.clock = clock
    return found.view, found.models


def _next_moment(ctx: PassContext, until: datetime | None) -> datetime | None:
    """Where the clock goes next: the earliest timer, while any timer still matters."""
    if until is None:
        return ctx.wake if ctx.progress is not None else None
    return ctx.wake if ctx.wake is not None and ctx.wake <= until else None


def _run_pass(view: Api, clock: Clock, models: ModelCache) -> PassContext:
    """One pass in one transaction. A conflict (a controller acting on a stale read) rolls the pass
    back and runs it again, as a controller requeues; a persistent one is a bug and propagates."""
    for attempt in range(CONFLICT_RETRIES + 1):
        ctx = PassContext(view, clock, models)
        try:
            with view.transaction():
                for controller in CONTROLLERS.values():
                    controller(ctx)
        except ConflictError:
            models.clear()  # revisions of the rolled-back pass will be reused by other bodies
            if attempt == CONFLICT_RETRIES:
                raise
            continue
        except BaseException:
            models.clear()  # the same, and the models outlive this call
            raise
        return ctx
    raise AssertionError("unreachable")


def _churn(api: Api, since: int) -> list[str]:
    seen: list[str] = []
    for entry in api.watch(since):
        ref = (
            f"{entry.kind}/{entry.namespace}/{entry.name}"
            if entry.namespace
            else f"{entry.kind}/{entry.name}"
        )
        if ref not in seen:
            seen.append(ref)
        if len(seen) == 20:
            break
    return seen
