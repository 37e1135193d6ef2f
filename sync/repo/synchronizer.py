"""The automerge-repo sync behaviour for every document and peer, sans I/O: messages in, messages
out (each addressed by `target_id`, possibly to other peers than the sender).

Mirrors automerge-repo 2.5.6 `src/synchronizer/DocSynchronizer.ts` (one sync state per peer and
document; `request` instead of `sync` while we have nothing; peer document statuses "unknown",
"has", "wants", "unavailable"; `doc-unavailable` once no peer has the document) and
`CollectionSynchronizer.ts` (access checks, announce policy, sync states loaded for peers with a
storage id). Differences, all deliberate:

* relays happen at once, not throttled by 100 ms as the reference's `syncWithPeers`;
* a request for a document unknown here is not forwarded to other peers (the host's announce
  policy lists documents it has; the reference asks every peer its share policy allows);
* a peer's changes are dropped when the host refuses writes; the sync state is marked read-only
  so the reference peer, seeing the READ_ONLY flag, stops offering them;
* on connect, a document whose saved sync state shows the peer holds our heads is not announced
  (nor loaded, when the host knows its heads); announcements are prepared lazily (`add_peer`);
* the first message to a peer with a saved sync state carries the changes since the heads it
  shares with us, instead of waiting for its `need` (`_presume_saved_heads`).

Thread-safe: bookkeeping is under one internal lock, never held while calling the host; document
work is under `host.lock(document_id)`.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from sync.automerge import DecodeError, Document, SyncMessage, SyncState
from sync.automerge.bloom import BloomFilter
from sync.automerge.sync_protocol import Have, announcement

from .host import DocumentHost, PeerInfo
from .messages import (
    DocUnavailable,
    Ephemeral,
    Message,
    PeerMetadata,
    Request,
    Sync,
)

logger = logging.getLogger("sync.repo")

UNKNOWN, HAS, WANTS, UNAVAILABLE = "unknown", "has", "wants", "unavailable"
MAX_EPHEMERAL_SOURCES = 10_000
MAX_DOCS_PER_PEER = 100_000  # beyond this, what a peer was told is unavailable is forgotten
ANNOUNCE_BATCH = 64  # announcement messages handed over at once, at most
ANNOUNCE_SECONDS = 0.05  # or after this long preparing them, whichever comes first


@dataclass(slots=True)
class _DocPeer:
    """One (peer, document) pair: its sync state and what we know the peer holds."""

    state: SyncState
    status: str = UNKNOWN
    saved: list[bytes] | None = None  # shared heads as last persisted


@dataclass(slots=True)
class _Peer:
    info: PeerInfo
    docs: dict[str, _DocPeer] = field(default_factory=dict)
    last_received: float | None = None
    connected: bool = True


@dataclass(frozen=True, slots=True)
class PeerStatus:
    peer_id: str
    connected: bool
    documents: int  # being synced with that peer
    behind: int  # of those, how many the peer last showed other heads than ours
    last_received: float | None  # time.time() of the last message from the peer
    unavailable: tuple[str, ...] = ()  # documents the peer said it does not have


class Synchronizer:
    """One instance serves every connection of a node (or client)."""

    def __init__(
        self,
        host: DocumentHost,
        peer_id: str,
        storage_id: str | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.host = host
        self.peer_id = peer_id
        self.storage_id = storage_id
        self._clock = clock
        self._lock = threading.Lock()
        self._peers: dict[str, _Peer] = {}
        self._pending: dict[str, Document] = {}  # asked for, not held yet
        self._requested: dict[str, set[str]] = {}  # document -> peers we asked for it
        self._our_heads: dict[str, list[bytes]] = {}
        self._ephemeral_seen: OrderedDict[str, int] = OrderedDict()

    @property
    def peer_metadata(self) -> PeerMetadata:
        """How we present ourselves: without a storage id we keep nothing across restarts."""
        return PeerMetadata(self.storage_id, self.storage_id is None)

    # ------------------------------------------------------------------ peers

    def peer_connected(self, peer: PeerInfo) -> list[Message]:
        """Register the peer; returns sync (or request) messages for what we announce to it."""
        return [message for batch in self.add_peer(peer) for message in batch]

    def add_peer(self, peer: PeerInfo) -> Iterator[list[Message]]:
        """Register the peer now; returns the messages announcing our documents to it as an
        iterator of batches, each prepared when asked for (call `next` from a worker thread).

        A connection sends each batch as it comes and handles the peer's messages meanwhile, so
        the first documents travel while later ones are still being loaded (a node announcing
        thousands of documents used to prepare every message before sending one). The iterator
        ends early once the peer disconnects."""
        if self._connected(peer.peer_id) is not None:
            self.peer_disconnected(peer.peer_id)
        record = _Peer(peer)
        with self._lock:
            self._peers[peer.peer_id] = record
        return self._announcements(record)

    def _announcements(self, peer: _Peer) -> Iterator[list[Message]]:
        try:
            announced = list(self.host.announce_to(peer.info))
        except Exception:
            logger.exception("announce_to failed for peer %s", peer.info.peer_id)
            return
        batch: list[Message] = []
        started = time.monotonic()
        for document_id in announced:
            if not peer.connected:
                return
            batch.extend(self._begin(peer, document_id))
            if batch and (
                len(batch) >= ANNOUNCE_BATCH or time.monotonic() - started >= ANNOUNCE_SECONDS
            ):
                yield batch
                batch, started = [], time.monotonic()
        if batch:
            yield batch

    def peer_disconnected(self, peer_id: str) -> None:
        """Forget the peer; persist its sync states when it keeps them (storage id, not
        ephemeral), so a reconnect sends only what is missing."""
        with self._lock:
            peer = self._peers.pop(peer_id, None)
            if peer is None:
                return
            peer.connected = False
            for document_id in list(self._requested):
                self._requested[document_id].discard(peer_id)
                if not self._requested[document_id]:
                    del self._requested[document_id]
            docs = list(peer.docs.items())
        self._save_states(peer, docs)

    def save_sync_states(self) -> int:
        """Persist the sync states that moved since they were last saved, for every connected
        peer that keeps them; returns how many were written. Call it now and then, so that a
        node that is killed (not stopped) still sends a reconnecting peer only what it lacks."""
        with self._lock:
            peers = [(peer, list(peer.docs.items())) for peer in self._peers.values()]
        return sum(self._save_states(peer, docs) for peer, docs in peers)

    def _save_states(self, peer: _Peer, docs: list[tuple[str, _DocPeer]]) -> int:
        storage_id = peer.info.metadata.storage_id
        if not peer.info.keeps_sync_state or storage_id is None:
            return 0
        written = 0
        for document_id, entry in docs:
            try:
                with self.host.lock(document_id):
                    if entry.saved == entry.state.shared_heads:
                        continue
                    shared = list(entry.state.shared_heads)
                    data = entry.state.encode()
                self.host.save_sync_state(storage_id, document_id, data)
                entry.saved = shared
                written += 1
            except Exception:
                logger.exception(
                    "saving the sync state of %s for %s failed", peer.info.peer_id, document_id
                )
        return written

    def status(self, peer_id: str) -> PeerStatus:
        with self._lock:
            peer = self._peers.get(peer_id)
            if peer is None:
                return PeerStatus(peer_id, False, 0, 0, None)
            documents = tuple(d for d, e in peer.docs.items() if e.status != UNAVAILABLE)
            unavailable = tuple(d for d, e in peer.docs.items() if e.status == UNAVAILABLE)
            behind = sum(
                1 for d in documents if _known_to_have(peer.docs[d]) != self._our_heads.get(d, [])
            )
            return PeerStatus(
                peer_id, True, len(documents), behind, peer.last_received, unavailable
            )

    def reset_document(self, document_id: str) -> None:
        """Start every peer's sync of a document over, as with a peer never seen: the host
        replaced its history (an erasure's rebase), so the heads shared before mean nothing."""
        with self._lock:
            for peer in self._peers.values():
                entry = peer.docs.get(document_id)
                if entry is not None:
                    entry.state = SyncState(spare_filter=True)
                    entry.status = UNKNOWN
                    entry.saved = None
            self._pending.pop(document_id, None)
            self._our_heads.pop(document_id, None)

    # ------------------------------------------------------------------ local events

    def document_changed(self, document_id: str) -> list[Message]:
        """A local edit: sync messages for every peer syncing the document, or due to get it."""
        with self._lock:
            peers = [p for p in self._peers.values() if p.connected]
        announce = [
            p for p in peers if document_id not in p.docs and self._announces(p, document_id)
        ]
        out: list[Message] = []
        with self.host.lock(document_id):
            doc = self.host.open(document_id)
            if doc is None:
                return out
            with self._lock:
                self._pending.pop(document_id, None)
                syncing = [p for p in peers if document_id in p.docs]
            self._note_heads(document_id, doc)
            for peer in syncing + announce:
                out.extend(self._sync_one(peer, document_id, doc, have=True))
        return out

    def request(self, peer_id: str, document_id: str) -> list[Message]:
        """Start syncing a document with a peer, whether we hold it yet or not."""
        peer = self._connected(peer_id)
        if peer is None:
            return []
        with self._lock:
            self._requested.setdefault(document_id, set()).add(peer_id)
            entry = peer.docs.get(document_id)
            if entry is not None and entry.status == UNAVAILABLE:
                # asking again after "unavailable": start over, as a fresh find() would
                entry.state = SyncState(spare_filter=True)
                entry.status = UNKNOWN
        with self.host.lock(document_id):
            doc = self.host.open(document_id)
            have = doc is not None
            if doc is None:
                with self._lock:
                    doc = self._pending.setdefault(document_id, Document())
            return self._sync_one(peer, document_id, doc, have=have)

    # ------------------------------------------------------------------ messages from peers

    def receive(self, peer_id: str, message: Message) -> list[Message]:
        """Handle one message from a connected peer; never raises for bad content."""
        peer = self._connected(peer_id)
        if peer is None:
            logger.info("message from %s, which is not connected: ignored", peer_id)
            return []
        with self._lock:
            peer.last_received = self._clock()
        try:
            if isinstance(message, Sync | Request):
                return self._receive_sync(peer, message)
            if isinstance(message, DocUnavailable):
                return self._receive_unavailable(peer, message.document_id)
            if isinstance(message, Ephemeral):
                return self._receive_ephemeral(peer, message)
        except Exception:
            logger.exception(
                "peer %s, document %s: handling %s failed",
                peer_id,
                getattr(message, "document_id", "-"),
                type(message).__name__,
            )
            return []
        # remote-heads gossip is off, as in a Repo without enableRemoteHeadsGossiping
        logger.debug("peer %s: %s ignored", peer_id, type(message).__name__)
        return []

    def _receive_sync(self, peer: _Peer, message: Sync | Request) -> list[Message]:
        document_id = message.document_id
        if not self.host.may_access(peer.info, document_id):
            logger.info("peer %s, document %s: access refused", peer.info.peer_id, document_id)
            return [DocUnavailable(self.peer_id, peer.info.peer_id, document_id)]
        try:
            decoded = SyncMessage.decode(message.data)
        except DecodeError as exc:
            self._log_bad(peer, document_id, exc.reason)
            return []
        with self.host.lock(document_id):
            doc = self.host.open(document_id)
            have = doc is not None
            if doc is None:
                with self._lock:
                    asked = peer.info.peer_id in self._requested.get(document_id, ())
                if decoded.heads and not asked and not self.host.may_create(peer.info, document_id):
                    logger.info(
                        "peer %s, document %s: may not create it here",
                        peer.info.peer_id,
                        document_id,
                    )
                    return [DocUnavailable(self.peer_id, peer.info.peer_id, document_id)]
                with self._lock:
                    doc = self._pending.setdefault(document_id, Document())
                writable = True
            else:
                writable = self.host.may_write(peer.info, document_id)
            entry = self._entry(peer, document_id)
            if entry is None:
                return []
            if isinstance(message, Request):
                entry.status = WANTS
            if decoded.heads:
                entry.status = HAS
            data = message.data
            if not writable and decoded.changes:
                logger.warning(
                    "peer %s, document %s: %d change chunk(s) dropped, no write access",
                    peer.info.peer_id,
                    document_id,
                    len(decoded.changes),
                )
                data = dataclasses.replace(decoded, changes=[]).encode()
            entry.state.read_only = not writable
            heads_before = doc.get_heads()
            admit = self.host.admission(peer.info, document_id) if writable else None
            try:
                held = doc.receive_sync_message(entry.state, data, admit)
            except DecodeError as exc:
                self._log_bad(peer, document_id, exc.reason)
                return []
            if held:
                self.host.held(peer.info, document_id, held)
            changed = doc.get_heads() != heads_before
            became_known = False
            if changed:
                self.host.received(peer.info, document_id, doc, heads_before if have else [])
                if not have and self.host.open(document_id) is not None:
                    with self._lock:
                        self._pending.pop(document_id, None)
                    have = became_known = True
            if have:
                self._note_heads(document_id, doc)
            out: list[Message] = []
            reply = self._generate(peer, document_id, entry, doc, have)
            if reply is not None:
                out.append(reply)
            if changed:
                with self._lock:
                    others = [
                        p
                        for p in self._peers.values()
                        if p.connected and p is not peer and document_id in p.docs
                    ]
                for other in others:
                    out.extend(self._sync_one(other, document_id, doc, have=have))
            if became_known:
                with self._lock:
                    rest = [
                        p
                        for p in self._peers.values()
                        if p.connected and p is not peer and document_id not in p.docs
                    ]
                for other in rest:
                    if self._announces(other, document_id):
                        out.extend(self._sync_one(other, document_id, doc, have=True))
            out.extend(self._check_unavailable(document_id, have))
            return out

    def _receive_unavailable(self, peer: _Peer, document_id: str) -> list[Message]:
        with self.host.lock(document_id):
            with self._lock:
                entry = peer.docs.get(document_id)
                if entry is None:
                    return []
                entry.status = UNAVAILABLE
            have = self.host.open(document_id) is not None
            return self._check_unavailable(document_id, have)

    def _receive_ephemeral(self, peer: _Peer, message: Ephemeral) -> list[Message]:
        document_id = message.document_id
        if not self.host.may_access(peer.info, document_id):
            return [DocUnavailable(self.peer_id, peer.info.peer_id, document_id)]
        # NetworkSubsystem.ts: only a count above the last one seen from sender:session passes
        source = f"{message.sender_id}:{message.session_id}"
        with self._lock:
            last = self._ephemeral_seen.get(source)
            if last is not None and message.count <= last:
                return []
            self._ephemeral_seen[source] = message.count
            self._ephemeral_seen.move_to_end(source)
            while len(self._ephemeral_seen) > MAX_EPHEMERAL_SOURCES:
                self._ephemeral_seen.popitem(last=False)
            targets = [
                p.info.peer_id
                for p in self._peers.values()
                if p.connected
                and document_id in p.docs
                and p.info.peer_id not in (peer.info.peer_id, message.sender_id)
            ]
        return [dataclasses.replace(message, target_id=t) for t in targets]

    # ------------------------------------------------------------------ helpers

    def _connected(self, peer_id: str) -> _Peer | None:
        with self._lock:
            peer = self._peers.get(peer_id)
            return peer if peer is not None and peer.connected else None

    def _announces(self, peer: _Peer, document_id: str) -> bool:
        try:
            return any(d == document_id for d in self.host.announce_to(peer.info))
        except Exception:
            logger.exception("announce_to failed for peer %s", peer.info.peer_id)
            return False

    def _begin(self, peer: _Peer, document_id: str) -> list[Message]:
        """Start syncing a document we announce to the peer — unless the sync state saved for
        that peer shows it already holds our heads: then there is nothing to say, and the
        document is not even loaded when the host knows its heads without that. The entry
        stays, so a change on either side syncs as usual (the peer announces its own changes;
        ours go out through document_changed). To a peer new to the document, known heads are
        announced without a load too (sync_protocol.announcement): it is loaded once, when the
        peer answers."""
        with self.host.lock(document_id):
            heads = self.host.heads(document_id)
            doc = None
            if heads is None:
                doc = self.host.open(document_id)
                if doc is None:
                    return []
                heads = doc.get_heads()
            entry = self._entry(peer, document_id)
            if entry is None:
                return []
            state = entry.state
            fresh = state.their_heads is None and not state.have_responded
            if fresh and state.shared_heads and sorted(state.shared_heads) == heads:
                entry.status = HAS
                with self._lock:
                    self._our_heads[document_id] = heads
                return []
            if doc is None and (data := announcement(heads, state)) is not None:
                # a peer new to the document: our heads tell it, no load needed until it answers
                entry.status = HAS
                with self._lock:
                    self._our_heads[document_id] = heads
                return [Sync(self.peer_id, peer.info.peer_id, document_id, data)]
            if doc is None:
                doc = self.host.open(document_id)
            if doc is None:
                return []
            self._note_heads(document_id, doc)
            return self._sync_one(peer, document_id, doc, have=True)

    def _sync_one(
        self, peer: _Peer, document_id: str, doc: Document, *, have: bool
    ) -> list[Message]:
        entry = self._entry(peer, document_id)
        if entry is None:
            return []
        message = self._generate(peer, document_id, entry, doc, have)
        return [] if message is None else [message]

    def _entry(self, peer: _Peer, document_id: str) -> _DocPeer | None:
        """The (peer, document) record, its sync state loaded from the host for a peer that
        keeps sync states. Called under host.lock(document_id), so never created twice."""
        with self._lock:
            if not peer.connected:
                return None
            entry = peer.docs.get(document_id)
        if entry is not None:
            return entry
        state = SyncState()
        storage_id = peer.info.metadata.storage_id
        if peer.info.keeps_sync_state and storage_id is not None:
            saved = self.host.load_sync_state(storage_id, document_id)
            if saved is not None:
                try:
                    state = SyncState.decode(saved)
                except DecodeError as exc:
                    logger.warning(
                        "sync state of %s for %s unreadable (%s): starting afresh",
                        peer.info.peer_id,
                        document_id,
                        exc.reason,
                    )
        with self._lock:
            if not peer.connected:
                return None
            if len(peer.docs) >= MAX_DOCS_PER_PEER:
                # a peer asking for ever more unknown ids must not grow our memory without end
                for gone in [d for d, e in peer.docs.items() if e.status == UNAVAILABLE]:
                    del peer.docs[gone]
            loaded = list(state.shared_heads) if state.shared_heads else None
            state.spare_filter = True
            return peer.docs.setdefault(document_id, _DocPeer(state, saved=loaded))

    def _generate(
        self, peer: _Peer, document_id: str, entry: _DocPeer, doc: Document, have: bool
    ) -> Message | None:
        """DocSynchronizer.ts `#sendSyncMessage`."""
        if have:
            _presume_saved_heads(entry.state, doc)
        data = doc.generate_sync_message(entry.state)
        if data is None:
            return None
        is_new = not doc.get_heads()
        target = peer.info.peer_id
        if (
            not have
            and is_new
            and not entry.state.shared_heads
            and entry.status == UNKNOWN
            and not self._someone_has(document_id)
        ):
            return Request(self.peer_id, target, document_id, data)
        if not is_new:
            entry.status = HAS  # once we sent heads, the peer has (or will have) the document
        return Sync(self.peer_id, target, document_id, data)

    def _someone_has(self, document_id: str) -> bool:
        with self._lock:
            return any(
                (e := p.docs.get(document_id)) is not None and e.status == HAS
                for p in self._peers.values()
                if p.connected
            )

    def _check_unavailable(self, document_id: str, have: bool) -> list[Message]:
        """DocSynchronizer.ts `#checkDocUnavailable`: when we lack the document and every peer
        of it either lacks it or wants it, tell those who want it."""
        if have:
            return []
        out: list[Message] = []
        with self._lock:
            entries = [
                (p, e)
                for p in self._peers.values()
                if p.connected and (e := p.docs.get(document_id)) is not None
            ]
            if not entries or any(e.status not in (UNAVAILABLE, WANTS) for _, e in entries):
                return out
            for peer, entry in entries:
                if entry.status == WANTS:
                    entry.status = UNAVAILABLE
                    out.append(DocUnavailable(self.peer_id, peer.info.peer_id, document_id))
            self._pending.pop(document_id, None)
        return out

    def _note_heads(self, document_id: str, doc: Document) -> None:
        heads = doc.get_heads()
        with self._lock:
            self._our_heads[document_id] = heads

    def _log_bad(self, peer: _Peer, document_id: str, reason: str) -> None:
        logger.warning(
            "peer %s, document %s: bad sync message ignored: %s",
            peer.info.peer_id,
            document_id,
            reason,
        )


def _presume_saved_heads(state: SyncState, doc: Document) -> None:
    """Before the peer has said anything about the document on this connection, take the heads
    the saved sync state shares with it as all it has, so the first message carries the changes
    it lacks rather than only our heads.

    The reference waits for the peer's answer (its `need` and Bloom filter) and sends them in a
    third message, a fourth acknowledging: most of a reconnect's bytes for a small edit, and two
    round trips per document. Should the peer hold less than the saved state says (a restored
    backup), it queues what it cannot apply yet and asks for the rest in its answer, which
    replaces this presumption; should it hold more, a change goes twice. Either way it
    converges.

    When that first message carries changes it leaves out our Bloom filter, a good part of a
    small reconnect's bytes. The filter tells the peer which of its changes we lack; a node
    sends those in its own first message (this same presumption), and a peer that waits for
    our filter (the reference) learns what we lack from our answer to its heads instead, one
    round trip later, only when both sides changed the document meanwhile."""
    if state.their_have is not None or state.their_heads is not None or not state.shared_heads:
        return
    if doc.get_missing_deps(state.shared_heads):
        return  # the saved heads are not all here: let the peer say what it has
    state.their_have = [Have(list(state.shared_heads), BloomFilter())]
    state.their_need = []
    state.omit_have = True


def _known_to_have(entry: _DocPeer) -> list[bytes]:
    """The heads a peer last showed, or, before it said anything on this connection, those the
    saved sync state says it shared with us."""
    state = entry.state
    return state.their_heads if state.their_heads is not None else sorted(state.shared_heads)


def peers_of(messages: Iterable[Message]) -> set[str]:
    """The peers a batch of outgoing messages is addressed to (for tests and logs)."""
    return {m.target_id for m in messages if hasattr(m, "target_id")}
