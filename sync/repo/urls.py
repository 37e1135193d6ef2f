"""`automerge:` URLs as automerge-repo 2.5.6 writes and reads them (src/AutomergeUrl.ts).

`automerge:<documentId>` with an optional `#head|head` part pinning a version; the document id
and each head are base58check. Besides URLs, `parse_automerge_url` accepts what the reference's
`interpretAsDocumentId` accepts: a bare document id, and a legacy UUID string (converted to the
base58check id of its 16 bytes), so ids pasted from older apps still resolve.
"""

from __future__ import annotations

import binascii
import re
import uuid
from dataclasses import dataclass

import base58

from .messages import valid_document_id

PREFIX = "automerge:"
MAX_URL_CHARS = 64 * 1024
# AutomergeUrl.ts: new RegExp(`^${urlPrefix}(\\w+)$`), where JS \w is ASCII only
_URL = re.compile(r"automerge:([A-Za-z0-9_]+)")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


@dataclass(frozen=True, slots=True)
class AutomergeUrl:
    document_id: str
    heads: list[bytes] | None = None  # None: the latest version; [] is a valid, empty pin


def _decode_head(head: str) -> bytes:
    try:
        return bytes(base58.b58decode_check(head))
    except (ValueError, binascii.Error):
        raise ValueError(f"invalid head in URL: {head!r}") from None


def parse_automerge_url(url: str) -> AutomergeUrl:
    """ValueError (with the reason) for anything that is not a URL, document id or legacy UUID."""
    if not isinstance(url, str):
        raise ValueError("an automerge URL is a string")
    if len(url) > MAX_URL_CHARS:
        raise ValueError("URL too long")
    if not url.startswith(PREFIX):
        if valid_document_id(url):
            return AutomergeUrl(url)
        if _UUID.fullmatch(url):
            raw = uuid.UUID(url).bytes
            return AutomergeUrl(base58.b58encode_check(raw).decode("ascii"))
        raise ValueError(f"not an automerge URL, document id or UUID: {url[:80]!r}")
    base, *sections = url.split("#")
    if len(sections) > 1:
        raise ValueError("invalid URL: contains multiple heads sections")
    match = _URL.fullmatch(base)
    if match is None or not valid_document_id(match.group(1)):
        raise ValueError(f"invalid document URL: {url[:80]!r}")
    if not sections:
        return AutomergeUrl(match.group(1))
    heads_part = sections[0]
    heads = [] if heads_part == "" else [_decode_head(h) for h in heads_part.split("|")]
    return AutomergeUrl(match.group(1), heads)


def format_automerge_url(document_id: str, heads: list[bytes] | None = None) -> str:
    """`stringifyAutomergeUrl`: heads in the order given (the reference does not sort them)."""
    if not valid_document_id(document_id):
        raise ValueError(f"not a document id: {document_id!r}")
    url = PREFIX + document_id
    if heads is not None:
        url += "#" + "|".join(base58.b58encode_check(bytes(h)).decode("ascii") for h in heads)
    return url
