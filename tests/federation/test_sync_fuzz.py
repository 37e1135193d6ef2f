"""A running node's `/sync` under hostile and broken clients: random bytes, text frames, frames
before `join`, mutated and truncated frames, oversized frames, garbage after a good `join`,
well-formed sync messages with mutated or forged payloads, and hundreds of connections opened and
dropped. After every burst the node still serves pages, closes each bad connection itself with a
protocol close code (never an internal error), and a neighbouring node that stayed connected the
whole time still receives a change made afterwards. Seeds are fixed, so a failure repeats."""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import cbor2
import httpx
import pytest
from nacl.signing import SigningKey
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from sync.automerge import ROOT, Document, SyncMessage
from sync.automerge.sync_protocol import MESSAGE_V1, MESSAGE_V2
from sync.document_id import new_document_id
from sync.repo.messages import (
    Auth,
    Ephemeral,
    Error,
    Join,
    Peer,
    PeerMetadata,
    Request,
    Sync,
    decode_message,
    encode_message,
)
from sync.repo.proof import NodeKey, Offer

from .nodes import Resident, RunningNode, wait_until

PROTOCOL_CLOSES = {1002, 1003, 1007, 1008, 1009}
"""What the node closes a bad connection with (sync/repo/API.md), 1009 also from uvicorn."""
ALL_AT_ONCE = 20


@dataclass
class Village:
    """A is fuzzed; B dials A and must keep syncing; `since` is when B's connection began."""

    a: RunningNode
    b: RunningNode
    anna: Resident
    doc_id: str
    token: str
    """An app's token (no key to prove), so the fuzzers reach the synchronizer."""
    since: str
    node_token: str
    """A node's token: nothing passes before the node-key handshake."""
    edits: int = 0

    @property
    def sync_url(self) -> str:
        return self.a.sync_url

    def keeps_working(self) -> None:
        """A serves pages, and an edit made on A now reaches B over B's one connection."""
        assert httpx.get(f"{self.a.url}/api/node", timeout=10).status_code == 200
        self.edits += 1
        title = f"Buurtmoestuin {self.edits}"
        self.anna.put(f"/initiatives/{self.doc_id}", {"title": title, "summary": "Samen"})
        wait_until(
            lambda: (h := self.a.heads(self.doc_id)) and self.b.heads(self.doc_id) == h,
            30,
            f"edit {self.edits} on B",
        )
        assert wait_until(lambda: self.b.api(f"/initiatives/{self.doc_id}"))["title"] == title
        assert connection_since(self.b) == self.since, "B's connection to A was dropped"


def connection_since(node: RunningNode) -> str:
    peers = {p["name"]: p for p in node.status()["peers"]}
    assert peers["Aadorp"]["connected"], peers
    return str(peers["Aadorp"]["since"])


@pytest.fixture(scope="module")
def village(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Village]:
    root: Path = tmp_path_factory.mktemp("fuzz")
    a, b = RunningNode(root, "Aadorp"), RunningNode(root, "Bathmen")
    try:
        b.dial(a)
        token = a.invite("Fuzzer", app=True)
        node_token = a.invite("Fuzznode")
        a.start()
        b.start()
        anna = a.resident("Anna")
        doc_id = anna.post("/initiatives", {"title": "Buurtmoestuin", "summary": "Samen"})["id"]
        wait_until(lambda: (h := a.heads(doc_id)) and b.heads(doc_id) == h, 60, "first sync")
        since = wait_until(lambda: connection_since(b), 30, "B's status")
        yield Village(a, b, anna, doc_id, token, since, node_token)
    finally:
        a.close()
        b.close()


# ---------------------------------------------------------------------- sending


async def exchange(
    url: str,
    frames: Sequence[bytes | str],
    *,
    token: str | None = None,
    last: bytes | None = b"\xff",
) -> int | None:
    """Send `frames` on a new connection, then `last` (not CBOR: closes any connection), and
    return the code the node closed it with (None: it did not close within 10 s).

    Frames of one connection are handled in order, so the node's answer to `last` shows it got
    through everything before it."""
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with connect(
        url, additional_headers=headers, max_size=None, open_timeout=20, close_timeout=5
    ) as ws:
        try:
            for frame in [*frames, *([last] if last is not None else [])]:
                await ws.send(frame)
            async with asyncio.timeout(10):
                while True:
                    await ws.recv()
        except ConnectionClosed:
            pass
        except TimeoutError:
            return None
    return ws.close_code if ws.close_code is not None else None


async def all_of(jobs: Sequence[Callable[[], Awaitable[int | None]]]) -> list[int | None]:
    """Run the jobs, at most ALL_AT_ONCE at a time (the node runs on a shared 2-core machine)."""
    gate = asyncio.Semaphore(ALL_AT_ONCE)

    async def one(job: Callable[[], Awaitable[int | None]]) -> int | None:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(one(job) for job in jobs)))


def assert_closed_by_protocol(codes: list[int | None]) -> None:
    odd = [c for c in codes if c not in PROTOCOL_CLOSES]
    assert not odd, f"connections not closed with a protocol close code: {odd}"


def join_frame(peer_id: str) -> bytes:
    return encode_message(Join(peer_id, PeerMetadata(storage_id=None, is_ephemeral=True)))


def mutate(rng: random.Random, frame: bytes) -> bytes:
    """Flip, drop, insert or truncate a few bytes."""
    data = bytearray(frame)
    for _ in range(rng.randint(1, 4)):
        what = rng.randrange(4)
        at = rng.randrange(len(data)) if data else 0
        if what == 0 and data:
            data[at] ^= 1 << rng.randrange(8)
        elif what == 1 and data:
            del data[at]
        elif what == 2:
            data.insert(at, rng.randrange(256))
        else:
            data = data[: rng.randrange(len(data) + 1)]
    return bytes(data)


# ---------------------------------------------------------------------- bursts


def test_random_bytes_text_and_empty_frames_before_join(village: Village) -> None:
    rng = random.Random(1)
    bursts: list[list[bytes | str]] = [
        [rng.randbytes(rng.randint(1, 400)) for _ in range(rng.randint(1, 3))] for _ in range(40)
    ]
    bursts += [["hallo"], ['{"type": "join", "senderId": "x"}'], [b""], ["\x00" * 1000]]

    codes = asyncio.run(
        all_of([partial(exchange, village.sync_url, frames, last=None) for frames in bursts])
    )
    assert_closed_by_protocol(codes)
    village.keeps_working()


def test_mutated_and_truncated_join_frames_with_and_without_a_token(village: Village) -> None:
    rng = random.Random(2)
    good = join_frame("fuzz-join")
    jobs = [
        partial(
            exchange, village.sync_url, [mutate(rng, good)], token=village.token if i % 2 else None
        )
        for i in range(80)
    ]
    codes = asyncio.run(all_of(jobs))
    assert_closed_by_protocol(codes)
    village.keeps_working()


def test_messages_before_join_and_frames_too_large(village: Village) -> None:
    rng = random.Random(3)
    doc_id = village.doc_id
    early = [
        encode_message(Sync("fuzz-early", "x", doc_id, b"\x42\x00\x00\x00\x00")),
        encode_message(Request("fuzz-early", "x", doc_id, b"")),
        cbor2.dumps({"type": "join"}),
        cbor2.dumps([1, 2, 3]),
        cbor2.dumps({"type": "join", "senderId": 7, "peerMetadata": "nee"}),
        cbor2.dumps({"type": "join", "senderId": "a" * 100_000}),
        cbor2.dumps(cbor2.CBORTag(55799, {"type": "join", "senderId": "fuzz"})),
        b"\x9f" * 10_000,  # nested indefinite arrays
        b"\xbf" + b"\x61a\x80" * 20_000 + b"\xff",
    ]
    huge = rng.randbytes(17 * 1024 * 1024)  # past uvicorn's 16 MiB frame limit

    async def run() -> list[int | None]:
        codes = await all_of([partial(exchange, village.sync_url, [f], last=None) for f in early])
        codes.append(await exchange(village.sync_url, [huge], last=None))
        codes.append(await exchange(village.sync_url, [join_frame("fuzz-big"), huge], token=None))
        codes.append(
            await exchange(
                village.sync_url, [join_frame("fuzz-big"), huge], token=village.token, last=None
            )
        )
        return codes

    codes = asyncio.run(run())
    assert_closed_by_protocol(codes)
    village.keeps_working()


def forged_sync_payloads(rng: random.Random, doc: Document) -> list[bytes]:
    """Automerge sync messages that decode, or nearly do: real changes of the document, mutated
    changes, a change whose dependency nobody has, forged heads and needs, and random tails."""
    changes = doc.get_changes([])
    heads = doc.get_heads()
    fork = doc.fork()
    with fork.change(message="een") as tx:
        tx.put(ROOT, "summary", "vervalst 1")
    first = fork.get_changes(heads)
    with fork.change(message="twee") as tx:
        tx.put(ROOT, "summary", "vervalst 2")
    orphan = [c for c in fork.get_changes(heads) if c not in first]  # its dependency withheld
    fake = [rng.randbytes(32) for _ in range(3)]
    messages = [
        SyncMessage(MESSAGE_V1, heads, [], [], changes).encode(),
        SyncMessage(MESSAGE_V2, fake, fake, [], [], 0).encode(),
        SyncMessage(MESSAGE_V1, heads + fake, [], [], orphan, 0).encode(),
        SyncMessage(MESSAGE_V1, [], [], [], [mutate(rng, c) for c in changes]).encode(),
        SyncMessage(MESSAGE_V1, heads, [], [], [rng.randbytes(60)]).encode(),
        SyncMessage(MESSAGE_V2, heads, [], [], [doc.save()], 0).encode(),
        SyncMessage(MESSAGE_V2, heads, [], [], [mutate(rng, doc.save())], 0).encode(),
    ]
    messages += [mutate(rng, m) for m in messages for _ in range(6)]
    return messages


def test_garbage_and_forged_sync_messages_after_a_good_join(village: Village) -> None:
    rng = random.Random(4)
    doc = village.a.document(village.doc_id)
    assert doc is not None
    payloads = forged_sync_payloads(rng, doc)
    target = f"mekaar-{village.a.api('/node')['node_id']}"

    def session(i: int) -> list[bytes | str]:
        """Well-formed messages with forged payloads, then one malformed frame that ends it."""
        me = f"fuzz-after-{i}"
        frames: list[bytes | str] = [join_frame(me)]
        for payload in rng.sample(payloads, 8):
            doc_id = village.doc_id if rng.random() < 0.7 else new_document_id()
            kind = Sync if rng.random() < 0.7 else Request
            frames.append(encode_message(kind(me, target, doc_id, payload)))
        frames.append(encode_message(Sync("not-me", target, village.doc_id, payloads[0])))
        frames.append(
            encode_message(Ephemeral(me, target, village.doc_id, rng.randbytes(5000), "s", 1))
        )
        frames.append(cbor2.dumps({"type": "wat", "senderId": me, "targetId": target}))
        frames.append(
            rng.choice(
                [
                    mutate(rng, encode_message(Sync(me, target, village.doc_id, payloads[0]))),
                    cbor2.dumps({"type": "sync", "senderId": me, "targetId": target, "data": 5}),
                    encode_message(Sync(me, target, "nietgeldig", payloads[0])),
                    encode_message(Request(me, target, "x" * 200, b"")),
                ]
            )
        )
        return frames

    jobs = [
        partial(exchange, village.sync_url, session(i), token=village.token if i % 3 else None)
        for i in range(60)
    ]
    codes = asyncio.run(all_of(jobs))
    assert_closed_by_protocol(codes)
    village.keeps_working()
    # nothing forged was taken in: the fuzzers' summaries never reached A's document
    assert "vervalst" not in str(village.a.api(f"/initiatives/{village.doc_id}"))


def test_hundreds_of_connections_opened_and_dropped(village: Village) -> None:
    rng = random.Random(5)

    async def drop(i: int) -> int | None:
        headers = {"Authorization": f"Bearer {village.token}"} if i % 3 == 1 else None
        async with connect(
            village.sync_url, additional_headers=headers, open_timeout=20, close_timeout=1
        ) as ws:
            if i % 3:
                await ws.send(join_frame(f"fuzz-drop-{i}"))
                if rng.random() < 0.5:
                    with contextlib.suppress(TimeoutError, ConnectionClosed):
                        async with asyncio.timeout(5):
                            await ws.recv()  # peer (or error)
            if i % 2:
                ws.transport.abort()  # gone without a close handshake
        return 1000

    async def raw_tcp(i: int) -> int | None:
        _, writer = await asyncio.open_connection("127.0.0.1", village.a.port)
        half_a_request = b"GET /sync HTTP/1.1\r\nUpgrade: websocket\r\n"
        writer.write(rng.randbytes(200) if i % 2 else half_a_request)
        await writer.drain()
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return 1000

    jobs: list[Callable[[], Awaitable[int | None]]] = [partial(drop, i) for i in range(300)]
    jobs += [partial(raw_tcp, i) for i in range(40)]
    asyncio.run(all_of(jobs))
    village.keeps_working()


def test_a_token_does_not_let_one_take_over_another_peers_connection(village: Village) -> None:
    """Joining with a neighbour's peer id would replace its connection (and get its messages):
    with a token of its own, a client is refused that id while the neighbour is connected."""
    neighbour = f"mekaar-{village.b.api('/node')['node_id']}"
    code = asyncio.run(exchange(village.sync_url, [join_frame(neighbour)], token=village.token))
    assert code == 1008
    village.keeps_working()


# ---------------------------------------------------------------------- the node-key handshake


async def handshake(
    url: str, token: str, offer: object, auth: Callable[[Peer, Offer], bytes] | None
) -> tuple[str, int | None]:
    """Join with `offer` as the proof; `auth(answer, offer)` makes the next frame. Returns the
    node's error message ("" when none) and the close code (None: still open after 5 s)."""
    metadata = PeerMetadata(is_ephemeral=False, proof=offer)  # type: ignore[arg-type]
    headers = {"Authorization": f"Bearer {token}"}
    async with connect(url, additional_headers=headers, open_timeout=20, close_timeout=5) as ws:
        await ws.send(encode_message(Join("fuzz-proof", metadata)))
        error = ""
        try:
            async with asyncio.timeout(5):
                answer = decode_message(await ws.recv())  # type: ignore[arg-type]
                if isinstance(answer, Error):
                    error = answer.message
                elif isinstance(answer, Peer) and auth is not None:
                    await ws.send(auth(answer, Offer.parse(offer, signed=False)))
                while True:
                    message = decode_message(await ws.recv())  # type: ignore[arg-type]
                    if isinstance(message, Error):
                        error = message.message
        except ConnectionClosed:
            error = error or ws.close_reason or ""
        except TimeoutError:
            return error, None
    return error, ws.close_code


def signed_by(key: NodeKey) -> Callable[[Peer, Offer], bytes]:
    def auth(answer: Peer, offer: Offer) -> bytes:
        theirs = Offer.parse(answer.peer_metadata.proof, signed=True)
        sig = key.prove("fuzz-proof", answer.sender_id, offer, theirs)
        return encode_message(Auth("fuzz-proof", answer.sender_id, sig))

    return auth


def test_garbage_replayed_and_expired_handshake_proofs_are_refused_with_a_log_line(
    village: Village,
) -> None:
    rng = random.Random(6)
    key, impostor = NodeKey(SigningKey.generate()), NodeKey(SigningKey.generate())
    good = key.offer().to_map()
    url, token = village.sync_url, village.node_token

    def garbage_offer() -> object:
        """One field broken (an extra key or `sig: null` would still be a valid offer)."""
        offer = dict(good)
        field = rng.choice(["node", "nonce", "time", "sig"])
        offer[field] = rng.choice(
            [-1, 2**70, 1.5, "x" * rng.randint(0, 80), rng.randbytes(rng.randint(0, 70))]
            + ([None] if field != "sig" else [])
        )
        return offer

    def changed(frame: bytes) -> bytes:
        """A mutation may leave a frame whole (truncated at its end): only a changed one counts."""
        while (mutated := mutate(rng, frame)) == frame:
            pass
        return mutated

    def garbage_auth(answer: Peer, offer: Offer) -> bytes:
        me, server = "fuzz-proof", answer.sender_id
        return rng.choice(
            [
                encode_message(Auth(me, server, rng.randbytes(64))),
                encode_message(Auth(me, server, rng.randbytes(rng.randint(0, 63)))),
                encode_message(Auth("someone-else", server, rng.randbytes(64))),
                encode_message(Sync(me, server, village.doc_id, b"\x42")),
                changed(signed_by(key)(answer, offer)),
            ]
        )

    async def run() -> list[tuple[str, int | None]]:
        results = [await handshake(url, token, garbage_offer(), garbage_auth) for _ in range(30)]
        results += [await handshake(url, token, good, garbage_auth) for _ in range(30)]
        expired = {**key.offer().to_map(), "time": int(time.time()) - 3600}
        results.append(await handshake(url, token, expired, signed_by(key)))
        # an honest handshake pins the key; its recorded proof does not work a second time
        recorded: list[bytes] = []

        def record(answer: Peer, offer: Offer) -> bytes:
            recorded.append(signed_by(key)(answer, offer))
            return recorded[-1]

        honest_error, honest_code = await handshake(url, token, good, record)
        assert (honest_error, honest_code) == ("", None), "the honest node was refused"
        results.append(await handshake(url, token, good, lambda answer, offer: recorded[0]))
        # the token leaked, the key did not
        results.append(await handshake(url, token, impostor.offer().to_map(), signed_by(impostor)))
        return results

    results = asyncio.run(run())
    codes = [code for _, code in results]
    assert_closed_by_protocol(codes)
    assert all(error for error, _ in results), [r for r in results if not r[0]]
    assert "expired" in results[-3][0]
    assert "not by node" in results[-2][0]
    assert "vastgezet" in results[-1][0]
    log = village.a.log.read_text()
    for line in (
        "refused: the proof expired",
        "refused: the signature is not by node",
        "refused: buur-node Fuzznode bewees sleutel",
    ):
        assert line in log, line
    village.keeps_working()
