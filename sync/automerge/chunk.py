"""The chunk container shared by documents and changes (rust/automerge/src/storage/chunk.rs).

    magic 85 6f 4a 83 | checksum[4] | type u8 | uLEB length | data

The hash is SHA-256 over type, length and data; the checksum is its first four bytes. For a
change chunk that hash is the change hash. A compressed change (type 2) carries the checksum of
its uncompressed type-1 form, which is what gets hashed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .columns import inflate
from .errors import DecodeError
from .leb import read_uleb, uleb_bytes

MAGIC = b"\x85\x6f\x4a\x83"
DOCUMENT, CHANGE, COMPRESSED_CHANGE, BUNDLE = 0, 1, 2, 3


def chunk_hash(chunk_type: int, data: bytes) -> bytes:
    return hashlib.sha256(bytes((chunk_type,)) + uleb_bytes(len(data)) + data).digest()


def build_chunk(chunk_type: int, data: bytes) -> tuple[bytes, bytes]:
    """Return (chunk bytes, hash)."""
    header = bytes((chunk_type,)) + uleb_bytes(len(data))
    hasher = hashlib.sha256(header)
    hasher.update(data)
    digest = hasher.digest()
    return b"".join((MAGIC, digest[:4], header, data)), digest


@dataclass(frozen=True, slots=True)
class RawChunk:
    """One chunk as read from bytes: compressed changes are already inflated to type 1."""

    chunk_type: int
    data: bytes
    hash: bytes
    offset: int
    raw: bytes  # the chunk exactly as it appeared in the input


def read_chunks(buffer: bytes) -> list[RawChunk]:
    """Split concatenated chunks, checking magic and checksum of each."""
    chunks: list[RawChunk] = []
    pos = 0
    buffer = bytes(buffer)
    while pos < len(buffer):
        chunk, pos = read_chunk(buffer, pos)
        chunks.append(chunk)
    return chunks


def read_chunk(buffer: bytes, pos: int) -> tuple[RawChunk, int]:
    start = pos
    if buffer[pos : pos + 4] != MAGIC:
        raise DecodeError("not an Automerge chunk (bad magic bytes)", pos)
    if pos + 9 > len(buffer):
        raise DecodeError("truncated chunk header", pos)
    checksum = buffer[pos + 4 : pos + 8]
    chunk_type = buffer[pos + 8]
    length, data_start = read_uleb(buffer, pos + 9)
    end = data_start + length
    if end > len(buffer):
        raise DecodeError("chunk is longer than the data given", start)
    data = buffer[data_start:end]
    if chunk_type == COMPRESSED_CHANGE:
        data = inflate(data, data_start)
        chunk_type = CHANGE
    elif chunk_type not in (DOCUMENT, CHANGE):
        kind = "bundle" if chunk_type == BUNDLE else f"type {chunk_type}"
        raise DecodeError(f"unsupported chunk ({kind})", start + 8)
    digest = chunk_hash(chunk_type, data)
    if digest[:4] != checksum:
        raise DecodeError("chunk checksum does not match its contents", start + 4)
    return RawChunk(chunk_type, data, digest, start, buffer[start:end]), end
