"""Malformed bytes from disk or from a peer must never hurt a node.

Every decoder of sync.automerge gets random bytes and mutated valid bytes (bit flips, truncations,
insertions, deletions, overwrites; for chunks also mutated bodies under a recomputed checksum, so
the mutation reaches the column decoders). The contract (sync/automerge/API.md): the call either
succeeds or raises DecodeError, never anything else, never hangs, and a failed call leaves the
document exactly as it was. An accepted input must leave a document that still reads, saves and
loads. Each call runs under a SIGALRM timer and fails when it overruns.
"""

from __future__ import annotations

import hashlib
import signal
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.automerge import (
    ROOT,
    Counter,
    DecodeError,
    Document,
    ObjType,
    SyncState,
    Uint,
    decode_change,
)

TIME_LIMIT = 5.0  # seconds per call; every input here is a few KB at most
MAGIC = bytes.fromhex("856f4a83")
CHANGE_TIME = 1_760_000_000  # fixed, so the samples (and a failing example) are the same every run

DEFAULT = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- time limit ----------------------------------------------------------------------------------


class CallTimedOut(BaseException):
    """Raised into the running call by SIGALRM once TIME_LIMIT has passed."""


@contextmanager
def time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        raise RuntimeError("time_limit uses SIGALRM, which only the main thread receives")

    def on_alarm(signum: int, frame: Any) -> None:
        raise CallTimedOut(f"call still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_time_limit_interrupts_a_hang() -> None:
    with pytest.raises(CallTimedOut), time_limit(0.2):
        while True:
            pass


# --- valid inputs to mutate ----------------------------------------------------------------------


def build_documents() -> tuple[Document, list[bytes], Document]:
    """A small community document with every value type, two actors and a merge.

    Returns the full document, the heads after its first change, and a second, larger document
    whose columns and changes pass 256 bytes (so save() deflates columns).
    """
    a = Document(actor="aa" * 16)
    with a.change(message="Initiatief gestart", time=CHANGE_TIME) as tx:
        tx.put(ROOT, "title", "Moestuin achter het buurthuis")
        body = tx.put_object(ROOT, "body", ObjType.TEXT)
        tx.splice_text(body, 0, 0, "Wie helpt mee? 🌱 Ça va, naïve café — 中文")
        tasks = tx.put_object(ROOT, "tasks", ObjType.LIST)
        task = tx.insert_object(tasks, 0, ObjType.MAP)
        tx.put(task, "title", "water geven")
        tx.put(task, "done", False)
        tx.put(ROOT, "supporters", Counter(0))
        tx.put(ROOT, "n", Uint(7))
        tx.put(ROOT, "when", datetime(2026, 5, 1, 12, 30, tzinfo=UTC))
        tx.put(ROOT, "f", 1.5)
        tx.put(ROOT, "i", -42)
        tx.put(ROOT, "raw", b"\x00\xff")
        tx.put(ROOT, "none", None)
        tx.put(ROOT, "ok", True)
    first_heads = a.get_heads()
    b = a.fork(actor="bb" * 16)
    with b.change(message="b", time=CHANGE_TIME) as tx:
        tx.increment(ROOT, "supporters", 2)
        tx.splice_text(body, 5, 3, "ÿ😀")
        tx.put(ROOT, "title", "Moestuin!")
    with a.change(message="a", time=CHANGE_TIME) as tx:
        tx.increment(ROOT, "supporters", 1)
        tx.insert(tasks, 1, "compost halen")
        tx.delete(ROOT, "n")
    a.merge(b)
    with a.change(message="na samenvoegen", time=CHANGE_TIME) as tx:
        tx.splice(tasks, 0, 1, ["zaaien", Counter(3)])

    big = Document(actor="cc" * 16)
    with big.change(message="tekst", time=CHANGE_TIME) as tx:
        big_text = tx.put_object(ROOT, "text", ObjType.TEXT)
        tx.splice_text(big_text, 0, 0, "De buurt wil een moestuin aanleggen. " * 12)
    for i in range(30):
        with big.change(message=f"typ {i}", time=CHANGE_TIME) as tx:
            tx.splice_text(big_text, i * 3, 1, "é")
    return a, first_heads, big


@cache
def samples() -> dict[str, list[bytes]]:
    """Valid inputs by kind, computed once (bytes are immutable, so sharing them is safe)."""
    doc, first_heads, big = build_documents()
    changes = doc.get_all_changes()
    big_changes = big.get_all_changes()
    sync_messages, sync_states = record_sync(doc)
    return {
        "document": [doc.save(), big.save(), Document().save(), doc.fork(heads=first_heads).save()],
        "change": [*changes, big_changes[0], compress_change(big_changes[0])],
        "sync_message": sync_messages,
        "sync_state": sync_states,
    }


def record_sync(doc: Document) -> tuple[list[bytes], list[bytes]]:
    """Every message of a full sync between doc and an empty peer, and the states' encodings."""
    peer = Document(actor="dd" * 16)
    ours, theirs = SyncState(), SyncState()
    messages = []
    for _ in range(20):
        quiet = True
        for sender, receiver, send_state, receive_state in (
            (doc, peer, ours, theirs),
            (peer, doc, theirs, ours),
        ):
            message = sender.generate_sync_message(send_state)
            if message is not None:
                quiet = False
                messages.append(message)
                receiver.receive_sync_message(receive_state, message)
        if quiet:
            break
    return messages, [SyncState().encode(), ours.encode(), theirs.encode()]


def split_chunk(chunk: bytes) -> tuple[int, bytes]:
    """(chunk type, body) of one chunk: magic | checksum[4] | type | uLEB length | body."""
    assert chunk[:4] == MAGIC
    length, shift, pos = 0, 0, 9
    while True:
        byte = chunk[pos]
        length |= (byte & 0x7F) << shift
        pos += 1
        shift += 7
        if not byte & 0x80:
            break
    return chunk[8], chunk[pos : pos + length]


def uleb(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def make_chunk(chunk_type: int, body: bytes) -> bytes:
    """A chunk with a correct header and checksum (sync/automerge notes: storage/chunk.rs)."""
    header = bytes([chunk_type]) + uleb(len(body))
    return MAGIC + hashlib.sha256(header + body).digest()[:4] + header + body


def compress_change(chunk: bytes) -> bytes:
    """The type-2 form: raw DEFLATE of the body under the uncompressed chunk's checksum."""
    chunk_type, body = split_chunk(chunk)
    assert chunk_type == 1
    deflate = zlib.compressobj(wbits=-15)
    packed = deflate.compress(body) + deflate.flush()
    return chunk[:8] + bytes([2]) + uleb(len(packed)) + packed


# --- mutations -----------------------------------------------------------------------------------

mutation = st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 1 << 16), st.integers(0, 7)),
    st.tuples(st.just("set"), st.integers(0, 1 << 16), st.sampled_from([0, 1, 0x7F, 0x80, 0xFF])),
    st.tuples(st.just("truncate"), st.integers(0, 1 << 16)),
    st.tuples(st.just("insert"), st.integers(0, 1 << 16), st.binary(min_size=1, max_size=8)),
    st.tuples(st.just("delete"), st.integers(0, 1 << 16), st.integers(1, 8)),
    st.tuples(st.just("duplicate"), st.integers(0, 1 << 16), st.integers(1, 16)),
)


def mutate(data: bytes, mutations: list[tuple[Any, ...]]) -> bytes:
    out = bytearray(data)
    for kind, position, *rest in mutations:
        at = position % (len(out) + 1)
        if kind == "truncate":
            del out[at:]
        elif kind == "insert":
            out[at:at] = rest[0]
        elif not out:
            continue
        elif kind == "flip":
            out[at % len(out)] ^= 1 << rest[0]
        elif kind == "set":
            out[at % len(out)] = rest[0]
        elif kind == "delete":
            del out[at : at + rest[0]]
        else:
            out[at:at] = out[at : at + rest[0]]
    return bytes(out)


@st.composite
def malformed(draw: st.DrawFn, kinds: tuple[str, ...]) -> bytes:
    """Random bytes, or a valid sample of one of `kinds` (sometimes of any kind) mutated."""
    how = draw(st.sampled_from(["random", "magic", "mutated", "mutated_body", "any_mutated"]))
    if how == "random":
        return draw(st.binary(max_size=300))
    if how == "magic":
        return MAGIC + draw(st.binary(max_size=300))
    pool = samples()
    if how == "any_mutated":
        kinds = ("document", "change", "sync_message", "sync_state")
    kind = draw(st.sampled_from(kinds))
    valid = draw(st.sampled_from(pool[kind]))
    mutations = draw(st.lists(mutation, min_size=1, max_size=4))
    if how == "mutated_body" and valid[:4] == MAGIC and valid[8] in (0, 1):
        chunk_type, body = split_chunk(valid)
        return make_chunk(chunk_type, mutate(body, mutations))
    return mutate(valid, mutations)


# --- the contract --------------------------------------------------------------------------------


def snapshot(doc: Document) -> tuple[list[bytes], Any]:
    return doc.get_heads(), doc.to_py()


def expect_contract(call: Callable[[], Any], doc: Document | None = None) -> bool:
    """Run `call` under the time limit; True if it accepted the input, False on DecodeError.

    Any other exception, an overrun, a changed document after DecodeError, or a document that no
    longer reads, saves and loads after success fails the test.
    """
    before = snapshot(doc) if doc is not None else None
    try:
        bounded(call)
    except DecodeError:
        if doc is not None:
            assert bounded(lambda: snapshot(doc)) == before, "a failed call changed the document"
        return False
    except Overrun:
        raise
    except Exception as error:
        raise AssertionError(f"{type(error).__name__} instead of DecodeError: {error}") from error
    if doc is not None:  # what it accepted, it can still show, save and load again
        after = bounded(lambda: snapshot(doc))
        saved = bounded(doc.save)
        try:
            reloaded = bounded(lambda: snapshot(Document.load(saved)))
        except DecodeError as error:
            raise AssertionError(f"accepted, but its save() no longer loads: {error}") from error
        assert reloaded == after, "accepted, but its save() loads as a different document"
    return True


class Overrun(AssertionError):
    """A call outlived TIME_LIMIT: a test failure that hypothesis can shrink like any other."""


def bounded(call: Callable[[], Any]) -> Any:
    try:
        with time_limit():
            return call()
    except CallTimedOut:
        raise Overrun(f"no answer within {TIME_LIMIT} s (a hang on malformed input)") from None


def target_doc() -> Document:
    """A replica that has seen only the first change of the sample: room to receive more."""
    return Document.load(samples()["document"][3], actor="ee" * 16)


# --- one test per entry point --------------------------------------------------------------------


def load(data: bytes) -> None:
    expect_contract(lambda: Document.load(data))


def load_incremental(data: bytes) -> None:
    doc = target_doc()
    expect_contract(lambda: doc.load_incremental(data), doc)


def apply_changes(data: bytes) -> None:
    doc = target_doc()
    expect_contract(lambda: doc.apply_changes([data]), doc)
    # Atomic: a good change in the same batch as a bad one must not slip in on its own.
    doc = target_doc()
    good = samples()["change"][1]
    expect_contract(lambda: doc.apply_changes([good, data]), doc)


def decode(data: bytes) -> None:
    expect_contract(lambda: decode_change(data))


def receive_sync_message(data: bytes) -> None:
    receive_one(data, mid_sync=False)
    receive_one(data, mid_sync=True)


def receive_one(data: bytes, mid_sync: bool) -> None:
    doc, state = target_doc(), SyncState()
    if mid_sync:
        doc.generate_sync_message(state)
    if expect_contract(lambda: doc.receive_sync_message(state, data), doc):
        bounded(lambda: doc.generate_sync_message(state))  # the state still works afterwards


def decode_sync_state(data: bytes) -> None:
    expect_contract(lambda: SyncState.decode(data))


ENTRY_POINTS: dict[str, tuple[Callable[[bytes], None], tuple[str, ...]]] = {
    "Document.load": (load, ("document", "change")),
    "load_incremental": (load_incremental, ("document", "change")),
    "apply_changes": (apply_changes, ("change",)),
    "decode_change": (decode, ("change",)),
    "receive_sync_message": (receive_sync_message, ("sync_message",)),
    "SyncState.decode": (decode_sync_state, ("sync_state",)),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@DEFAULT
@given(data=st.data())
def test_malformed_input_raises_only_decode_error(entry: str, data: st.DataObject) -> None:
    call, kinds = ENTRY_POINTS[entry]
    call(data.draw(malformed(kinds), label="input"))


@pytest.mark.slow
@pytest.mark.parametrize("entry", ENTRY_POINTS)
@SLOW
@given(data=st.data())
def test_malformed_input_long_run(entry: str, data: st.DataObject) -> None:
    call, kinds = ENTRY_POINTS[entry]
    call(data.draw(malformed(kinds), label="input"))


# --- the seeds are valid, so the mutations above start from real inputs --------------------------


def test_valid_samples_are_accepted() -> None:
    pool = samples()
    for data in pool["document"]:
        Document.load(data)
    for data in pool["change"]:
        decode_change(data)
        target_doc().apply_changes([data])
    doc = target_doc()
    for message in pool["sync_message"]:
        doc.receive_sync_message(SyncState(), message)
    for data in pool["sync_state"]:
        SyncState.decode(data)
    assert len(pool["sync_message"]) >= 2


def test_compressed_change_decodes_like_the_plain_one() -> None:
    plain = samples()["change"][-2]
    packed = samples()["change"][-1]
    assert packed[8] == 2 and len(packed) < len(plain)
    assert decode_change(packed).hash == decode_change(plain).hash


def test_decode_error_leaves_document_unchanged_after_bad_change() -> None:
    doc = target_doc()
    before = snapshot(doc)
    good = samples()["change"][1]
    _, body = split_chunk(good)
    bad = make_chunk(1, body[:-3])  # a truncated body under a correct checksum
    with pytest.raises(DecodeError):
        doc.apply_changes([good, bad])
    assert snapshot(doc) == before


def test_non_canonically_encoded_change_is_refused() -> None:
    """Same ops, different bytes: accepted, it would get a new hash when save() re-encodes it, and
    the saved document would no longer load (the reference fails there: 'mismatching heads')."""
    author = Document(actor="aa" * 16)
    with author.change(message="one", time=0) as tx:
        tx.put(ROOT, "x", 1)
    with author.change(message="two", time=0) as tx:
        tx.put(ROOT, "x", 2)
    one, two = author.get_all_changes()
    chunk_type, body = split_chunk(two)
    literal = body.index(b"\x7f", len(body) - 20)  # an RLE literal run of one value...
    variant = make_chunk(chunk_type, body[:literal] + b"\x01" + body[literal + 1 :])  # ...as a run
    assert variant != two

    doc = Document(actor="bb" * 16)
    doc.apply_changes([one])
    before = snapshot(doc)
    with pytest.raises(DecodeError):
        doc.apply_changes([variant])
    assert snapshot(doc) == before
    doc.apply_changes([two])
    assert snapshot(Document.load(doc.save())) == snapshot(doc) == (author.get_heads(), {"x": 2})


def test_change_whose_pred_names_an_op_at_another_key_keeps_document_loadable() -> None:
    """A well-formed, canonically encoded change can still lie: here a delete of "x" names the op
    that set "y" as its predecessor. Refusing it and accepting it are both fine, as long as what
    the document then holds still saves and loads (found by the fuzzer; the reference accepts it
    and then fails to load its own save: 'mismatching heads')."""
    author = Document(actor="aa" * 16)
    with author.change(message="one", time=0) as tx:
        tx.put(ROOT, "x", 1)  # op 1@aa
        tx.put(ROOT, "y", 2)  # op 2@aa
    with author.change(message="two", time=0) as tx:
        tx.delete(ROOT, "x")  # op 3@aa, pred [1@aa]
    one, two = author.get_all_changes()
    chunk_type, body = split_chunk(two)
    pred_counter = body.rindex(b"\x7f\x01")  # the pred counter column: a literal run [1]
    lie = make_chunk(chunk_type, body[:pred_counter] + b"\x7f\x02" + body[pred_counter + 2 :])
    assert decode_change(lie).hash != decode_change(two).hash

    doc = Document(actor="bb" * 16)
    doc.apply_changes([one])
    expect_contract(lambda: doc.apply_changes([lie]), doc)
