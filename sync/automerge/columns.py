"""Column encodings of the columnar format (rust/automerge/src/columnar/encoding/{rle,delta,
boolean,raw}.rs; storage/columns/raw_column.rs).

Encoders reproduce the reference's canonical state machine byte for byte, because change hashes
are computed over these bytes. Decoders accept only well-formed input and cap the number of rows a
run may produce, so hostile bytes cannot make us allocate without bound.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable, Iterable, Sequence
from itertools import groupby
from typing import Any, TypeVar

from .errors import DecodeError
from .leb import encode_sleb, encode_uleb, read_sleb, read_uleb

T = TypeVar("T")

# Column types: the low three bits of a column specification.
GROUP, ACTOR, ULEB, DELTA, BOOLEAN, STRING, VALUE_META, VALUE = range(8)
DEFLATE_BIT = 8
DEFLATE_MIN_SIZE = 256  # storage/document/compression.rs: columns this long or longer are deflated
MAX_ROWS = 1 << 22  # refuse columns that expand to more rows than any real document holds


def spec(column_id: int, column_type: int) -> int:
    return (column_id << 4) | column_type


# --------------------------------------------------------------------------- encoders


def _write_str(out: bytearray, value: str) -> None:
    raw = value.encode("utf-8")
    encode_uleb(len(raw), out)
    out += raw


def _rle_encode(values: Iterable[Any], write: Callable[[bytearray, Any], None]) -> bytes:
    """The reference RleEncoder: runs of ≥2 equal values, literal runs, null runs; a column of
    only nulls is empty, and nulls before the first value are written only if a value follows."""
    if type(values) is list and len(values) == 1:  # most changes hold a single op
        value = values[0]
        if value is None:
            return b""
        out = bytearray(b"\x7f")
        write(out, value)
        return bytes(out)
    out = bytearray()
    literal: list[Any] = []
    leading_nulls = 0
    seen_value = False
    for value, group in groupby(values):
        count = len(list(group))
        if value is None:
            if not seen_value:
                leading_nulls += count
                continue
            if literal:
                _flush_literal(out, literal, write)
                literal = []
            out.append(0)
            encode_uleb(count, out)
            continue
        if not seen_value:
            seen_value = True
            if leading_nulls:
                out.append(0)
                encode_uleb(leading_nulls, out)
        if count == 1:
            literal.append(value)
        else:
            if literal:
                _flush_literal(out, literal, write)
                literal = []
            encode_sleb(count, out)
            write(out, value)
    if literal:
        _flush_literal(out, literal, write)
    return bytes(out)


def _flush_literal(
    out: bytearray, items: list[Any], write: Callable[[bytearray, Any], None]
) -> None:
    encode_sleb(-len(items), out)
    for item in items:
        write(out, item)


def encode_uleb_column(values: Iterable[int | None]) -> bytes:
    return _rle_encode(values, encode_uleb_into)


def encode_string_column(values: Iterable[str | None]) -> bytes:
    return _rle_encode(values, _write_str)


def encode_delta_column(values: Iterable[int | None]) -> bytes:
    deltas: list[int | None] = []
    previous = 0
    for value in values:
        if value is None:
            deltas.append(None)
        else:
            deltas.append(value - previous)
            previous = value
    return _rle_encode(deltas, encode_sleb_into)


def encode_boolean_column(values: Iterable[bool]) -> bytes:
    out = bytearray()
    current = False
    count = 0
    for value in values:
        if value == current:
            count += 1
        else:
            encode_uleb(count, out)
            current = value
            count = 1
    if count or out:
        encode_uleb(count, out)
    return bytes(out)


def encode_uleb_into(out: bytearray, value: int) -> None:
    encode_uleb(value, out)


def encode_sleb_into(out: bytearray, value: int) -> None:
    encode_sleb(value, out)


# --------------------------------------------------------------------------- decoders


def _read_str(data: bytes, pos: int) -> tuple[str, int]:
    length, pos = read_uleb(data, pos)
    end = pos + length
    if end > len(data):
        raise DecodeError("string runs past the end of its column", pos)
    try:
        return data[pos:end].decode("utf-8"), end
    except UnicodeDecodeError:
        raise DecodeError("string is not valid UTF-8", pos) from None


def _rle_decode(data: bytes, read: Callable[[bytes, int], tuple[Any, int]]) -> list[Any]:
    out: list[Any] = []
    pos = 0
    end = len(data)
    while pos < end:
        count, pos = read_sleb(data, pos)
        if count > 0:
            if len(out) + count > MAX_ROWS:
                raise DecodeError("column has too many rows", pos)
            value, pos = read(data, pos)
            out.extend([value] * count)
        elif count < 0:
            if len(out) - count > MAX_ROWS:
                raise DecodeError("column has too many rows", pos)
            for _ in range(-count):
                value, pos = read(data, pos)
                out.append(value)
        else:
            nulls, pos = read_uleb(data, pos)
            if len(out) + nulls > MAX_ROWS:
                raise DecodeError("column has too many rows", pos)
            out.extend([None] * nulls)
    return out


def decode_uleb_column(data: bytes) -> list[int | None]:
    return _rle_decode(data, read_uleb)


def decode_string_column(data: bytes) -> list[str | None]:
    return _rle_decode(data, _read_str)


def decode_delta_column(data: bytes) -> list[int | None]:
    out: list[int | None] = []
    acc = 0
    for delta in _rle_decode(data, read_sleb):
        if delta is None:
            out.append(None)
        else:
            acc += delta
            out.append(acc)
    return out


def decode_boolean_column(data: bytes) -> list[bool]:
    out: list[bool] = []
    pos = 0
    value = False
    while pos < len(data):
        count, pos = read_uleb(data, pos)
        if len(out) + count > MAX_ROWS:
            raise DecodeError("column has too many rows", pos)
        out.extend([value] * count)
        value = not value
    return out


# --------------------------------------------------------------------------- values
# Value metadata type codes (rust/automerge/src/op_set2/meta.rs; storage/columns/value.rs).
V_NULL, V_FALSE, V_TRUE, V_UINT, V_INT, V_F64, V_STR, V_BYTES, V_COUNTER, V_TIMESTAMP = range(10)


def encode_value(vtype: int, value: Any, raw: bytearray) -> int:
    """Append the raw bytes of a value; return its metadata word (len << 4 | type)."""
    start = len(raw)
    if vtype <= V_TRUE:
        return vtype
    if vtype == V_UINT:
        encode_uleb(value, raw)
    elif vtype in (V_INT, V_COUNTER, V_TIMESTAMP):
        encode_sleb(value, raw)
    elif vtype == V_F64:
        raw += struct.pack("<d", value)
    elif vtype == V_STR:
        raw += value.encode("utf-8")
    else:  # bytes and unknown types keep their bytes verbatim
        raw += value
    return ((len(raw) - start) << 4) | vtype


def decode_values(meta_data: bytes, raw: bytes) -> list[tuple[int, Any]]:
    """Read a value-metadata column and its raw column into (type, value) pairs."""
    pairs: list[tuple[int, Any]] = []
    pos = 0
    for meta in decode_uleb_column(meta_data):
        if meta is None:
            pairs.append((V_NULL, None))
            continue
        vtype = meta & 0x0F
        length = meta >> 4
        end = pos + length
        if end > len(raw):
            raise DecodeError("value runs past the end of the value column", pos)
        chunk = raw[pos:end]
        if vtype in (V_NULL, V_FALSE, V_TRUE):
            if length:
                raise DecodeError("null or boolean value with a length", pos)
            value: Any = None if vtype == V_NULL else vtype == V_TRUE
        elif vtype == V_UINT:
            value, used = read_uleb(chunk, 0)
            if used != length:
                raise DecodeError("unsigned value length mismatch", pos)
        elif vtype in (V_INT, V_COUNTER, V_TIMESTAMP):
            value, used = read_sleb(chunk, 0)
            if used != length:
                raise DecodeError("signed value length mismatch", pos)
        elif vtype == V_F64:
            if length != 8:
                raise DecodeError("float value is not 8 bytes", pos)
            value = struct.unpack("<d", chunk)[0]
        elif vtype == V_STR:
            try:
                value = chunk.decode("utf-8")
            except UnicodeDecodeError:
                raise DecodeError("string value is not valid UTF-8", pos) from None
        else:
            value = bytes(chunk)
        pairs.append((vtype, value))
        pos = end
    if pos != len(raw):
        raise DecodeError("value column has bytes no metadata accounts for", pos)
    return pairs


# --------------------------------------------------------------------------- column sets


def encode_columns(
    columns: Sequence[tuple[int, bytes]], deflate: bool = False
) -> tuple[bytes, bytes]:
    """Column metadata and concatenated data for (spec, bytes) pairs, empty ones left out."""
    meta = bytearray()
    data = bytearray()
    present = [(s, b) for s, b in columns if b]
    encode_uleb(len(present), meta)
    for column_spec, payload in present:
        if deflate and len(payload) >= DEFLATE_MIN_SIZE:
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            payload = compressor.compress(payload) + compressor.flush()
            column_spec |= DEFLATE_BIT
        size = len(payload)
        if column_spec < 0x80 and size < 0x80:
            meta.append(column_spec)
            meta.append(size)
        else:
            encode_uleb(column_spec, meta)
            encode_uleb(size, meta)
        data += payload
    return bytes(meta), bytes(data)


def read_column_meta(data: bytes, pos: int) -> tuple[list[tuple[int, int]], int]:
    count, pos = read_uleb(data, pos)
    if count > 1024:
        raise DecodeError("too many columns", pos)
    columns: list[tuple[int, int]] = []
    last = -1
    for _ in range(count):
        start = pos
        column_spec, pos = read_uleb(data, pos)
        length, pos = read_uleb(data, pos)
        if column_spec > 0xFFFFFFFF:
            raise DecodeError("column specification out of range", start)
        normal = column_spec & ~DEFLATE_BIT
        if normal <= last:
            raise DecodeError("columns are not in ascending order", start)
        last = normal
        columns.append((column_spec, length))
    return columns, pos


def slice_columns(
    columns: list[tuple[int, int]], data: bytes, pos: int, allow_deflate: bool
) -> tuple[dict[int, bytes], int]:
    """Cut out each column's data, inflating deflated ones; keys are specs without the deflate
    bit."""
    out: dict[int, bytes] = {}
    for column_spec, length in columns:
        end = pos + length
        if end > len(data):
            raise DecodeError("column data runs past the end of the chunk", pos)
        payload = data[pos:end]
        if column_spec & DEFLATE_BIT:
            if not allow_deflate:
                raise DecodeError("deflated column inside a change", pos)
            payload = inflate(payload, pos)
        out[column_spec & ~DEFLATE_BIT] = payload
        pos = end
    return out, pos


def inflate(payload: bytes, pos: int, limit: int = 1 << 28) -> bytes:
    try:
        decompressor = zlib.decompressobj(-15)
        result = decompressor.decompress(payload, limit)
        if decompressor.unconsumed_tail:
            raise DecodeError("deflated data expands beyond the size limit", pos)
        if not decompressor.eof:
            raise DecodeError("truncated deflated data", pos)
        return result
    except zlib.error as exc:
        raise DecodeError(f"bad deflated data: {exc}", pos) from None
