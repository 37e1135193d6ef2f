"""Cleaning what people type: bounds, Dutch messages, amounts, dates, versions."""

from __future__ import annotations

import pytest

from node.errors import Invalid, NotFound
from node.fields import (
    clean_date,
    clean_list,
    clean_tags,
    clean_text,
    document_id,
    encode_version,
    item_id,
    parse_euros,
    parse_version,
)


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("2.500", 250_000),
        ("2500", 250_000),
        ("€ 12,50", 1_250),
        ("12,5", 1_250),
        ("1.000.000", 100_000_000),
        (" 40 ", 4_000),
        (40, 4_000),
        ("", None),
        (None, None),
    ],
)
def test_amounts_are_read_the_dutch_way(typed: str | int | None, cents: int | None) -> None:
    assert parse_euros("amount", typed) == cents


@pytest.mark.parametrize("typed", ["twee", "12.5", "1,234", "2.50,00", "-5", "1e6", "12,505"])
def test_amounts_that_are_not_amounts_are_refused(typed: str) -> None:
    with pytest.raises(Invalid) as refused:
        parse_euros("amount", typed)
    assert refused.value.field == "amount"


def test_dates_must_be_real_iso_dates_in_a_sensible_century() -> None:
    assert clean_date("due", " 2025-06-14 ") == "2025-06-14"
    assert clean_date("due", "") is None
    for bad in ("14-06-2025", "2025-13-01", "2025-02-29", "1999-12-31", "2025-06-14T10:00"):
        with pytest.raises(Invalid):
            clean_date("due", bad)


def test_text_is_trimmed_bounded_and_explained() -> None:
    assert clean_text("title", "  Moestuin ", label="De titel", max_len=200) == "Moestuin"
    with pytest.raises(Invalid) as empty:
        clean_text("title", " ", label="De titel", max_len=200, required=True)
    assert empty.value.message == "De titel is verplicht."
    with pytest.raises(Invalid) as wrong_type:
        clean_text("title", 5, label="De titel", max_len=200)  # type: ignore[arg-type]
    assert wrong_type.value.field == "title"


def test_lists_come_from_a_typed_line_or_a_list_without_duplicates() -> None:
    assert clean_tags("Moestuin, #groen,, MOESTUIN ,buurt") == ["moestuin", "groen", "buurt"]
    assert clean_tags(["Repair", "repair"]) == ["repair"]
    offers = clean_list(
        "offers", "Ik kook, en ik bak\nIk fiets", label="Aanbod", max_items=5, max_len=50,
        separators="\n",
    )  # fmt: skip
    assert offers == ["Ik kook, en ik bak", "Ik fiets"]
    with pytest.raises(Invalid):
        clean_tags({"niet": "een lijst"})  # type: ignore[arg-type]


def test_versions_round_trip_and_garbage_is_refused() -> None:
    heads = [bytes([2]) * 32, bytes([1]) * 32]
    assert parse_version(encode_version(heads)) == sorted(heads)
    assert parse_version("") is None
    for bad in ("xyz", "ab" * 31, ".".join(["ab" * 32] * 33)):
        with pytest.raises(Invalid):
            parse_version(bad)


def test_ids_that_cannot_be_ids_are_simply_not_found() -> None:
    assert item_id("3yQmR5tB8kd", "taak") == "3yQmR5tB8kd"
    for bad in ("", "../x", "0OIl0OIl", "x" * 25):
        with pytest.raises(NotFound):
            item_id(bad, "taak")
    with pytest.raises(NotFound):
        document_id("2Xw1dRVvSp9kCnkqXsC2BpFdr2Nu", "initiatief")  # checksum does not match
