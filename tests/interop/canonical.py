"""The comparison form shared with oracle.mjs's `canon`, so both engines' documents compare as data.

The two sides materialize documents differently: JS shows text as a string and a scalar string as
an ImmutableString, uints as BigInt, counters as Counter objects; our `Document.to_py()` shows text
and scalar strings both as `str`, counters and uints as `int`, timestamps as aware datetimes. The
canonical form keeps exactly what both sides can express and nothing more:

* map → dict, list → list
* text object or scalar string → ``["str", s]``
* bool → ``["bool", b]``
* int, uint, float, counter → ``["num", n]`` (compared numerically, so 3 == 3.0)
* timestamp → ``["ts", epoch_ms]``
* bytes → ``["bytes", hex]``
* null → ``None``

It deliberately does not tell an int from a counter or a text from a scalar string: the
byte-level tests (identical changes and hashes) pin types; this form pins the visible document.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def canonical(value: Any) -> Any:
    """The canonical form of a value from `Document.to_py()` or `Document.get()`.

    Raises TypeError for anything else (for example an ObjId from `get()` on a nested object), so
    a test can never compare something the form does not define.
    """
    if value is None:
        return None
    # bool before int: True is an int in Python.
    if isinstance(value, bool):
        return ["bool", value]
    if isinstance(value, int | float):
        return ["num", value]
    if isinstance(value, str):
        return ["str", value]
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise TypeError("a naive datetime has no defined epoch time")
        return ["ts", (value - _EPOCH) // timedelta(milliseconds=1)]
    if isinstance(value, bytes | bytearray | memoryview):
        return ["bytes", bytes(value).hex()]
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    # The engine's Counter and Uint wrappers, as get()/get_all() may return them. Matched by name
    # so this module (and the oracle smoke tests) work without importing the engine.
    wrapped = getattr(value, "value", None)
    if type(value).__name__ in ("Counter", "Uint") and isinstance(wrapped, int):
        return ["num", wrapped]
    raise TypeError(f"no canonical form for {type(value).__name__}: {value!r}")
