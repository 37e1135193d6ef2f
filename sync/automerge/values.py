"""Identifiers, object types and scalar values as the reference models them.

Scalars are held on ops as (type code, Python value) so that an int stays an int, a uint stays a
uint and an unknown type from a newer peer keeps its bytes (rust/automerge/src/value.rs).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from .columns import (
    V_BYTES,
    V_COUNTER,
    V_F64,
    V_FALSE,
    V_INT,
    V_NULL,
    V_STR,
    V_TIMESTAMP,
    V_TRUE,
    V_UINT,
)
from .leb import I64_MAX, I64_MIN, U64_MAX

# Actions (rust/automerge/src/op_set2/types.rs, `impl From<Action> for u64`).
MAKE_MAP, SET, MAKE_LIST, DEL, MAKE_TEXT, INC, MAKE_TABLE, MARK = range(8)
MAKE_ACTIONS = (MAKE_MAP, MAKE_LIST, MAKE_TEXT, MAKE_TABLE)

OpId = tuple[int, bytes]
"""(counter, actor bytes): tuples compare in Lamport order, as the reference's OpId does."""

HEAD: OpId = (0, b"")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ObjId(NamedTuple):
    """The id of an object: the OpId of the op that made it; ROOT for the root map."""

    counter: int
    actor: bytes

    def __str__(self) -> str:
        return "_root" if self.counter == 0 else f"{self.counter}@{self.actor.hex()}"

    def __repr__(self) -> str:
        return f"ObjId({str(self)!r})"

    @classmethod
    def parse(cls, text: str) -> ObjId:
        if text == "_root":
            return ROOT
        counter, _, actor = text.partition("@")
        try:
            return cls(int(counter), bytes.fromhex(actor))
        except ValueError:
            raise ValueError(f"not an object id: {text!r}") from None


ROOT = ObjId(0, b"")


class ObjType(enum.Enum):
    MAP = MAKE_MAP
    LIST = MAKE_LIST
    TEXT = MAKE_TEXT
    TABLE = MAKE_TABLE

    @property
    def is_sequence(self) -> bool:
        return self in (ObjType.LIST, ObjType.TEXT)


@dataclass(frozen=True, slots=True)
class Counter:
    """A value that concurrent increments add up in, instead of overwriting each other."""

    value: int = 0


@dataclass(frozen=True, slots=True)
class Uint:
    """An unsigned 64-bit integer, kept apart from int as the reference does."""

    value: int


@dataclass(frozen=True, slots=True)
class Unknown:
    """A scalar of a type code this engine does not know; kept byte for byte."""

    type_code: int
    data: bytes


def scalar_from_py(value: Any) -> tuple[int, Any]:
    """Map a Python value a caller puts into the (type code, value) pair stored on the op."""
    if value is None:
        return V_NULL, None
    if value is True:
        return V_TRUE, True
    if value is False:
        return V_FALSE, False
    if isinstance(value, Counter):
        _check_i64(value.value, "counter")
        return V_COUNTER, value.value
    if isinstance(value, Uint):
        if not 0 <= value.value <= U64_MAX:
            raise ValueError("a Uint must be between 0 and 2**64-1")
        return V_UINT, value.value
    if isinstance(value, int):
        _check_i64(value, "integer")
        return V_INT, value
    if isinstance(value, float):
        return V_F64, value
    if isinstance(value, str):
        return V_STR, value
    if isinstance(value, bytes | bytearray | memoryview):
        return V_BYTES, bytes(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a timestamp needs a timezone (use an aware datetime)")
        millis = (value - EPOCH) // timedelta(milliseconds=1)
        _check_i64(millis, "timestamp")
        return V_TIMESTAMP, millis
    if isinstance(value, Unknown):
        if value.type_code <= V_TIMESTAMP or value.type_code > 15:
            raise ValueError("Unknown needs a type code from 10 to 15")
        return value.type_code, value.data
    raise TypeError(f"cannot store a {type(value).__name__} in an Automerge document")


def _check_i64(value: int, what: str) -> None:
    if not I64_MIN <= value <= I64_MAX:
        raise ValueError(f"{what} does not fit in 64 bits")


def scalar_to_py(vtype: int, value: Any) -> Any:
    """The Python value to_py() shows for a stored scalar (counters are handled by the caller)."""
    if vtype == V_TIMESTAMP:
        try:
            return EPOCH + timedelta(milliseconds=value)
        except OverflowError:
            return (
                datetime.max.replace(tzinfo=UTC) if value > 0 else datetime.min.replace(tzinfo=UTC)
            )
    if vtype > V_TIMESTAMP:
        return Unknown(vtype, value)
    return value


def scalars_equal(a: tuple[int, Any], b: tuple[int, Any]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == V_F64 and (math.isnan(a[1]) or math.isnan(b[1])):
        return False
    return bool(a[1] == b[1])
