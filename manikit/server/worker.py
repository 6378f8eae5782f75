"""The store's thread: calls that use the store run one at a time, in the order they were queued.

The event loop awaits a queued call through one future settled with ``call_soon_threadsafe`` (about a
third of ``run_in_executor``'s cost: no concurrent future to chain). A short read need not cross
threads at all: when the store is idle and nothing is queued, ``read`` runs it on the caller's thread
under the same lock, so calls still never overlap, and a read that starts after a write has answered
sees that write. The lock is held by whoever is using the store, the thread or an inline read.

A long call (the reconciler's passes, seconds over 10,000 pods) can let the reads queued meanwhile
run between two of its steps (``serve_reads``, at a point where its writes are committed), instead of
making them wait for its end; a read never needs to wait for a write that has not answered yet.
"""

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import contextlib
import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
#: settles a call's future with its result or its exception
Settle = Callable[[Any, BaseException | None], None]


@dataclass(eq=False)
class _Job:
    fn: Callable[[], Any]
    settle: Settle
    #: a read: may run between the steps of a long call
    read: bool


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():  # the awaiting request went away
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class StoreWorker:
    """One thread that runs the queued calls; ``stop`` finishes those queued, then ends it."""

    def __init__(self, name: str = "manikit-store") -> None:
        self._jobs: collections.deque[_Job] = collections.deque()
        self._queued = threading.Condition()
        self._stopping = False
        self._busy = threading.Lock()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on the store's thread, after every call queued before it."""
        return await self._queue(functools.partial(fn, *args, **kwargs), read=False)

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """A short read: run here at once when the store is idle and nothing waits for it (no thread
        hop), else queued (and maybe run between the steps of a long call). ``fn`` must not write,
        await or block for long."""
        if not self._jobs and self._busy.acquire(blocking=False):
            try:
                return fn(*args, **kwargs)
            finally:
                self._busy.release()
        return await self._queue(functools.partial(fn, *args, **kwargs), read=True)

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the store's thread and wait for it (from a thread that is not the loop's)."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def settle(result: Any, error: BaseException | None) -> None:
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)

        self._put(_Job(fn, settle, read=False))
        return future.result()

    def serve_reads(self) -> None:
        """Run the reads queued so far, here, from inside a call on the store's thread, at a point
        where the store is consistent (no transaction open). Elsewhere nothing is queued behind the
        caller: nothing to do."""
        if threading.current_thread() is not self._thread:
            return
        while True:
            with self._queued:
                job = next((j for j in self._jobs if j.read), None)
                if job is None:
                    return
                self._jobs.remove(job)
            _execute(job)

    def stop(self) -> None:
        """Finish the calls queued so far, then end the thread."""
        with self._queued:
            self._stopping = True
            self._queued.notify()
        self._thread.join()

    async def _queue(self, fn: Callable[[], T], *, read: bool) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def settle(result: Any, error: BaseException | None) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
                loop.call_soon_threadsafe(_settle, future, result, error)

        self._put(_Job(fn, settle, read))
        return await future

    def _put(self, job: _Job) -> None:
        with self._queued:
            self._jobs.append(job)
            self._queued.notify()

    def _work(self) -> None:
        while True:
            with self._queued:
                while not self._jobs and not self._stopping:
                    self._queued.wait()
                if not self._jobs:
                    return
                job = self._jobs.popleft()
            with self._busy:
                _execute(job)


def _execute(job: _Job) -> None:
    try:
        result = job.fn()
    except BaseException as exc:  # handed to the caller, who raises it
        job.settle(None, exc)
    else:
        job.settle(result, None)
