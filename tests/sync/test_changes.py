"""Change chunks read and re-encoded byte for byte, against captured reference vectors."""

from __future__ import annotations

import zlib

import pytest

from sync.automerge import DecodeError, decode_change
from sync.automerge.change import _single_op_columns, encode_change, op_columns
from sync.automerge.chunk import build_chunk, read_chunk
from sync.automerge.leb import uleb_bytes

from .vectors import hex_lines

REFERENCE_CHANGES = [
    *hex_lines("out_basic.txt", r"CHANGE\[\d+\]"),
    *hex_lines("out_marks.txt", "MARK CHANGE"),
    *hex_lines("out_marks.txt", "NOAUTHOR CHANGE"),
    *hex_lines("out_marks.txt", "AUTHOR CHANGE"),
    *hex_lines("out_marks.txt", "VALUES CHANGE"),
]


def test_vectors_were_found() -> None:
    assert len(REFERENCE_CHANGES) == 7


@pytest.mark.parametrize("chunk", REFERENCE_CHANGES, ids=lambda c: c[4:8].hex())
def test_reference_changes_re_encode_byte_for_byte(chunk: bytes) -> None:
    change = decode_change(chunk)
    original_hash = change.hash
    change.raw = b""
    encode_change(change)
    assert change.raw == chunk
    assert change.hash == original_hash


def test_first_basic_change_has_the_reference_hash_and_fields() -> None:
    change = decode_change(REFERENCE_CHANGES[0])
    assert change.hash.hex().startswith("e0548f53")
    assert change.actor == bytes.fromhex("aa" * 16)
    assert (change.seq, change.start_op, change.time, change.message) == (1, 1, 1700000000, "init")
    assert len(change.ops) == 19


def test_author_extra_bytes_are_kept_verbatim() -> None:
    change = decode_change(hex_lines("out_marks.txt", "AUTHOR CHANGE")[0])
    assert change.extra == bytes.fromhex("0102abcd")


def test_compressed_change_chunks_are_read_and_hash_as_their_uncompressed_form() -> None:
    chunk = REFERENCE_CHANGES[0]
    change = decode_change(chunk)
    body = read_chunk(chunk, 0)[0].data
    assert build_chunk(1, body)[0] == chunk
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = compressor.compress(body) + compressor.flush()
    compressed = chunk[:8] + b"\x02" + uleb_bytes(len(deflated)) + deflated
    again = decode_change(compressed)
    assert again.hash == change.hash
    assert again.raw == chunk


def test_a_flipped_byte_fails_the_checksum() -> None:
    chunk = bytearray(REFERENCE_CHANGES[0])
    chunk[-3] ^= 0x40
    with pytest.raises(DecodeError, match="checksum"):
        decode_change(bytes(chunk))


def test_the_one_op_fast_path_writes_the_same_columns_as_the_general_encoder() -> None:
    ops = [op for chunk in REFERENCE_CHANGES for op in decode_change(chunk).ops]
    actors: set[bytes] = set()
    for op in ops:
        actors.update((op.id[1], op.obj[1], *(p[1] for p in op.pred)))
        if isinstance(op.key, tuple):
            actors.add(op.key[1])
    index = {a: i for i, a in enumerate(sorted(actors))}
    assert len(ops) > 30
    for op in ops:
        fast = [c for c in _single_op_columns(op, index) if c[1]]
        general = [c for c in op_columns([op], index, document=False) if c[1]]
        assert fast == general, op
