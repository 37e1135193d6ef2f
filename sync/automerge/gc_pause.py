"""Pause Python's cyclic garbage collector while a batch of ops is built or a document is saved.

Loading or applying thousands of changes allocates hundreds of thousands of small objects that all
stay alive; the collector would walk them again and again (it doubled load time in
benchmarks/engine.py). Nothing collectable is made during a batch, so we pause it and let it run
once afterwards. The collector is process-wide; nesting and threads are handled by a counter, and
the collector is re-enabled only if it was enabled when the outermost pause began.

Entering the pause allocates nothing the collector tracks. An allocation is what sets off a
collection, and a full collection that happened to fall due right there (after a document was
built, say) walks every live object: it took longer than the save it interrupted. Hence a single
pause object whose __enter__ and __exit__ are static methods, so `with` binds no method objects.
"""

from __future__ import annotations

import gc
import threading
from types import TracebackType


class _Pause:
    """The one pause of the process; `with gc_paused():` enters it. State lives on the class."""

    lock = threading.Lock()
    depth = 0
    was_enabled = False

    @staticmethod
    def __enter__() -> None:
        _Pause.lock.acquire()  # not `with`: that would bind the lock's __exit__
        if _Pause.depth == 0:
            _Pause.was_enabled = gc.isenabled()
            gc.disable()
        _Pause.depth += 1
        _Pause.lock.release()

    @staticmethod
    def __exit__(
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        _Pause.lock.acquire()
        _Pause.depth -= 1
        if _Pause.depth == 0 and _Pause.was_enabled:
            gc.enable()
        _Pause.lock.release()


_PAUSE = _Pause()


def gc_paused() -> _Pause:
    return _PAUSE
