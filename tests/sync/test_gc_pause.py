"""The collector pause around batches, saves and loads."""

from __future__ import annotations

import gc

from sync.automerge.gc_pause import gc_paused


def test_pauses_nest_and_the_collector_comes_back_as_it_was() -> None:
    assert gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_collector_comes_back_when_the_batch_raises() -> None:
    try:
        with gc_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()


def test_entering_the_pause_allocates_nothing_the_collector_counts() -> None:
    # An allocation while the collector is still on could set off a full collection.
    gc.collect()
    first = gc.get_count()[0]
    baseline = gc.get_count()[0] - first  # what reading the count itself costs
    before = gc.get_count()[0]
    with gc_paused():
        inside = gc.get_count()[0]
    assert inside - before <= baseline
