"""Pause Python's cyclic garbage collector while a batch of ops is built.

Loading or applying thousands of changes allocates hundreds of thousands of small objects that all
stay alive; the collector would walk them again and again (it doubled load time in
benchmarks/engine.py). Nothing collectable is made during a batch, so we pause it and let it run
once afterwards. The collector is process-wide; nesting and threads are handled by a counter, and
the collector is re-enabled only if it was enabled when the outermost pause began.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
