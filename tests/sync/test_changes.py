"""Change chunks read and re-encoded byte for byte, against captured reference vectors."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.automerge import DecodeError, decode_change
from sync.automerge.change import encode_change, op_columns, single_op_column_block
from sync.automerge.chunk import build_chunk, read_chunk
from sync.automerge.columns import encode_columns
from sync.automerge.leb import uleb_bytes
from sync.automerge.op import Op
from sync.automerge.values import HEAD

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
        general = b"".join(encode_columns(op_columns([op], index, document=False)))
        assert single_op_column_block(op, index) == general, op


def _with_value(op: Op) -> Op:
    """A value that fits the op's type code (the strategy draws the code first)."""
    examples: dict[int, object] = {
        0: None,
        1: False,
        2: True,
        3: 1 << 40,
        4: -5,
        5: 2.5,
        6: "é" * 70,
        7: b"\x00" * 130,
        8: 12,
        9: 1_700_000_000_000,
        12: b"\x01\x02",
    }
    op.value = examples[op.vtype]
    return op


ACTORS = [bytes.fromhex(h) for h in ("aa" * 16, "bb" * 16, "cc" * 4)]
op_ids = st.tuples(st.integers(1, 1 << 40), st.sampled_from(ACTORS))
single_ops = st.builds(
    Op,
    op_ids,
    st.one_of(st.just((0, b"")), op_ids),
    st.one_of(st.text(max_size=200), st.just(HEAD), op_ids),
    st.booleans(),
    st.integers(0, 7),
    st.sampled_from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 12]),
    st.none(),
    st.lists(op_ids, max_size=3).map(sorted),
    st.booleans(),
    st.one_of(st.none(), st.text(max_size=3)),
).map(_with_value)


@given(single_ops)
def test_the_one_op_fast_path_matches_the_general_encoder_on_any_op(op: Op) -> None:
    index = {actor: i for i, actor in enumerate(ACTORS)}
    general = b"".join(encode_columns(op_columns([op], index, document=False)))
    assert single_op_column_block(op, index) == general
