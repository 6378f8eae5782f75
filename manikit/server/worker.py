"""The store's thread: calls that use the store run one at a time, in the order they were queued.

The event loop awaits a queued call through one future settled with ``call_soon_threadsafe`` (about a
third of ``run_in_executor``'s cost: no concurrent future to chain). A short read need not cross
threads at all: when the store is idle and nothing is queued, ``read`` runs it on the caller's thread
under the same lock, so calls still never overlap, and a read that starts after a write has answered
sees that write. The lock is held by whoever is using the store, the thread or an inline read.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import queue
import threading
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")
#: settles a call's future with its result or its exception
Settle = Callable[[Any, BaseException | None], None]


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
        self._jobs: queue.SimpleQueue[tuple[Callable[[], Any], Settle] | None] = queue.SimpleQueue()
        self._busy = threading.Lock()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn`` on the store's thread, after every call queued before it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()

        def settle(result: Any, error: BaseException | None) -> None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits any more
                loop.call_soon_threadsafe(_settle, future, result, error)

        self._jobs.put((functools.partial(fn, *args, **kwargs), settle))
        return await future

    async def read(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """A short read: run here at once when the store is idle and nothing waits for it (no thread
        hop), else queued as ``run`` queues it. ``fn`` must not await or block for long."""
        if self._jobs.empty() and self._busy.acquire(blocking=False):
            try:
                return fn(*args, **kwargs)
            finally:
                self._busy.release()
        return await self.run(fn, *args, **kwargs)

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the store's thread and wait for it (from a thread that is not the loop's)."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def settle(result: Any, error: BaseException | None) -> None:
            if error is None:
                future.set_result(result)
            else:
                future.set_exception(error)

        self._jobs.put((fn, settle))
        return future.result()

    def stop(self) -> None:
        """Finish the calls queued so far, then end the thread."""
        self._jobs.put(None)
        self._thread.join()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            fn, settle = job
            with self._busy:
                try:
                    result = fn()
                except BaseException as exc:  # handed to the caller, who raises it
                    settle(None, exc)
                else:
                    settle(result, None)
