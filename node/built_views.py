"""Page views built from a document, kept while the document and what else went into them stay
the same. A view is keyed by the document's heads (its content cannot change without them
changing) and checked against the inputs from other documents (display names, an initiative's
title), which change without the document's heads moving: a rename shows at once.

Kept per node (on `Node`), bounded, and safe to use from worker threads. What is kept must not
be changed by whoever gets it."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

KEPT = 64
"""Views per node: a view of a long thread is a few MB; the pages people read at once are few."""


class BuiltViews:
    def __init__(self, limit: int = KEPT) -> None:
        self.limit = limit
        self._views: OrderedDict[Hashable, tuple[Any, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, inputs: Any) -> Any | None:
        """The view kept under `key` when it was built from equal `inputs`; else None."""
        with self._lock:
            found = self._views.get(key)
            if found is None or found[0] != inputs:
                return None
            self._views.move_to_end(key)
            return found[1]

    def keep(self, key: Hashable, inputs: Any, view: Any) -> None:
        with self._lock:
            self._views[key] = (inputs, view)
            self._views.move_to_end(key)
            while len(self._views) > self.limit:
                self._views.popitem(last=False)
