"""The automerge-repo WebSocket protocol over any transport: the server side of one connection
(`serve_peer`) and the client side (`connect_peer`, `run_peer_forever`).

Mirrors automerge-repo-network-websocket 2.5.6 (WebSocketServerAdapter.ts,
WebSocketClientAdapter.ts): the client speaks first with `join`, the server answers `peer` with
protocol version "1" or `error` and closes; after that both sides exchange repo messages. Unlike
the reference, a frame that is not a valid message closes the connection with a reason (the
reference closes silently on undecodable CBOR and passes malformed maps on to the repo).

The synchronizer is blocking, so each message is handled in a worker thread; messages of one
connection are handled in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import websockets
from websockets.asyncio.client import connect

from .host import PeerInfo
from .messages import (
    DEFAULT_MAX_FRAME,
    PROTOCOL_V1,
    Auth,
    Error,
    FrameTooLarge,
    Join,
    Message,
    Peer,
    PeerMetadata,
    ProtocolError,
    decode_message,
    encode_message,
)
from .proof import NodeKey, Offer, ProofError, check_answer, check_proof
from .router import Outbox, Router, Shutdown

__all__ = [
    "ClientProof",
    "Refused",
    "Router",
    "ServerProof",
    "connect_peer",
    "run_peer_forever",
    "serve_peer",
]
from .synchronizer import Synchronizer

logger = logging.getLogger("sync.repo")

CLOSE_NORMAL = 1000
CLOSE_PROTOCOL = 1002
CLOSE_UNSUPPORTED = 1003
CLOSE_INVALID = 1007
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009

MAX_BACKLOG = 10_000
"""Frames of one connection read but not yet handled (as many as an outbox holds, see Router)."""
ANNOUNCE_BACKLOG = 256
RECEIVE_BATCH = 32
"""Messages that waited, handled in one worker-thread trip at most."""
"""Queued outgoing messages above which announcing more documents waits."""

Receive = Callable[[], Awaitable[bytes | None]]
Send = Callable[[bytes], Awaitable[None]]
Close = Callable[[int, str], Awaitable[None]]


class Refused(Exception):
    """The other side will not talk to us (or we to it); `.reason` is sent in the error message."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class ServerProof:
    """The server's side of the node-key handshake (sync/repo/proof.py).

    `required(credentials)`: whether a peer with these credentials must prove a node key (a
    neighbouring node must; an app token or a public reader need not). `accept(credentials,
    node_id)`: the proven key is checked against the caller's pin (and pinned on first use);
    returns the credentials to keep, or raises Refused."""

    key: NodeKey
    accept: Callable[[Any, str], Awaitable[Any]]
    required: Callable[[Any], bool] = lambda credentials: True


@dataclass(frozen=True)
class ClientProof:
    """The client's side: `accept(node_id)` checks the server's proven key against the pin (and
    pins it on first use), or raises Refused."""

    key: NodeKey
    accept: Callable[[str], Awaitable[None]]


OnState = Callable[[str, str | None], None]
"""Client state changes: ("connecting", None), ("connected", None), ("disconnected", reason)."""


def _close_reason(reason: str) -> str:
    """A WebSocket close reason holds at most 123 bytes of UTF-8."""
    return reason.encode("utf-8")[:120].decode("utf-8", "ignore")


def _close_code(exc: ProtocolError) -> int:
    return CLOSE_TOO_BIG if isinstance(exc, FrameTooLarge) else CLOSE_INVALID


# ---------------------------------------------------------------------------------- server


async def serve_peer(
    receive: Receive,
    send: Send,
    close: Close,
    synchronizer: Synchronizer,
    router: Router,
    authenticate: Callable[[Join], Any] | None = None,
    max_frame: int = DEFAULT_MAX_FRAME,
    *,
    join_timeout: float = 30.0,
    proof: ServerProof | None = None,
) -> None:
    """Serve one connection until it closes. `receive` returns None once the socket is closed.

    `authenticate(join)` returns the peer's credentials (kept in PeerInfo for the host's
    decisions) or raises Refused; it may be a coroutine function, otherwise it runs in a worker
    thread. With `proof`, a peer whose credentials require it must prove its node key before
    anything else is handled. Never raises for anything the peer sends.
    """
    try:
        frame = await asyncio.wait_for(receive(), join_timeout)
    except TimeoutError:
        await _quietly(close(CLOSE_POLICY, "no join message"))
        return
    if frame is None:
        return
    if isinstance(frame, str):
        await _quietly(close(CLOSE_UNSUPPORTED, "text frames are not part of the protocol"))
        return
    try:
        join = decode_message(frame, max_bytes=max_frame)
    except ProtocolError as exc:
        logger.warning("connection before join: %s", exc.reason)
        await _quietly(close(_close_code(exc), _close_reason(exc.reason)))
        return
    if not isinstance(join, Join):
        logger.warning("connection sent %s before join: closed", type(join).__name__)
        await _quietly(close(CLOSE_POLICY, "expected a join message"))
        return
    peer_id = join.sender_id
    try:
        credentials = await _authenticate(authenticate, join)
    except Refused as exc:
        logger.info("peer %s refused: %s", peer_id, exc.reason)
        await _quietly(send(encode_message(Error(synchronizer.peer_id, peer_id, exc.reason))))
        await _quietly(close(CLOSE_POLICY, _close_reason(exc.reason)))
        return
    if PROTOCOL_V1 not in join.supported_protocol_versions:
        reason = "unsupported protocol version"
        await _quietly(send(encode_message(Error(synchronizer.peer_id, peer_id, reason))))
        await _quietly(close(CLOSE_PROTOCOL, reason))
        return
    metadata = synchronizer.peer_metadata
    offer: Offer | None = None
    answer: Offer | None = None
    if proof is not None and proof.required(credentials):
        try:
            if join.peer_metadata.proof is None:
                raise ProofError(
                    "this server asks a node to prove its key, and none was offered "
                    "(an app or plain sync server needs its own token: peer invite --app)"
                )
            offer = Offer.parse(join.peer_metadata.proof, signed=False)
            answer = proof.key.answer(peer_id, synchronizer.peer_id, offer)
        except ProofError as exc:
            await _refuse(send, close, synchronizer.peer_id, peer_id, exc.reason)
            return
        metadata = replace(metadata, proof=answer.to_map())
    welcome = Peer(synchronizer.peer_id, peer_id, metadata, PROTOCOL_V1)
    try:
        await send(encode_message(welcome))
    except Exception as exc:
        logger.info("peer %s left during the handshake: %s", peer_id, exc)
        return
    if proof is not None and offer is not None and answer is not None:
        try:
            credentials = await _proven(
                receive,
                synchronizer.peer_id,
                peer_id,
                offer,
                answer,
                credentials,
                proof,
                max_frame,
                join_timeout,
            )
        except Refused as exc:
            await _refuse(send, close, synchronizer.peer_id, peer_id, exc.reason)
            return
    info = PeerInfo(peer_id, join.peer_metadata, credentials)
    await _run(info, receive, send, close, synchronizer, router, max_frame, check_sender=True)


async def _refuse(send: Send, close: Close, server_peer: str, peer_id: str, reason: str) -> None:
    logger.warning("peer %s refused: %s", peer_id, reason)
    await _quietly(send(encode_message(Error(server_peer, peer_id, reason))))
    await _quietly(close(CLOSE_POLICY, _close_reason(reason)))


async def _proven(
    receive: Receive,
    server_peer: str,
    peer_id: str,
    offer: Offer,
    answer: Offer,
    credentials: Any,
    proof: ServerProof,
    max_frame: int,
    timeout: float,
) -> Any:
    """Wait for the client's `mekaar-auth` and check it; the credentials to keep, or Refused."""
    try:
        frame = await asyncio.wait_for(receive(), timeout)
    except TimeoutError:
        raise Refused("no proof of the node key in time") from None
    if frame is None:
        raise Refused("closed during the handshake")
    try:
        if isinstance(frame, str):
            raise ProtocolError("text frames are not part of the protocol")
        message = decode_message(frame, max_bytes=max_frame)
    except ProtocolError as exc:
        raise Refused(f"expected the proof of the node key: {exc.reason}") from None
    if not isinstance(message, Auth):
        raise Refused("expected the proof of the node key first (mekaar-auth)")
    if message.sender_id != peer_id or message.target_id != server_peer:
        raise Refused("the proof of the node key names other peers than this connection's")
    try:
        node_id = check_proof(peer_id, server_peer, offer, answer, message.signature)
    except ProofError as exc:
        raise Refused(exc.reason) from None
    try:
        return await proof.accept(credentials, node_id)
    except Refused:
        raise
    except Exception as exc:  # the caller's check failed: refuse, never let it escape
        logger.exception("checking the proven key of %s failed", peer_id)
        raise Refused(f"the node key could not be checked: {type(exc).__name__}") from None


async def _authenticate(authenticate: Callable[[Join], Any] | None, join: Join) -> Any:
    if authenticate is None:
        return None
    if inspect.iscoroutinefunction(authenticate):
        return await authenticate(join)
    result = await asyncio.to_thread(authenticate, join)
    if inspect.isawaitable(result):
        return await result
    return result


async def _run(
    info: PeerInfo,
    receive: Receive,
    send: Send,
    close: Close,
    synchronizer: Synchronizer,
    router: Router,
    max_frame: int,
    on_ready: Callable[[], None] | None = None,
    *,
    check_sender: bool,
) -> str:
    """Both directions of an established connection; returns why it ended."""
    peer_id = info.peer_id
    outbox = router.register(peer_id)
    writer = asyncio.create_task(_write(outbox, send, close))
    inbox: asyncio.Queue[bytes | None] = asyncio.Queue(MAX_BACKLOG)
    reader = asyncio.create_task(_read(receive, inbox))
    reason = "closed by the peer"
    announcer: asyncio.Task[None] | None = None
    try:
        announcements = await asyncio.to_thread(synchronizer.add_peer, info)
        announcer = asyncio.create_task(_announce(announcements, router, outbox))
        if on_ready is not None:
            on_ready()
        ended = False
        while not ended:
            frames = [await inbox.get()]
            while len(frames) < RECEIVE_BATCH and not inbox.empty():
                frames.append(inbox.get_nowait())
            messages: list[Message] = []
            for frame in frames:
                if frame is None:
                    ended = True
                    break
                if isinstance(frame, str):
                    reason = "text frame"
                    await _quietly(
                        close(CLOSE_UNSUPPORTED, "text frames are not part of the protocol")
                    )
                    ended = True
                    break
                try:
                    message = decode_message(frame, max_bytes=max_frame)
                except ProtocolError as exc:
                    logger.warning("peer %s sent a bad frame: %s", peer_id, exc.reason)
                    reason = exc.reason
                    await _quietly(close(_close_code(exc), _close_reason(exc.reason)))
                    ended = True
                    break
                if isinstance(message, Join | Peer | Error | Auth):
                    logger.info("peer %s: unexpected %s ignored", peer_id, type(message).__name__)
                    continue
                if check_sender and message.sender_id != peer_id:
                    # WebSocketServerAdapter.ts drops messages whose sender is not this socket's
                    # peer; the client adapter takes relayed ephemeral messages, which keep
                    # their author
                    logger.info("peer %s: message from %r ignored", peer_id, message.sender_id)
                    continue
                messages.append(message)
            if messages:
                router.dispatch(
                    await asyncio.to_thread(_receive_all, synchronizer, peer_id, messages)
                )
    finally:
        for task in (reader, writer, announcer):
            if task is None:
                continue
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if router.unregister(outbox):
            try:
                await asyncio.to_thread(synchronizer.peer_disconnected, peer_id)
            except asyncio.CancelledError:
                synchronizer.peer_disconnected(peer_id)
                raise
    return reason


def _receive_all(
    synchronizer: Synchronizer, peer_id: str, messages: list[Message]
) -> list[Message]:
    """The messages that waited, handled in one trip to a worker thread: a trip per message
    was a hand-over of the interpreter lock each way, which a busy node paid for in waiting."""
    out: list[Message] = []
    for message in messages:
        out += synchronizer.receive(peer_id, message)
    return out


async def _announce(batches: Iterator[list[Message]], router: Router, outbox: Outbox) -> None:
    """Send what we announce to the peer as the synchronizer prepares it, alongside the handling
    of the peer's messages. Waits while the outbox is long: thousands of announced documents
    must not fill it (it closes the connection when full) nor hold up the replies behind them."""
    while True:
        while outbox.queue.qsize() > ANNOUNCE_BACKLOG:
            await asyncio.sleep(0.02)
        try:
            batch = await asyncio.to_thread(next, batches, None)
        except Exception:
            logger.exception("announcing to peer %s failed", outbox.peer_id)
            return
        if batch is None:
            return
        router.dispatch(batch)


async def _read(receive: Receive, inbox: asyncio.Queue[bytes | None]) -> None:
    """Take frames off the socket while the synchronizer works through earlier ones. The
    WebSocket libraries stop reading once a few messages wait (websockets: 16, uvicorn: 32),
    and a keepalive ping behind them then goes unanswered: a peer announcing thousands of
    documents to a slower one was dropped every ~40 s (1011 / 1006) and started over. Up to
    MAX_BACKLOG frames wait here; past that, reading pauses again."""
    while True:
        try:
            frame = await receive()
        except Exception as exc:  # the transport's own failure: end the connection, as a close
            logger.info("receiving failed: %r", exc)
            frame = None
        await inbox.put(frame)
        if frame is None:
            return


async def _write(outbox: Outbox, send: Send, close: Close) -> None:
    while True:
        item = await outbox.queue.get()
        if isinstance(item, Shutdown):
            await _quietly(close(item.code, item.reason))
            return
        try:
            await send(encode_message(item))
        except Exception as exc:
            logger.debug("peer %s: send failed: %s", outbox.peer_id, exc)
            return


async def _quietly(action: Awaitable[None]) -> None:
    """Close and error messages go to a socket that may already be gone."""
    try:
        await action
    except Exception as exc:
        logger.debug("ignored while closing: %s", exc)


# ---------------------------------------------------------------------------------- client


def _no_report(state: str, reason: str | None) -> None:
    pass


async def connect_peer(
    url: str,
    synchronizer: Synchronizer,
    router: Router,
    *,
    peer_metadata: PeerMetadata | None = None,
    headers: dict[str, str] | None = None,
    on_state: OnState | None = None,
    credentials: Any = None,
    max_frame: int = DEFAULT_MAX_FRAME,
    open_timeout: float = 10.0,
    join_timeout: float = 30.0,
    on_connected: Callable[[PeerInfo], None] | None = None,
    proof: ClientProof | None = None,
) -> str:
    """Connect to a sync server, join, and sync until the socket closes; returns why it closed.

    `credentials` go into the server's PeerInfo, for the host to decide what the server may do.
    With `proof`, the server must prove its node key (and `proof.accept` must take it) before
    anything is synced, and this side proves its own.

    Raises Refused when the server answers `error`, ProtocolError for a bad handshake, and
    OSError / websockets errors / TimeoutError when the connection cannot be made.
    `on_connected(server)` runs on the event loop once the server has answered `peer` and the
    synchronizer knows it (so `synchronizer.request(server.peer_id, ...)` works from there).
    """
    report = on_state or _no_report
    report("connecting", None)
    metadata = peer_metadata or synchronizer.peer_metadata
    offer = proof.key.offer() if proof is not None else None
    if offer is not None:
        metadata = replace(metadata, proof=offer.to_map())
    async with connect(
        url, additional_headers=headers, max_size=max_frame, open_timeout=open_timeout
    ) as ws:

        async def receive() -> bytes | None:
            try:
                frame = await ws.recv()
            except websockets.ConnectionClosed:
                return None
            return frame if isinstance(frame, str) else bytes(frame)  # type: ignore[return-value]

        async def send(data: bytes) -> None:
            await ws.send(data)

        async def close(code: int, reason: str) -> None:
            await ws.close(code, reason)

        await ws.send(encode_message(Join(synchronizer.peer_id, metadata, (PROTOCOL_V1,))))
        frame = await asyncio.wait_for(receive(), join_timeout)
        if frame is None:
            raise ProtocolError(f"closed before the handshake ({ws.close_code} {ws.close_reason})")
        if isinstance(frame, str):
            raise ProtocolError("text frame during the handshake")
        answer = decode_message(frame, max_bytes=max_frame)
        if isinstance(answer, Error):
            raise Refused(answer.message)
        if not isinstance(answer, Peer):
            raise ProtocolError(f"expected peer, got {type(answer).__name__}")
        if proof is not None and offer is not None:
            signature = await _check_server(proof, synchronizer.peer_id, offer, answer)
            await ws.send(encode_message(Auth(synchronizer.peer_id, answer.sender_id, signature)))
        server = PeerInfo(answer.sender_id, answer.peer_metadata, credentials)

        def ready() -> None:
            report("connected", None)
            if on_connected is not None:
                on_connected(server)

        reason = await _run(
            server, receive, send, close, synchronizer, router, max_frame, ready, check_sender=False
        )
        if ws.close_code is not None:
            reason = f"{reason} ({ws.close_code} {ws.close_reason})".strip()
    report("disconnected", reason)
    return reason


async def _check_server(proof: ClientProof, client_peer: str, offer: Offer, answer: Peer) -> bytes:
    """The server's answer checked and accepted; the signature that proves our key back."""
    if answer.peer_metadata.proof is None:
        raise Refused("the server did not prove a node key (not a Mekaar node, or too old)")
    try:
        theirs = Offer.parse(answer.peer_metadata.proof, signed=True)
        check_answer(client_peer, answer.sender_id, offer, theirs)
    except ProofError as exc:
        raise Refused(f"the server's proof does not hold: {exc.reason}") from None
    await proof.accept(theirs.node)
    return proof.key.prove(client_peer, answer.sender_id, offer, theirs)


async def run_peer_forever(
    url: str,
    synchronizer: Synchronizer,
    router: Router,
    *,
    peer_metadata: PeerMetadata | None = None,
    headers: dict[str, str] | None = None,
    on_state: OnState | None = None,
    credentials: Any = None,
    max_frame: int = DEFAULT_MAX_FRAME,
    min_delay: float = 1.0,
    max_delay: float = 60.0,
    rng: random.Random | None = None,
    on_connected: Callable[[PeerInfo], None] | None = None,
    proof: ClientProof | None = None,
) -> None:
    """connect_peer again and again until cancelled, waiting between attempts with exponential
    backoff (min_delay doubling up to max_delay) and jitter, reset after a successful join."""
    report = on_state or _no_report
    jitter = rng or random.Random()
    attempt = 0
    while True:
        joined = False

        def seen(state: str, reason: str | None) -> None:
            nonlocal joined
            joined = joined or state == "connected"
            report(state, reason)

        try:
            await connect_peer(
                url,
                synchronizer,
                router,
                peer_metadata=peer_metadata,
                headers=headers,
                on_state=seen,
                credentials=credentials,
                max_frame=max_frame,
                on_connected=on_connected,
                proof=proof,
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            reason = exc.reason if isinstance(exc, Refused | ProtocolError) else repr(exc)
            report("disconnected", reason)
        attempt = 0 if joined else attempt + 1
        delay = min(max_delay, min_delay * 2 ** min(attempt, 30))
        await asyncio.sleep(jitter.uniform(delay / 2, delay))
