"""The Bloom filter of the sync protocol (rust/automerge/src/sync/bloom.rs): 10 bits per entry,
7 probes, probes derived from the first 12 bytes of a change hash."""

from __future__ import annotations

import struct
from collections.abc import Iterable

from .errors import DecodeError
from .leb import encode_uleb, read_uleb

_unpack = struct.Struct("<III").unpack_from
BITS_PER_ENTRY = 10
NUM_PROBES = 7


class BloomFilter:
    __slots__ = ("bits", "bits_per_entry", "num_entries", "num_probes")

    def __init__(self, hashes: Iterable[bytes] = ()) -> None:
        hashes = list(hashes)
        self.num_entries = len(hashes)
        self.bits_per_entry = BITS_PER_ENTRY
        self.num_probes = NUM_PROBES
        self.bits = bits = bytearray((self.num_entries * BITS_PER_ENTRY + 7) // 8)
        modulo = 8 * len(bits)
        for h in hashes:
            x, y, z = _unpack(h)
            x %= modulo
            y %= modulo
            z %= modulo
            bits[x >> 3] |= 1 << (x & 7)
            for _ in range(1, NUM_PROBES):
                x = (x + y) % modulo
                y = (y + z) % modulo
                bits[x >> 3] |= 1 << (x & 7)

    def _probes(self, h: bytes) -> list[int]:
        modulo = 8 * len(self.bits)
        x, y, z = _unpack(h)
        x %= modulo
        y %= modulo
        z %= modulo
        probes = [x]
        for _ in range(1, self.num_probes):
            x = (x + y) % modulo
            y = (y + z) % modulo
            probes.append(x)
        return probes

    def __contains__(self, h: bytes) -> bool:
        if self.num_entries == 0 or not self.bits:
            return False
        bits = self.bits
        return all(bits[p >> 3] & (1 << (p & 7)) for p in self._probes(h))

    def encode(self) -> bytes:
        if self.num_entries == 0:
            return b""
        out = bytearray()
        encode_uleb(self.num_entries, out)
        encode_uleb(self.bits_per_entry, out)
        encode_uleb(self.num_probes, out)
        out += self.bits
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> BloomFilter:
        bloom = cls()
        if not data:
            return bloom
        pos = 0
        bloom.num_entries, pos = read_uleb(data, pos)
        bloom.bits_per_entry, pos = read_uleb(data, pos)
        bloom.num_probes, pos = read_uleb(data, pos)
        if bloom.num_probes > 64 or bloom.bits_per_entry > 64:
            raise DecodeError("Bloom filter parameters out of range", pos)
        expected = (bloom.num_entries * bloom.bits_per_entry + 7) // 8
        if len(data) - pos != expected:
            raise DecodeError("Bloom filter has the wrong number of bits", pos)
        bloom.bits = bytearray(data[pos:])
        return bloom
