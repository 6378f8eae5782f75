"""``runtime.gcpause.paused_gc``: the collector paused for a block and put back as it was; what the
block made and kept goes with the oldest objects, so that the first young collection after it does
not walk them all (an apply's batch keeps its bodies for the controllers' view)."""

from __future__ import annotations

import gc

from manikit.runtime.gcpause import paused_gc


def test_the_collector_is_paused_and_put_back() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()  # left as it was: off
    finally:
        gc.enable()


def test_what_the_block_keeps_is_no_young_collection_due() -> None:
    gc.collect()
    threshold = gc.get_threshold()[0]
    with paused_gc():
        kept = [{"n": [i]} for i in range(threshold * 5)]  # tracked by the collector (a list in each)
        assert gc.get_count()[0] > threshold  # a young collection would be due
    assert gc.get_count()[0] <= threshold  # with the oldest now: none is
    more = [{"m": i} for i in range(threshold * 2)]  # young collections: they walk these alone
    oldest = {id(o) for o in gc.get_objects(generation=2)}
    assert id(kept) in oldest and id(kept[-1]) in oldest
    assert gc.isenabled() and len(kept) == threshold * 5 and len(more) == threshold * 2


def test_an_exception_in_the_block_still_puts_the_collector_back() -> None:
    try:
        with paused_gc():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()
