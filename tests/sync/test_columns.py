from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sync.automerge import columns as col
from sync.automerge.errors import DecodeError
from sync.automerge.leb import read_sleb, read_uleb, sleb_bytes, uleb_bytes


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "00"),
        (127, "7f"),
        (128, "8001"),
        (624485, "e58e26"),
        ((1 << 64) - 1, "ffffffffffffffffff01"),
    ],
)
def test_uleb_matches_the_spec_vectors(value: int, encoded: str) -> None:
    assert uleb_bytes(value).hex() == encoded
    assert read_uleb(bytes.fromhex(encoded), 0) == (value, len(encoded) // 2)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(0, "00"), (-1, "7f"), (63, "3f"), (64, "c000"), (-64, "40"), (-123456, "c0bb78")],
)
def test_sleb_matches_the_spec_vectors(value: int, encoded: str) -> None:
    assert sleb_bytes(value).hex() == encoded
    assert read_sleb(bytes.fromhex(encoded), 0) == (value, len(encoded) // 2)


@pytest.mark.parametrize("data", ["8000", "ffffffffffffffffff7f", "80", "ffffffffffffffffffff01"])
def test_overlong_or_oversized_uleb_is_refused(data: str) -> None:
    with pytest.raises(DecodeError):
        read_uleb(bytes.fromhex(data), 0)


def test_reference_column_examples() -> None:
    assert col.encode_delta_column([3, 4, 5, 6, 9, 7, 8]).hex() == "7f0303017d037e01"
    assert col.encode_boolean_column([True, True, False, False, False]).hex() == "000203"
    assert col.encode_string_column(["a", "", None, "foo", "foo"]).hex() == "7e01610000010203666f6f"
    assert col.encode_string_column(["init"]).hex() == "7f04696e6974"
    assert col.encode_uleb_column([None, None]) == b""


@given(st.lists(st.one_of(st.none(), st.integers(0, 5), st.integers(0, 1 << 40))))
def test_uleb_columns_round_trip(values: list[int | None]) -> None:
    decoded = col.decode_uleb_column(col.encode_uleb_column(values))
    assert decoded + [None] * (len(values) - len(decoded)) == values


@given(st.lists(st.one_of(st.none(), st.integers(-(1 << 40), 1 << 40))))
def test_delta_columns_round_trip(values: list[int | None]) -> None:
    decoded = col.decode_delta_column(col.encode_delta_column(values))
    assert decoded + [None] * (len(values) - len(decoded)) == values


@given(st.lists(st.booleans()))
def test_boolean_columns_round_trip(values: list[bool]) -> None:
    assert col.decode_boolean_column(col.encode_boolean_column(values)) == values


@given(st.lists(st.one_of(st.none(), st.text(max_size=4))))
def test_string_columns_round_trip(values: list[str | None]) -> None:
    decoded = col.decode_string_column(col.encode_string_column(values))
    assert decoded + [None] * (len(values) - len(decoded)) == values


def test_runs_that_expand_beyond_the_row_cap_are_refused() -> None:
    huge_null_run = b"\x00" + uleb_bytes(col.MAX_ROWS + 1)
    with pytest.raises(DecodeError, match="too many rows"):
        col.decode_uleb_column(huge_null_run)


def test_value_metadata_that_overruns_the_raw_column_is_refused() -> None:
    meta = col.encode_uleb_column([(5 << 4) | col.V_STR])
    with pytest.raises(DecodeError):
        col.decode_values(meta, b"abc")
