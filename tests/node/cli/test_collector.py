"""`mekaar serve` sets the cyclic garbage collector for a node holding thousands of documents."""

from __future__ import annotations

import gc

from node.cli import YOUNG_OBJECTS, _tune_collector


def test_serving_freezes_what_starting_made_and_collects_the_young_less_often() -> None:
    before = gc.get_threshold()
    try:
        _tune_collector()
        assert gc.get_freeze_count() > 10_000  # the loaded code and everything it made
        assert gc.get_threshold()[0] == YOUNG_OBJECTS
        made_later = [[] for _ in range(3)]
        made_later[0].append(made_later)  # a cycle made after starting is still collectable
        del made_later
        assert gc.collect() >= 1
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
