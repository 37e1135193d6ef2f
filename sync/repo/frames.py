"""Bounds on a CBOR frame before it is decoded.

A 64 MiB frame is needed for whole documents in one sync message, but decoded naively it can
hold tens of millions of tiny containers, each a Python object many times its one byte. This walk
reads only item headers (every item, strings skipped by length) so a frame with too many items,
too deep a nesting, tags, indefinite lengths or trailing bytes is refused before cbor2 builds
anything. Decoding itself is cbor2's job; this walk never produces values.
The header layout is RFC 8949 §3.
"""

from __future__ import annotations


class FrameShapeError(ValueError):
    """The frame is not one well-formed, definite-length, untagged CBOR item within bounds."""


_MAJOR_BYTES = 2
_MAJOR_TEXT = 3
_MAJOR_ARRAY = 4
_MAJOR_MAP = 5
_MAJOR_TAG = 6


def check_frame_shape(frame: bytes, *, max_items: int, max_depth: int) -> None:
    """Raise FrameShapeError unless `frame` is exactly one CBOR item within the bounds."""
    budget = [max_items]
    end = _walk(frame, 0, 0, budget, max_depth)
    if end != len(frame):
        raise FrameShapeError(f"{len(frame) - end} bytes after the CBOR item")


def _walk(data: bytes, pos: int, depth: int, budget: list[int], max_depth: int) -> int:
    if depth > max_depth:
        raise FrameShapeError(f"nested deeper than {max_depth}")
    budget[0] -= 1
    if budget[0] < 0:
        raise FrameShapeError("too many CBOR items")
    if pos >= len(data):
        raise FrameShapeError("truncated CBOR")
    initial = data[pos]
    major, info = initial >> 5, initial & 0x1F
    pos += 1
    if info < 24:
        arg = info
    elif info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise FrameShapeError("truncated CBOR header")
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    elif info == 31:
        raise FrameShapeError("indefinite-length CBOR item")
    else:
        raise FrameShapeError("reserved CBOR header")
    if major in (_MAJOR_BYTES, _MAJOR_TEXT):
        if arg > len(data) - pos:
            raise FrameShapeError("CBOR string runs past the end of the frame")
        return pos + arg
    if major == _MAJOR_TAG:
        raise FrameShapeError(f"CBOR tag {arg}")
    if major in (_MAJOR_ARRAY, _MAJOR_MAP):
        count = arg * 2 if major == _MAJOR_MAP else arg
        if count > budget[0]:
            raise FrameShapeError("too many CBOR items")
        for _ in range(count):
            pos = _walk(data, pos, depth + 1, budget, max_depth)
    return pos
