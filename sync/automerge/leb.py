"""LEB128 integers as Automerge writes them (rust/automerge/src/storage/parse/leb128.rs).

Writers always emit the shortest form; readers refuse overlong forms and values outside 64 bits,
as the reference does, because change hashes depend on the exact bytes.
"""

from __future__ import annotations

from collections.abc import Mapping

from .errors import DecodeError

U64_MAX = (1 << 64) - 1
I64_MIN = -(1 << 63)
I64_MAX = (1 << 63) - 1


def encode_uleb(n: int, out: bytearray) -> None:
    if n < 0x80:
        if n < 0:
            raise ValueError("uLEB128 cannot hold a negative number")
        out.append(n)
        return
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def encode_sleb(n: int, out: bytearray) -> None:
    if -0x40 <= n < 0x40:
        out.append(n & 0x7F)
        return
    while True:
        byte = n & 0x7F
        n >>= 7
        if (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40):
            out.append(byte)
            return
        out.append(byte | 0x80)


def _uleb_slow(n: int) -> bytes:
    out = bytearray()
    encode_uleb(n, out)
    return bytes(out)


def _sleb_slow(n: int) -> bytes:
    out = bytearray()
    encode_sleb(n, out)
    return bytes(out)


# Column encoders write one small integer per run or literal, tens of thousands per saved
# document; looking its bytes up costs a fraction of encoding them again. The tables cover the run
# lengths, deltas and indexes of ordinary documents; anything else takes the loop.
# They are dicts so that `map(TABLE.__getitem__, values)` runs in C and a value outside the table
# raises KeyError instead of wrapping around. Never modified after import.
TABLE_SIZE = 1 << 14
ULEB_TABLE: Mapping[int, bytes] = {n: _uleb_slow(n) for n in range(TABLE_SIZE)}
SLEB_TABLE: Mapping[int, bytes] = {n: _sleb_slow(n) for n in range(-TABLE_SIZE, TABLE_SIZE)}


# Beyond the tables, a number takes three bytes or more, so its low 14 bits make two bytes with
# the continuation bit set and the rest is encoded on its own (LEB128 is that recursive; >> keeps
# the sign, as sLEB128 needs).
_LOW_14_BITS: Mapping[int, bytes] = {
    n: bytes(((n & 0x7F) | 0x80, (n >> 7) | 0x80)) for n in range(TABLE_SIZE)
}


def uleb_bytes(n: int) -> bytes:
    if 0 <= n < TABLE_SIZE:
        return ULEB_TABLE[n]
    if n < 0:
        raise ValueError("uLEB128 cannot hold a negative number")
    return _LOW_14_BITS[n & 0x3FFF] + uleb_bytes(n >> 14)


def sleb_bytes(n: int) -> bytes:
    if -TABLE_SIZE <= n < TABLE_SIZE:
        return SLEB_TABLE[n]
    return _LOW_14_BITS[n & 0x3FFF] + sleb_bytes(n >> 14)


def read_uleb(data: bytes, pos: int) -> tuple[int, int]:
    """Read one uLEB128 at pos; return (value, next position)."""
    try:
        byte = data[pos]
    except IndexError:
        raise DecodeError("unexpected end of data in an unsigned integer", pos) from None
    if byte < 0x80:
        return byte, pos + 1
    start = pos
    result = 0
    shift = 0
    while True:
        try:
            byte = data[pos]
        except IndexError:
            raise DecodeError("unexpected end of data in an unsigned integer", start) from None
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if byte == 0 and shift > 7:
                raise DecodeError("overlong unsigned integer", start)
            if result > U64_MAX:
                raise DecodeError("unsigned integer does not fit in 64 bits", start)
            return result, pos
        if shift >= 70:
            raise DecodeError("unsigned integer does not fit in 64 bits", start)


def read_sleb(data: bytes, pos: int) -> tuple[int, int]:
    """Read one sLEB128 at pos; return (value, next position)."""
    start = pos
    result = 0
    shift = 0
    while True:
        try:
            byte = data[pos]
        except IndexError:
            raise DecodeError("unexpected end of data in a signed integer", start) from None
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            if byte & 0x40:
                result -= 1 << shift
            if shift > 7 and (
                (byte == 0 and not data[pos - 2] & 0x40) or (byte == 0x7F and data[pos - 2] & 0x40)
            ):
                raise DecodeError("overlong signed integer", start)
            if not I64_MIN <= result <= I64_MAX:
                raise DecodeError("signed integer does not fit in 64 bits", start)
            return result, pos
        if shift >= 70:
            raise DecodeError("signed integer does not fit in 64 bits", start)
