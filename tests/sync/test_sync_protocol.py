"""The sync protocol: reference message bytes, Bloom filters, and convergence by messages alone."""

from __future__ import annotations

import pytest

from sync.automerge import ROOT, DecodeError, Document, ObjType, SyncMessage, SyncState
from sync.automerge.bloom import BloomFilter

from .vectors import hex_lines

MESSAGES = hex_lines("out_basic.txt", r"SYNC r\d \d->\d")
CHANGES = hex_lines("out_basic.txt", r"CHANGE\[\d+\]")


def test_reference_messages_decode_and_re_encode_identically() -> None:
    assert len(MESSAGES) == 4
    for raw in MESSAGES:
        assert SyncMessage.decode(raw).encode() == raw


def test_first_message_is_v1_and_later_ones_v2_with_the_reset_capability() -> None:
    first, *rest = (SyncMessage.decode(m) for m in MESSAGES)
    assert first.version == 0x42
    assert all(m.version == 0x43 for m in rest)
    assert all(m.flags == 4 for m in (first, *rest))


def test_bloom_filter_bytes_match_the_reference() -> None:
    hashes = [Document.load(c).get_heads()[0] for c in CHANGES[:1]]
    a1 = Document.load(CHANGES[0])
    a1.apply_changes([CHANGES[1]])
    bloom = BloomFilter(c.hash for c in a1._changes)
    assert bloom.encode().hex() == "020a07555054"
    decoded = BloomFilter.decode(bloom.encode())
    assert all(h in decoded for h in (c.hash for c in a1._changes))
    assert hashes[0] in decoded
    assert bytes(32) not in BloomFilter()


def test_our_first_message_matches_the_reference_byte_for_byte() -> None:
    peer1 = Document(actor="aa" * 16)
    peer1.apply_changes(CHANGES[:2])
    assert peer1.generate_sync_message(SyncState()) == MESSAGES[0]


def test_encoded_sync_state_matches_the_reference() -> None:
    state = SyncState(
        shared_heads=sorted(Document.load(CHANGES[0] + CHANGES[1] + CHANGES[2]).get_heads())
    )
    expected = hex_lines("out_basic.txt", "encodeSyncState")[0]
    assert state.encode() == expected
    assert SyncState.decode(expected).shared_heads == state.shared_heads


def sync_until_quiet(a: Document, b: Document, sa: SyncState, sb: SyncState) -> int:
    for rounds in range(20):
        m1 = a.generate_sync_message(sa)
        if m1 is not None:
            b.receive_sync_message(sb, m1)
        m2 = b.generate_sync_message(sb)
        if m2 is not None:
            a.receive_sync_message(sa, m2)
        if m1 is None and m2 is None:
            return rounds
    raise AssertionError("sync did not go quiet in 20 rounds")


def village(actor: str, title: str) -> Document:
    doc = Document(actor=actor)
    with doc.change() as tx:
        tx.put(ROOT, "title", title)
        items = tx.put_object(ROOT, "items", ObjType.LIST)
        for i in range(5):
            tx.insert(items, i, f"{title} {i}")
    return doc


def test_two_villages_converge_by_messages_alone() -> None:
    a, b = village("aa" * 16, "Oldebroek"), village("bb" * 16, "Zedelgem")
    sync_until_quiet(a, b, SyncState(), SyncState())
    assert a.get_heads() == b.get_heads()
    assert a.to_py() == b.to_py()


def test_sync_resumes_from_a_persisted_state_and_sends_only_new_changes() -> None:
    a, b = village("aa" * 16, "Oldebroek"), Document(actor="bb" * 16)
    sa, sb = SyncState(), SyncState()
    sync_until_quiet(a, b, sa, sb)
    saved_a, saved_b = SyncState.decode(sa.encode()), SyncState.decode(sb.encode())
    for i in range(3):
        with a.change() as tx:
            tx.put(ROOT, "title", f"nieuw {i}")
    b = Document.load(b.save(), actor="bb" * 16)
    sent: list[int] = []
    for _ in range(10):
        m1 = a.generate_sync_message(saved_a)
        if m1:
            sent.append(len(m1))
            b.receive_sync_message(saved_b, m1)
        m2 = b.generate_sync_message(saved_b)
        if m2:
            a.receive_sync_message(saved_a, m2)
        if not m1 and not m2:
            break
    assert b.get_heads() == a.get_heads()
    assert b.get(ROOT, "title") == "nieuw 2"


def test_a_garbage_sync_message_is_refused_and_changes_nothing() -> None:
    a = village("aa" * 16, "Oldebroek")
    state = SyncState()
    heads = a.get_heads()
    for bad in (b"", b"\x42", b"\x44\x00", MESSAGES[1][:-40], b"\x43" + b"\xff" * 20):
        with pytest.raises(DecodeError):
            a.receive_sync_message(state, bad)
    assert a.get_heads() == heads
    assert state == SyncState()
    with pytest.raises(DecodeError):
        SyncState.decode(b"\x42\x00")
