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
from itertools import chain, groupby, islice
from operator import countOf, eq, itemgetter, sub
from typing import Any, TypeVar

from .errors import DecodeError
from .leb import (
    SLEB_TABLE,
    ULEB_TABLE,
    encode_sleb,
    encode_uleb,
    read_sleb,
    read_uleb,
    sleb_bytes,
    uleb_bytes,
)

T = TypeVar("T")

# Column types: the low three bits of a column specification.
GROUP, ACTOR, ULEB, DELTA, BOOLEAN, STRING, VALUE_META, VALUE = range(8)
DEFLATE_BIT = 8
DEFLATE_MIN_SIZE = 256  # storage/document/compression.rs: columns this long or longer are deflated
MAX_ROWS = 1 << 22  # refuse columns that expand to more rows than any real document holds


def spec(column_id: int, column_type: int) -> int:
    return (column_id << 4) | column_type


# --------------------------------------------------------------------------- encoders


def str_bytes(value: str) -> bytes:
    """A string as the string columns write it: uLEB length, then UTF-8."""
    raw = value.encode("utf-8")
    return uleb_bytes(len(raw)) + raw


JOIN_CHUNK = 512


def join_bytes(pieces: Sequence[bytes]) -> bytes:
    """b"".join(pieces), a slice at a time when there are many.

    bytes.join sets aside an 80-byte buffer record per piece before it copies anything, so one
    join of the tens of thousands of one-character values of a document asked for megabytes of
    fresh memory at every save, and touching those new pages for the first time cost more than
    the join itself (a minor page fault each 4 KB)."""
    if len(pieces) <= JOIN_CHUNK:
        return b"".join(pieces)
    return b"".join(
        [b"".join(pieces[i : i + JOIN_CHUNK]) for i in range(0, len(pieces), JOIN_CHUNK)]
    )


def runs(values: Iterable[T]) -> list[tuple[T, int]]:
    """(value, count) for each run of equal values; groupby does the comparing in C.

    A run is counted with countOf (every row of a group equals its key), not len(list(group)):
    that would copy each run into a list, and the long runs of a large document (a text typed
    in one go) made fresh lists of hundreds of kilobytes at every save, whose first touch of
    new memory pages cost more than the counting."""
    return [(value, countOf(group, value)) for value, group in groupby(values)]


def merge_runs(pairs: Iterable[tuple[T, int]]) -> list[tuple[T, int]]:
    """Runs that may be empty or hold the same value as their neighbour, as maximal runs.

    Runs gathered per object or per block are mostly maximal already (a map's keys differ from
    each other and from the null of the sequence next to them), and checking that takes two
    passes in C, where merging steps through Python once per run; so the pairs come back as
    they are when nothing needs merging."""
    if not isinstance(pairs, list):
        pairs = list(pairs)
    values = list(map(_first, pairs))
    if 0 not in map(_count, pairs) and not any(map(eq, values, islice(values, 1, None))):
        return pairs
    return [
        (value, sum(map(_count, group))) for value, group in groupby(filter(_count, pairs), _first)
    ]


_first = itemgetter(0)
_count = itemgetter(1)


def _encode_runs(
    value_runs: list[tuple[Any, int]],
    write: Callable[[Any], bytes],
    write_all: Callable[[list[Any]], list[bytes]],
) -> bytes:
    """The reference RleEncoder over maximal runs: runs of ≥2 equal values, literal runs, null
    runs; a column of only nulls is empty, and nulls before the first value are written only if
    a value follows.

    Neighbouring runs of one row each form a literal run, so the runs are grouped by length:
    Python then steps once per literal run and once per repeated value, and the values of a
    literal run are written by write_all in one go."""
    if not value_runs or (len(value_runs) == 1 and value_runs[0][0] is None):
        return b""
    parts: list[bytes] = []
    append = parts.append
    for count, group in groupby(value_runs, _count):
        if count == 1:
            values = [value for value, _ in group]
            if None not in values:
                append(sleb_bytes(-len(values)))
                parts += write_all(values)
                continue
            # Maximal runs: a null here is a null run of one between two literal runs.
            for is_null, piece in groupby(values, _is_none):
                if is_null:
                    append(b"\x00\x01")
                else:
                    literal = list(piece)
                    append(sleb_bytes(-len(literal)))
                    parts += write_all(literal)
        else:
            null_run = b"\x00" + uleb_bytes(count)
            repeat = sleb_bytes(count)
            for value, _ in group:
                if value is None:
                    append(null_run)
                else:
                    append(repeat)
                    append(write(value))
    return b"".join(parts)


def _encode_values(
    values: Iterable[Any],
    write: Callable[[Any], bytes],
    write_all: Callable[[list[Any]], list[bytes]],
) -> bytes:
    """What _encode_runs writes for runs(values), in one pass over the runs: runs of one
    non-null row are gathered into literal runs and written by write_all together, and each
    other run is written as it comes, so no list of runs is made."""
    parts: list[bytes] = []
    append = parts.append
    literal: list[Any] = []
    has_value = False
    for value, group in groupby(values):
        count = countOf(group, value)  # see runs()
        if count == 1 and value is not None:
            literal.append(value)
            continue
        if literal:
            append(sleb_bytes(-len(literal)))
            parts += write_all(literal)
            literal = []
            has_value = True
        if value is None:
            append(b"\x00" + uleb_bytes(count))
        else:
            append(sleb_bytes(count))
            append(write(value))
            has_value = True
    if literal:
        append(sleb_bytes(-len(literal)))
        parts += write_all(literal)
    elif not has_value:  # only nulls (or nothing): an empty column
        return b""
    return b"".join(parts)


def _uleb_all(values: list[int]) -> list[bytes]:
    try:
        return list(map(ULEB_TABLE.__getitem__, values))
    except KeyError:  # a value beyond the table (or a negative one, which uleb_bytes refuses)
        return list(map(uleb_bytes, values))


def _sleb_all(values: list[int]) -> list[bytes]:
    try:
        return list(map(SLEB_TABLE.__getitem__, values))
    except KeyError:
        return list(map(sleb_bytes, values))


def _str_all(values: list[str]) -> list[bytes]:
    if len(values) < 8:
        return list(map(str_bytes, values))
    encoded = {value: str_bytes(value) for value in set(values)}  # keys and names repeat a lot
    return list(map(encoded.__getitem__, values))


def encode_uleb_column(values: Iterable[int | None]) -> bytes:
    return _encode_values(values, uleb_bytes, _uleb_all)


def encode_uleb_runs(value_runs: Iterable[tuple[int | None, int]]) -> bytes:
    """A uLEB column given as (value, count) pairs, which need not be maximal runs."""
    return _encode_runs(merge_runs(value_runs), uleb_bytes, _uleb_all)


def encode_string_column(values: Iterable[str | None]) -> bytes:
    return _encode_values(values, str_bytes, _str_all)


def encode_string_runs(value_runs: Iterable[tuple[str | None, int]]) -> bytes:
    """A string column given as (value, count) pairs, which need not be maximal runs."""
    return _encode_runs(merge_runs(value_runs), str_bytes, _str_all)


def deltas(values: Sequence[int | None]) -> list[int | None]:
    """Each value minus the last non-null value before it (0 at the start); nulls stay null."""
    try:  # most columns hold no nulls: then it is one subtraction per row, in C
        return list(map(sub, values, chain((0,), values)))
    except TypeError:  # a null (None - int and int - None both raise)
        pass
    out: list[int | None] = []
    previous = 0
    for is_null, group in groupby(values, _is_none):
        items = list(group)
        if is_null:
            out += items
        else:
            out += map(sub, items, chain((previous,), items))
            previous = items[-1]  # type: ignore[assignment]
    return out


def _is_none(value: object) -> bool:
    return value is None


def encode_delta_column(values: Sequence[int | None]) -> bytes:
    try:  # most columns hold no nulls: then groupby takes the deltas straight from map
        return _encode_values(map(sub, values, chain((0,), values)), sleb_bytes, _sleb_all)
    except TypeError:  # a null (None - int and int - None both raise)
        return _encode_values(deltas(values), sleb_bytes, _sleb_all)


def encode_sleb_column(values: Iterable[int | None]) -> bytes:
    """A delta column whose deltas are already taken."""
    return _encode_values(values, sleb_bytes, _sleb_all)


def encode_sleb_runs(value_runs: Iterable[tuple[int | None, int]]) -> bytes:
    """A delta column whose deltas are already taken, as (delta, count) pairs that need not be
    maximal runs."""
    return _encode_runs(merge_runs(value_runs), sleb_bytes, _sleb_all)


def encode_boolean_column(values: Sequence[bool]) -> bytes:
    """Alternating run lengths, starting with a run of false (0 if the first value is true)."""
    if not values:
        return b""
    counts = map(uleb_bytes, [countOf(group, value) for value, group in groupby(values)])
    return (b"\x00" if values[0] else b"") + b"".join(counts)


def encode_boolean_runs(value_runs: Iterable[tuple[bool, int]]) -> bytes:
    """A boolean column given as (value, count) pairs, which need not be maximal runs."""
    merged = merge_runs(value_runs)
    if not merged:
        return b""
    counts = b"".join([uleb_bytes(count) for _, count in merged])
    return (b"\x00" if merged[0][0] else b"") + counts


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


KEPT_AS_READ = frozenset((V_NULL, V_FALSE, V_TRUE, V_STR, V_BYTES))
"""Types whose bytes as read are the bytes encode_value writes for what they decode to (UTF-8
and verbatim bytes); numbers are left out, since a LEB number may be written longer than need be."""


def decode_values(
    meta_data: bytes, raw: bytes, rows: list[tuple[int, bytes] | None] | None = None
) -> list[tuple[int, Any]]:
    """Read a value-metadata column and its raw column into (type, value) pairs. With `rows`,
    also the (metadata word, bytes) of each value whose bytes re-encode as read (KEPT_AS_READ),
    None for the others: a change's hash is taken over those bytes again, and a saved document
    writes them, without encoding each value anew."""
    pairs: list[tuple[int, Any]] = []
    pos = 0
    for meta in decode_uleb_column(meta_data):
        if meta is None:
            pairs.append((V_NULL, None))
            if rows is not None:
                rows.append((V_NULL, b""))
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
        if rows is not None:
            rows.append((meta, bytes(chunk)) if vtype in KEPT_AS_READ else None)
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
