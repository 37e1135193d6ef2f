"""automerge: URLs as automerge-repo 2.5.6's AutomergeUrl.ts writes and reads them."""

from __future__ import annotations

import uuid

import base58
import pytest

from sync.document_id import new_document_id
from sync.repo.urls import AutomergeUrl, format_automerge_url, parse_automerge_url

# from the captured reference session (shared/automerge/vectors/out_repo.txt)
JS_ID = "2QweHZrLSGXvBYw8674gm1Was2cq"


def test_a_reference_url_parses_to_its_document_id() -> None:
    assert parse_automerge_url(f"automerge:{JS_ID}") == AutomergeUrl(JS_ID, None)


def test_urls_round_trip_with_and_without_heads() -> None:
    doc_id = new_document_id()
    heads = [bytes(range(32)), bytes(32)]
    for pinned in (None, [], heads):
        url = format_automerge_url(doc_id, pinned)
        assert parse_automerge_url(url) == AutomergeUrl(doc_id, pinned)
    assert format_automerge_url(doc_id, heads).count("|") == 1


def test_heads_are_base58check_after_a_hash() -> None:
    head = bytes.fromhex("ab" * 32)
    url = format_automerge_url(JS_ID, [head])
    assert url == f"automerge:{JS_ID}#" + base58.b58encode_check(head).decode()


def test_bare_ids_and_legacy_uuids_are_accepted() -> None:
    assert parse_automerge_url(JS_ID).document_id == JS_ID
    legacy = uuid.uuid4()
    converted = parse_automerge_url(str(legacy)).document_id
    assert base58.b58decode_check(converted) == legacy.bytes


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("automerge:", "invalid document URL"),
        ("automerge:abc", "invalid document URL"),
        (f"automerge:{JS_ID[:-1]}x", "invalid document URL"),
        (f"automerge:{JS_ID}/path", "invalid document URL"),
        (f"automerge:{JS_ID}#a#b", "multiple heads"),
        (f"automerge:{JS_ID}#notbase58check0", "invalid head"),
        ("https://example.org", "not an automerge URL"),
        ("", "not an automerge URL"),
        ("automerge:" + "1" * 100_000, "too long"),
    ],
)
def test_bad_urls_say_why(url: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_automerge_url(url)


def test_formatting_refuses_a_bad_id() -> None:
    with pytest.raises(ValueError):
        format_automerge_url("nope")
