"""The store's thread: queued calls in order, one at a time; a read inline only when the store is idle."""

from __future__ import annotations

import asyncio
import threading

import pytest

from manikit.server.worker import StoreWorker


def test_run_uses_the_store_thread_in_order() -> None:
    worker = StoreWorker(name="store-under-test")
    seen: list[tuple[int, str]] = []

    def note(index: int) -> int:
        seen.append((index, threading.current_thread().name))
        return index * 10

    async def main() -> list[int]:
        return list(await asyncio.gather(*(worker.run(note, i) for i in range(5))))

    try:
        assert asyncio.run(main()) == [0, 10, 20, 30, 40]
    finally:
        worker.stop()
    assert seen == [(i, "store-under-test") for i in range(5)]


def test_read_runs_inline_when_the_store_is_idle() -> None:
    worker = StoreWorker()

    async def main() -> str:
        return await worker.read(lambda: threading.current_thread().name)

    try:
        assert asyncio.run(main()) == threading.current_thread().name
    finally:
        worker.stop()


def test_read_waits_for_a_running_call_and_runs_after_it() -> None:
    """A read while a write holds the store is queued behind it: it sees what the write did."""
    worker = StoreWorker(name="store-under-test")
    started, release = threading.Event(), threading.Event()
    state: list[str] = []

    def write() -> None:
        started.set()
        release.wait(5)
        state.append("written")

    def read() -> tuple[list[str], str]:
        return list(state), threading.current_thread().name

    async def main() -> tuple[list[str], str]:
        writing = asyncio.ensure_future(worker.run(write))
        await asyncio.get_running_loop().run_in_executor(None, started.wait, 5)
        reading = asyncio.ensure_future(worker.read(read))
        await asyncio.sleep(0.01)
        assert not reading.done()  # the store is busy: the read did not run beside the write
        release.set()
        await writing
        return await reading

    try:
        assert asyncio.run(main()) == (["written"], "store-under-test")
    finally:
        worker.stop()


def test_errors_reach_the_caller_and_the_thread_goes_on() -> None:
    worker = StoreWorker()

    def fail() -> None:
        raise KeyError("nope")

    async def main() -> int:
        with pytest.raises(KeyError):
            await worker.run(fail)
        with pytest.raises(KeyError):
            await worker.read(fail)
        return await worker.run(lambda: 7)

    try:
        assert asyncio.run(main()) == 7
    finally:
        worker.stop()


def test_call_and_stop_from_another_thread_finish_what_was_queued() -> None:
    worker = StoreWorker(name="store-under-test")
    done: list[int] = []
    assert worker.call(lambda: threading.current_thread().name) == "store-under-test"
    with pytest.raises(ZeroDivisionError):
        worker.call(lambda: 1 // 0)

    async def main() -> None:
        loop = asyncio.get_running_loop()
        queued = [asyncio.ensure_future(worker.run(done.append, i)) for i in range(3)]
        await asyncio.sleep(0)
        await loop.run_in_executor(None, worker.stop)
        await asyncio.gather(*queued)

    asyncio.run(main())
    assert done == [0, 1, 2]


def test_a_long_call_lets_the_waiting_reads_run_between_its_steps() -> None:
    """The reconciler's passes: a read queued during the call runs at its next step boundary and sees
    the first step's write; a write queued meanwhile still waits for the call to end."""
    worker = StoreWorker(name="store-under-test")
    state: list[str] = []
    queued, boundary_passed = threading.Event(), threading.Event()

    def long_call() -> None:
        state.append("pass 1")
        queued.wait(5)
        worker.serve_reads()
        boundary_passed.set()
        state.append("pass 2")

    def read() -> list[str]:
        return list(state)

    async def main() -> tuple[list[str], list[str]]:
        calling = asyncio.ensure_future(worker.run(long_call))
        await asyncio.sleep(0)
        writing = asyncio.ensure_future(worker.run(state.append, "write"))
        reading = asyncio.ensure_future(worker.read(read))
        await asyncio.sleep(0)
        queued.set()
        seen = await reading
        await calling
        await writing
        return seen, list(state)

    try:
        seen, final = asyncio.run(main())
    finally:
        worker.stop()
    assert seen == ["pass 1"]
    assert final == ["pass 1", "pass 2", "write"]
    assert boundary_passed.is_set()


def test_serve_reads_elsewhere_than_the_store_thread_does_nothing() -> None:
    worker = StoreWorker()
    try:
        worker.serve_reads()
        assert worker.call(lambda: 3) == 3
    finally:
        worker.stop()
