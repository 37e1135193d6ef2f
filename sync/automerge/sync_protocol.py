"""The Automerge sync protocol, sans I/O (rust/automerge/src/sync.rs, sync/state.rs,
sync/message_builder.rs): two peers exchange messages of heads, needs, Bloom filters of what they
have, and changes, until both hold the same heads.

Messages are encoded exactly as the reference does, V1 (0x42) until the peer has shown it
understands V2 (0x43), after which changes travel as one blob that may be a whole saved document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .bloom import BloomFilter
from .columns import join_bytes
from .doc_format import encode_document
from .errors import DecodeError
from .leb import encode_uleb, read_uleb

if TYPE_CHECKING:
    from .change import Change
    from .document import Admit, Document

MESSAGE_V1 = 0x42
MESSAGE_V2 = 0x43
STATE_TYPE = 0x43
FLAG_SYNC_RESET = 1
FLAG_READ_ONLY = 2
FLAG_SUPPORTS_SYNC_RESET = 4
LEGACY_SUPPORTS_V2 = 0x02
MAX_HASHES = 1 << 20


@dataclass(slots=True)
class Have:
    last_sync: list[bytes] = field(default_factory=list)
    bloom: BloomFilter = field(default_factory=BloomFilter)


@dataclass(slots=True)
class SyncMessage:
    version: int
    heads: list[bytes]
    need: list[bytes]
    have: list[Have]
    changes: list[bytes]
    flags: int | None = None  # None: the peer sent no flags section (an old peer)

    def encode(self) -> bytes:
        out = bytearray((self.version,))
        _write_hashes(out, self.heads)
        _write_hashes(out, self.need)
        encode_uleb(len(self.have), out)
        for have in self.have:
            _write_hashes(out, have.last_sync)
            bloom = have.bloom.encode()
            encode_uleb(len(bloom), out)
            out += bloom
        encode_uleb(len(self.changes), out)
        for change in self.changes:
            encode_uleb(len(change), out)
            out += change
        if self.flags is not None:
            out += bytes((2, LEGACY_SUPPORTS_V2, 0x80 | self.flags))
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> SyncMessage:
        data = bytes(data)
        try:
            return cls._decode(data)
        except IndexError:
            raise DecodeError("truncated sync message", len(data)) from None

    @classmethod
    def _decode(cls, data: bytes) -> SyncMessage:
        if not data or data[0] not in (MESSAGE_V1, MESSAGE_V2):
            raise DecodeError("not an Automerge sync message", 0)
        pos = 1
        heads, pos = _read_hashes(data, pos)
        need, pos = _read_hashes(data, pos)
        nhave, pos = read_uleb(data, pos)
        if nhave > len(data):
            raise DecodeError("too many have entries", pos)
        have: list[Have] = []
        for _ in range(nhave):
            last_sync, pos = _read_hashes(data, pos)
            blen, pos = read_uleb(data, pos)
            if pos + blen > len(data):
                raise DecodeError("Bloom filter runs past the end of the message", pos)
            have.append(Have(last_sync, BloomFilter.decode(data[pos : pos + blen])))
            pos += blen
        nchanges, pos = read_uleb(data, pos)
        if nchanges > len(data):
            raise DecodeError("too many changes", pos)
        changes: list[bytes] = []
        for _ in range(nchanges):
            clen, pos = read_uleb(data, pos)
            if pos + clen > len(data):
                raise DecodeError("change runs past the end of the message", pos)
            changes.append(data[pos : pos + clen])
            pos += clen
        flags: int | None = None
        if pos < len(data):
            flen, pos = read_uleb(data, pos)
            if pos + flen > len(data):
                raise DecodeError("flags run past the end of the message", pos)
            flags = 0
            for byte in data[pos : pos + flen]:
                if byte & 0x80:
                    flags |= byte & 0x7F
        return cls(data[0], heads, need, have, changes, flags)


def _write_hashes(out: bytearray, hashes: list[bytes]) -> None:
    encode_uleb(len(hashes), out)
    for h in hashes:
        out += h


def _read_hashes(data: bytes, pos: int) -> tuple[list[bytes], int]:
    n, pos = read_uleb(data, pos)
    if n > MAX_HASHES or pos + 32 * n > len(data):
        raise DecodeError("hash list runs past the end of the data", pos)
    return [data[pos + 32 * i : pos + 32 * i + 32] for i in range(n)], pos + 32 * n


@dataclass(slots=True)
class SyncState:
    """What we know about one peer for one document. Only shared_heads survive encode()."""

    shared_heads: list[bytes] = field(default_factory=list)
    last_sent_heads: list[bytes] = field(default_factory=list)
    their_heads: list[bytes] | None = None
    their_need: list[bytes] | None = None
    their_have: list[Have] | None = None
    sent_hashes: set[bytes] = field(default_factory=set)
    in_flight: bool = False
    have_responded: bool = False
    their_flags: int | None = None
    read_only: bool = False
    peer_read_only: bool = False
    needs_reset: bool = False
    omit_have: bool = False
    """Leave our Bloom filter out of the next message if it carries changes (`have: []`, as
    the reference itself sends while it needs changes): for a first message that presumes
    what the peer holds (sync/repo/synchronizer.py `_presume_saved_heads`). Cleared by the
    next message either way."""
    asked_for_held: set[bytes] = field(default_factory=set)
    """What held changes depend on that we asked this peer for already (Document.
    missing_for_held): asked once, so that sync goes quiet even if the peer never sends it."""
    spare_filter: bool = False
    """Leave our Bloom filter out whenever the peer's last message named exactly our heads:
    it then holds every change we hold, and a filter only tells a peer which of ours it lacks.
    Off by default, where messages match the reference byte for byte; a node turns it on for
    its peers (an acknowledgement was a third of a small round's bytes)."""

    def encode(self) -> bytes:
        out = bytearray((STATE_TYPE,))
        _write_hashes(out, self.shared_heads)
        return bytes(out)

    @classmethod
    def decode(cls, data: bytes) -> SyncState:
        data = bytes(data)
        if not data or data[0] != STATE_TYPE:
            raise DecodeError("not an encoded sync state", 0)
        heads, _ = _read_hashes(data, 1)
        return cls(shared_heads=heads)

    @property
    def peer_supports_v2(self) -> bool:
        return self.their_flags is not None


def _bloom_since(doc: Document, last_sync: list[bytes]) -> Have:
    return Have(list(last_sync), BloomFilter(c.hash for c in doc._changes_since(last_sync)))


def _hashes_to_send(doc: Document, have: list[Have], need: list[bytes]) -> list[bytes]:
    """sync.rs `get_hashes_to_send`: what the peer's Bloom filters show it lacks, with every
    change that depends on those, plus what it explicitly asked for."""
    if not have:
        return [h for h in need if h in doc._by_hash]
    last_sync: set[bytes] = set()
    for h in have:
        last_sync.update(h.last_sync)
    changes = doc._changes_since(sorted(last_sync))
    dependents: dict[bytes, list[bytes]] = {}
    to_send: set[bytes] = set()
    blooms = [h.bloom for h in have]
    for change in changes:
        for dep in change.deps:
            dependents.setdefault(dep, []).append(change.hash)
        if all(change.hash not in bloom for bloom in blooms):
            to_send.add(change.hash)
    stack = list(to_send)
    while stack:
        for dependent in dependents.get(stack.pop(), ()):
            if dependent not in to_send:
                to_send.add(dependent)
                stack.append(dependent)
    out: list[bytes] = []
    for wanted in need:
        if wanted not in to_send and wanted in doc._by_hash:
            to_send.add(wanted)
            out.append(wanted)
    out.extend(c.hash for c in changes if c.hash in to_send and c.hash not in out)
    return out


def _flags_and_version(state: SyncState) -> tuple[int, int]:
    """What our next message says of us, and the format the peer reads."""
    flags = FLAG_SUPPORTS_SYNC_RESET | (FLAG_READ_ONLY if state.read_only else 0)
    return flags, MESSAGE_V2 if state.peer_supports_v2 else MESSAGE_V1


def generate_sync_message(doc: Document, state: SyncState) -> bytes | None:
    our_heads = doc.get_heads()
    their_heads = state.their_heads
    our_need = doc.get_missing_deps(their_heads or [])
    held_need = [h for h in doc.missing_for_held() if h not in state.asked_for_held]
    their_set = set(their_heads or [])
    our_have = (
        [_bloom_since(doc, state.shared_heads)] if all(h in their_set for h in our_need) else []
    )

    flags, version = _flags_and_version(state)
    if state.their_have:
        first = state.their_have[0]
        if not all(h in doc._by_hash for h in first.last_sync):
            return SyncMessage(version, our_heads, [], [Have()], [], flags).encode()

    send_doc = False
    hashes: list[bytes] = []
    if state.their_have is not None and state.their_need is not None and not state.peer_read_only:
        if their_heads == [] and state.peer_supports_v2:
            send_doc = any(c.hash not in state.sent_hashes for c in doc._changes)
        else:
            hashes = [
                h
                for h in _hashes_to_send(doc, state.their_have, state.their_need)
                if h not in state.sent_hashes
            ]
            if state.peer_supports_v2 and len(hashes) > len(doc._changes) // 3:
                send_doc = True
    nothing_to_send = not send_doc and not hashes
    if state.omit_have and not nothing_to_send:
        our_have = []
    if state.spare_filter and their_heads is not None and sorted(their_heads) == our_heads:
        our_have = []
    if state.last_sent_heads == our_heads and state.have_responded:
        quiet = nothing_to_send and not held_need
        if (their_heads == our_heads or state.read_only) and quiet:
            return None
        if quiet and not our_need and _only_held_differ(doc, their_heads):
            return None  # they hold changes we held on purpose: asking again would never end
        if state.in_flight:
            return None

    heads = our_heads
    if state.needs_reset:
        if state.their_flags is not None and state.their_flags & FLAG_SUPPORTS_SYNC_RESET:
            flags |= FLAG_SYNC_RESET
        else:
            heads = []
        state.needs_reset = False
    if send_doc:
        # what the document was loaded from when it holds no more (a node's stored file, a save
        # followed by change chunks: the reference loads both alike), else a fresh encoding;
        # not doc.save(): that moves save_incremental
        changes = [doc._current_stored() or encode_document(doc, deflate=True)]
        sent = [c.hash for c in doc._changes]
    elif state.peer_supports_v2:
        changes = [join_bytes([doc._by_hash[h].raw for h in hashes])] if hashes else []
        sent = hashes
    else:
        changes = [doc._by_hash[h].raw for h in hashes]
        sent = hashes
    need = sorted(set(our_need) | set(held_need)) if held_need else our_need
    message = SyncMessage(version, heads, need, our_have, changes, flags)
    state.asked_for_held.update(held_need)
    state.have_responded = True
    state.omit_have = False
    state.last_sent_heads = our_heads
    state.sent_hashes.update(sent)
    state.in_flight = True
    return message.encode()


def announcement(heads: list[bytes], state: SyncState) -> bytes | None:
    """The first message of a fresh sync state, made from our heads alone: what
    generate_sync_message says first, but with `have: []` instead of a Bloom filter of every
    change, so the document need not be loaded to say it. None when the state is not fresh.

    A peer that lacks the document answers with empty heads (then the whole document goes, as
    always); one that holds part of it answers with its heads and filter, from which the next
    message finds what it lacks; one that holds changes we lack names them only after our next
    message, which carries our filter: a round trip later, and only then. The reference reads
    an empty `have` as "send only what I name" and names nothing yet (its own first message
    with changes leaves the filter out likewise). A node announcing thousands of documents to a
    new peer loaded each one for this message, and again when the peer asked for it."""
    fresh = (
        state.their_heads is None
        and state.their_have is None
        and not state.have_responded
        and not state.shared_heads
        and not state.last_sent_heads
        and not state.sent_hashes
        and not state.needs_reset
    )
    if not fresh or not heads:
        return None
    flags, version = _flags_and_version(state)
    message = SyncMessage(version, list(heads), [], [], [], flags)
    state.have_responded = True
    state.omit_have = False
    state.last_sent_heads = list(heads)
    state.in_flight = True
    return message.encode()


def receive_sync_message(
    doc: Document, state: SyncState, data: bytes, admit: Admit | None = None
) -> list[Change]:
    """Returns the changes `admit` held (Document.Admit); [] without one."""
    message = SyncMessage.decode(data)
    before = doc.get_heads()
    held: list[Change] = []
    if message.changes and not state.read_only:
        held = doc._load_admitted(join_bytes(message.changes), admit)
    state.in_flight = False
    state.omit_have = False
    if message.flags is not None:
        state.their_flags = message.flags
        if message.flags & FLAG_SYNC_RESET:
            state.sent_hashes.clear()
        state.peer_read_only = bool(message.flags & FLAG_READ_ONLY)
    if message.changes and not state.read_only:
        after = doc.get_heads()
        state.shared_heads = _advance_heads(before, after, state.shared_heads)
    known = [h for h in message.heads if h in doc._by_hash]
    if known:
        ancestors = doc._ancestors(known)
        state.sent_hashes.difference_update(ancestors)
    if not message.changes and message.heads == before:
        state.last_sent_heads = list(message.heads)
    if len(known) == len(message.heads):
        state.shared_heads = list(message.heads)
        if not message.heads:
            state.last_sent_heads = []
            state.sent_hashes.clear()
    else:
        state.shared_heads = sorted(set(state.shared_heads) | set(known))
    state.their_have = message.have
    state.their_heads = list(message.heads)
    state.their_need = list(message.need)
    return held


def _only_held_differ(doc: Document, their_heads: list[bytes] | None) -> bool:
    """Every head of theirs is one we have or one we held, and at least one is held."""
    held = doc._held
    if not held or not their_heads:
        return False
    return any(h in held for h in their_heads) and all(
        h in held or h in doc._by_hash for h in their_heads
    )


def _advance_heads(before: list[bytes], after: list[bytes], shared: list[bytes]) -> list[bytes]:
    before_set = set(before)
    after_set = set(after)
    new = {h for h in after if h not in before_set}
    common = {h for h in shared if h in after_set}
    return sorted(new | common)
