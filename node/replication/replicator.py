"""The node's replication at run time: one synchronizer for every connection, the connections this
node dials (with backoff), the /sync connections peers make, and the projector that brings what
peers send into the SQL projection — or into quarantine when it breaks its schema.

Threads: the engine and the document store are synchronous, so synchronizer calls run in worker
threads; everything else runs on the event loop. A local edit (repository listener, any thread) and
a peer's change (host callback, a worker thread) are handed to the loop and coalesced per document,
so a peer that delivers a thousand changes to one document causes one projection.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from sync.automerge import DecodeError, Document
from sync.repo.connection import (
    ClientProof,
    Refused,
    Router,
    ServerProof,
    run_peer_forever,
    serve_peer,
)
from sync.repo.host import PeerInfo
from sync.repo.messages import Join, PeerMetadata
from sync.repo.proof import NodeKey
from sync.repo.synchronizer import Synchronizer

from ..accounts.models import Account
from ..errors import Invalid, NotFound
from ..peers import service as peers
from ..projection import project
from ..projection.catalog_id import catalog_id_of
from ..projection.models import VillageRow
from ..trust.held import HeldChanges
from .admission import Arrival, admit_all
from .catalog import bind_actor, bind_actors, ensure_catalog
from .erasing import apply_erasures
from .host import NOT_VOUCHED, Grant, NodeHost
from .pending import PendingProjections
from .sync_states import SyncStateFiles

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.replication")
STATUS_FILE = "replication-status.json"
SAVE_STATES_EVERY = 30.0  # seconds; what a killed node may have to re-learn from its peers
STATUS_EVERY = 2.0  # seconds between refreshes of the status file
PROJECT_BATCH = 100  # documents projected in one transaction
PROJECT_GATHER = 0.05  # seconds a short batch waits for more arrivals before it is projected
HELD_PEER = "vastgehouden"  # the "peer" of held changes applied later, for projection and logs


@dataclass
class PeerState:
    """What the host sees per peer (status page, `mekaar peer status`, JSON)."""

    name: str
    direction: str
    url: str | None = None
    connected: bool = False
    since: str | None = None
    last_sync: str | None = None
    last_error: str | None = None
    documents: int = 0
    behind: int = 0
    peer_id: str | None = field(default=None, repr=False)
    connection: int = field(default=0, repr=False)
    """Which of the peer's connections set `connected` (a refused or replaced one must not
    clear it)."""


INTERNAL = {"peer_id", "connection"}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def storage_id_of(node_id: str) -> str:
    """A stable automerge-repo storage id for this node (a UUID string, as the reference keeps),
    so peers can keep our sync states across reconnects."""
    return str(
        uuid.UUID(bytes=hashlib.sha256(b"mekaar-storage\0" + node_id.encode()).digest()[:16])
    )


class Replicator:
    def __init__(self, node: Node) -> None:
        self.node = node
        self.vouchers = node.vouchers
        self.held = HeldChanges(node.settings.data_path / "held")
        self.host = NodeHost(
            node.documents,
            SyncStateFiles(node.settings.data_path / "sync-states"),
            PendingProjections(node.settings.data_path / "pending-projection"),
            self._received,
            self.vouchers,
            self.held,
            self._vouch,
            self._vouched,
            node.erasures,
            self._ask_retry_held,
        )
        self.node_key = NodeKey(node.identity.signing_key)
        self.peer_id = f"mekaar-{node.identity.node_id}"
        self.storage_id = storage_id_of(node.identity.node_id)
        self.synchronizer = Synchronizer(self.host, self.peer_id, self.storage_id)
        self.router = Router()
        self.states: dict[str, PeerState] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._to_project: dict[str, str] = {}
        self._to_announce: set[str] = set()
        self._retry_held = False
        self._settle = True  # erasure records: read at start, then whenever a catalog changed
        self._erasing = asyncio.Lock()  # one settle at a time: two would rebase a document twice
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._written: list[dict[str, Any]] | None = None  # the status rows last written
        self._connections = 0  # inbound connections so far, to tell them apart

    # ------------------------------------------------------------------ life cycle

    async def start(self, *, dial: bool = True) -> None:
        """Serve peers from now on; with `dial`, also connect to every peer added to dial."""
        self._loop = asyncio.get_running_loop()
        catalog = await asyncio.to_thread(ensure_catalog, self.node)
        async with self.node.sessions() as session:
            await project(session, catalog)
            await session.commit()
        await self._learn_bindings()
        self.node.documents.listeners.append(self._changed_here)
        # what a peer sent before the last stop (or crash) but was never projected
        self._to_project.update(await asyncio.to_thread(self.host.pending.all))
        self._retry_held = bool(self.held.documents())
        self._tasks.append(asyncio.create_task(self._work(), name="replication-work"))
        self._tasks.append(asyncio.create_task(self._keep_states(), name="replication-states"))
        self._wake.set()
        if dial:
            async with self.node.sessions() as session:
                outbound = await peers.outbound(session)
            for peer, token in outbound:
                self.dial(peer, token)
        self._write_status()

    def dial(self, peer: peers.Peer, token: str) -> None:
        name, url = peer.name, peer.url or ""
        state = self.states[name] = PeerState(name, peers.OUTBOUND, url)
        grant = Grant(name, write=True, announce=True, peer_row=peer.id, vouch_as=peer.person_id)
        proof = None
        if peer.proves_key:

            async def accept(node_id: str) -> None:
                await self._pin(peer.id, name, node_id)

            proof = ClientProof(self.node_key, accept)

        def on_connected(server: PeerInfo) -> None:
            state.peer_id = server.peer_id
            self._tasks.append(asyncio.create_task(self._ask_for_followed(server.peer_id)))

        def on_state(what: str, reason: str | None = None) -> None:
            state.connected = what == "connected"
            if state.connected:
                state.since = _now()
                state.last_error = None
            elif reason:
                state.last_error = reason
            self._write_status()

        self._tasks.append(
            asyncio.create_task(
                run_peer_forever(
                    url,
                    self.synchronizer,
                    self.router,
                    peer_metadata=PeerMetadata(storage_id=self.storage_id, is_ephemeral=False),
                    headers={"Authorization": f"Bearer {token}"},
                    credentials=grant,
                    on_state=on_state,
                    on_connected=on_connected,
                    proof=proof,
                ),
                name=f"replication-peer-{name}",
            )
        )

    # ------------------------------------------------------------------ provenance

    async def _learn_bindings(self) -> None:
        """Vouch for every resident's actor (accounts made before bindings existed, or while the
        catalog could not be written), then learn the bindings of every catalog held here: the
        projected ones, our peers', and any that arrived but were not projected before a crash
        (the pending markers name them)."""
        async with self.node.sessions() as session:
            residents = [
                (actor, person)
                for actor, person in await session.execute(select(Account.actor, Account.person_id))
            ]
            catalogs = set(await session.scalars(select(VillageRow.catalog_id)))
            catalogs |= {catalog_id_of(p.node_id) for p in await peers.peers(session) if p.node_id}
        catalogs.add(catalog_id_of(self.node.identity.node_id))

        def learn() -> int:
            bind_actors(self.node, residents)
            return sum(
                self.node.rights.learn_catalog(document_id)
                for document_id in catalogs | set(self.host.pending.all())
            )

        known = await asyncio.to_thread(learn)
        log.info("%d actor binding(s) known from the catalogs held here", known)

    def _vouch(self, actor: bytes, person_id: str) -> bool:
        """An app or relay connection brings a new actor: this node vouches for it as the
        person the host bound the connection to. A worker thread, under another document's
        lock (never the catalog's: apps cannot write catalogs)."""
        bind_actor(self.node, actor, person_id)  # learned here at once, no need to read it back
        own = catalog_id_of(self.node.identity.node_id)
        log.info("actor %s vouched for as %s", actor.hex()[:8], person_id)
        self._vouched(own)  # what was held for this actor may go through now
        return self.vouchers.binding(actor) is not None

    def _vouched(self, catalog_id: str) -> None:
        """New bindings arrived with a catalog (a worker thread): views judged without them are
        stale, and what is held may go through now."""
        self.node.rights.remember_catalog(catalog_id)
        self.node.rights.forget()
        self._ask_retry_held()

    def _ask_retry_held(self) -> None:
        """Held changes may go through now (any thread): retried in the replication loop."""
        self._hand_over(lambda: setattr(self, "_retry_held", True))

    def _release_held(self) -> list[str]:
        """Apply held changes a node now vouches for; returns the documents that changed.
        Blocking."""
        changed: list[str] = []
        for document_id in self.held.documents():
            stored = self.held.load(document_id)
            if not stored:
                continue
            admit = self.node.erasures.guard(document_id, self.vouchers.admit_for(document_id))
            with self.node.documents.lock(document_id):
                doc = self.host.open(document_id)
                fresh = doc is None
                if doc is None:
                    doc = Document()
                    doc.hold(h for h, _ in stored)
                before = doc.get_heads()
                try:
                    still_held = doc.apply_changes([data for _, data in stored], admit)
                except DecodeError as exc:
                    log.warning("held changes of %s unreadable, dropped: %s", document_id, exc)
                    self.held.drop(document_id, [h for h, _ in stored])
                    continue
                applied = [h for h, _ in stored if doc.get_change_by_hash(h) is not None]
                kept = {h for h, _ in stored}
                waiting = [c for c in still_held if c.hash not in kept]  # they built on one
                if waiting:
                    self.held.keep(document_id, waiting, HELD_PEER, NOT_VOUCHED)
                if doc.get_heads() != before:
                    self.host.pending.mark(document_id, HELD_PEER)
                    if fresh:
                        self.node.documents.adopt(document_id, doc)
                    else:
                        self.node.documents.persist_received(document_id, doc)
                    changed.append(document_id)
                self.held.drop(document_id, applied)
            if applied:
                log.info("document %s: %d held change(s) applied", document_id, len(applied))
        return changed

    async def _ask_for_followed(self, peer_id: str) -> None:
        """Documents the host follows (`mekaar follow`) that a peer may have but not announce."""
        async with self.node.sessions() as session:
            wanted = await peers.followed(session)
        for document_id in wanted:
            messages = await asyncio.to_thread(self.synchronizer.request, peer_id, document_id)
            self.router.dispatch(messages)

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.node.documents.listeners.remove(self._changed_here)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self._drain()  # what arrived before the stop is projected
        await asyncio.to_thread(self._save_states)
        self.host.pending.close()

    # ------------------------------------------------------------------ inbound connections

    async def serve(
        self,
        receive: Callable[[], Awaitable[bytes | None]],
        send: Callable[[bytes], Awaitable[None]],
        close: Callable[[int, str], Awaitable[None]],
        grant: Grant | None,
    ) -> None:
        """One peer's /sync connection, until it closes. Without a grant the peer is told why
        and disconnected."""
        name = grant.peer_name if grant else "?"
        state: PeerState | None = None
        peer_id = ""
        self._connections += 1
        mine = self._connections

        def connected() -> None:
            nonlocal state
            state = self.states.get(name)
            if state is None or state.direction != peers.INBOUND or not grant or not grant.announce:
                state = self.states.setdefault(name, PeerState(name, peers.INBOUND))
            state.connected, state.since, state.peer_id = True, _now(), peer_id
            state.connection, state.last_error = mine, None
            self._write_status()

        def authenticate(join: Join) -> Grant:
            nonlocal peer_id
            if grant is None:
                raise Refused("onbekende node: vraag de beheerder om een uitnodiging (token)")
            if self._taken_by_another(join.sender_id, name):
                raise Refused("deze peer-id is al verbonden voor een andere node")
            peer_id = join.sender_id
            if not grant.proves_key:
                connected()
            return grant

        async def accept(credentials: Any, node_id: str) -> Grant:
            if grant is None or grant.peer_row is None:
                raise Refused("geen buur-node om een sleutel voor vast te zetten")
            try:
                await self._pin(grant.peer_row, name, node_id)
            except Refused as exc:
                if name in self.states:
                    self.states[name].last_error = exc.reason
                    self._write_status()
                raise
            connected()
            return grant

        proof = ServerProof(
            self.node_key, accept, lambda credentials: bool(grant and grant.proves_key)
        )
        try:
            await serve_peer(
                receive, send, close, self.synchronizer, self.router, authenticate, proof=proof
            )
        finally:
            if state is not None and state.connection == mine:
                state.connected = False
                self._write_status()

    async def _pin(self, peer_row: int, name: str, node_id: str) -> None:
        """A peer proved `node_id`: pinned on first use, else it must be the pinned key."""
        if node_id == self.node.identity.node_id:
            raise Refused("dat is deze node zelf")
        try:
            async with self.node.sessions() as session:
                pinned = await peers.pin(session, peer_row, node_id)
                await session.commit()
        except peers.PinMismatch as exc:
            log.warning("peer %s refused: %s", name, exc)
            raise Refused(str(exc)) from None
        except NotFound:
            raise Refused(f"buur-node {name} is weggehaald") from None
        except Invalid as exc:
            raise Refused(exc.message) from None
        if pinned:
            log.info("peer %s: key %s pinned on first use", name, node_id)

    def _taken_by_another(self, peer_id: str, name: str) -> bool:
        """Whether a live connection of another peer uses `peer_id`. A second join with a peer
        id replaces the first connection and gets its messages, which only the same peer (the
        same token) may do: a peer that lost its socket reconnecting. Any thread."""
        return any(
            s.connected and s.peer_id == peer_id and s.name != name
            for s in list(self.states.values())
        )

    async def grant_for(self, token: str | None) -> Grant | None:
        """The rights a /sync connection gets for the token it presents."""
        if token:
            async with self.node.sessions() as session:
                peer = await peers.authenticate(session, token)
            if peer is not None:
                return Grant(
                    peer.name,
                    write=True,
                    announce=True,
                    peer_row=peer.id,
                    proves_key=peer.proves_key,
                    vouch_as=peer.person_id,
                )
        if self.node.settings.public_sync:
            return Grant("publiek", write=False, announce=False)
        return None

    # ------------------------------------------------------------------ changes

    def _changed_here(self, document_id: str) -> None:
        """Repository listener (any thread): a local edit to send on."""
        self._hand_over(lambda: self._to_announce.add(document_id))

    def _received(self, document_id: str, peer_name: str) -> None:
        """Host callback (a worker thread): a peer's change is stored; project it, pass it on."""
        self._hand_over(lambda: self._to_project.setdefault(document_id, peer_name))

    def _hand_over(self, note: Callable[[], object]) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return

        def on_loop() -> None:
            note()
            self._wake.set()

        loop.call_soon_threadsafe(on_loop)

    async def _keep_states(self) -> None:
        """Now and then: sync states to disk, and the status for `mekaar peer status` (which
        also moves when the last acknowledgements of a round arrive without a new change)."""
        waited = 0.0
        while True:
            await asyncio.sleep(STATUS_EVERY)
            waited += STATUS_EVERY
            self._write_status()
            if waited >= SAVE_STATES_EVERY:
                waited = 0.0
                try:
                    await asyncio.to_thread(self._save_states)
                except Exception:
                    log.exception("saving sync states failed")

    def _save_states(self) -> None:
        """The sync states, then the heads index: together they let a restarted node skip the
        documents its peers already hold without loading them (either one stale only costs
        loads)."""
        self.synchronizer.save_sync_states()
        if self.node.documents.heads is not None:
            self.node.documents.heads.save()

    async def _work(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self._drain()
            except Exception:  # never let one bad document stop replication
                log.exception("replication work failed")

    async def _drain(self) -> None:
        if self._retry_held:
            self._retry_held = False
            for document_id in await asyncio.to_thread(self._release_held):
                self._to_project.setdefault(document_id, HELD_PEER)
        while self._to_project or self._to_announce or self._settle:
            if self._settle:
                self._settle = False
                await self._apply_erasures()
            if 0 < len(self._to_project) < PROJECT_BATCH:
                # documents from a peer come one message at a time; projected as they come,
                # each would cost a transaction and a statement per table (most of taking in
                # a document), where a batch costs those once
                await asyncio.sleep(PROJECT_GATHER)
            project_now, self._to_project = self._to_project, {}
            announce, self._to_announce = self._to_announce, set()
            replays = self.node.erasures.replays
            if any(self.vouchers.is_catalog(d) or d in replays for d in (*project_now, *announce)):
                self._settle = True  # after this round: the catalog may bring records
            batch = list(project_now.items())
            for start in range(0, len(batch), PROJECT_BATCH):
                await self._project_or_each(batch[start : start + PROJECT_BATCH])
            for peer_name, count in self.host.new_documents().items():
                log.info("%d new document(s) from %s", count, peer_name)
            announce.update(project_now)  # relay to the other peers
            for document_id in announce:
                messages = await asyncio.to_thread(self.synchronizer.document_changed, document_id)
                self.router.dispatch(messages)
            self._write_status()

    async def erase_now(self) -> None:
        """Apply the erasure records now (a resident was just erased here): their own documents
        are rewritten before the page that erased them answers."""
        await self._apply_erasures()
        self._wake.set()

    async def _apply_erasures(self) -> None:
        """Erasure and rebase records (docs/trust.md §4): new histories are told to every peer;
        a document whose new history is elsewhere is asked for again."""
        async with self._erasing:
            result = await apply_erasures(
                self.node, self.held, self.host.sync_states, self.synchronizer.reset_document
            )
        for document_id in result.changed:
            self._to_announce.add(document_id)
        for document_id in result.wanted:
            for state in list(self.states.values()):
                if state.connected and state.peer_id is not None:
                    messages = await asyncio.to_thread(
                        self.synchronizer.request, state.peer_id, document_id
                    )
                    self.router.dispatch(messages)

    async def _project_or_each(self, batch: list[tuple[str, str]]) -> None:
        """A batch in one transaction; should that fail, each document in its own, so that one
        that cannot be projected neither holds the others back nor keeps them from being passed
        on to the other peers (its pending marker stays: it is tried again at the next start)."""
        try:
            await self._project(batch)
        except Exception:
            if len(batch) == 1:
                log.exception("document %s could not be projected", batch[0][0])
                return
            log.exception("a batch of %d documents failed; projecting them one by one", len(batch))
            for item in batch:
                await self._project_or_each([item])

    async def _project(self, batch: list[tuple[str, str]]) -> None:
        """Project (or quarantine) documents peers changed, in one transaction."""

        read_at: dict[str, list[bytes]] = {}

        def read() -> list[dict[str, Any] | None]:
            contents: list[dict[str, Any] | None] = []
            for document_id, _peer in batch:
                try:
                    doc = self.node.documents.open(document_id)
                except NotFound:
                    contents.append(None)
                    continue
                with self.node.documents.lock(document_id):
                    contents.append(self.node.documents.content(document_id, doc, shared=True))
                    read_at[document_id] = doc.get_heads()
            return contents

        contents = await asyncio.to_thread(read)
        arrivals = [
            Arrival(document_id, content, peer_name)
            for (document_id, peer_name), content in zip(batch, contents, strict=True)
            if content is not None
        ]
        async with self.node.sessions() as session:
            reasons = await admit_all(session, arrivals)
            await session.commit()
        for arrival in arrivals:
            if arrival.document_id in reasons:
                log.warning(
                    "document %s from %s quarantined: %s",
                    arrival.document_id,
                    arrival.source,
                    reasons[arrival.document_id],
                )

        def clear() -> list[tuple[str, str]]:
            """Markers of what is projected now; returns the documents a resident changed here
            while they were read and written (their rows may be older than a page's edit that
            committed in between: projected once more)."""
            again = []
            for document_id, peer in batch:
                now_at = self.node.documents.known_heads(document_id)
                if now_at is not None and now_at != read_at.get(document_id, now_at):
                    again.append((document_id, peer))
                elif document_id not in self._to_project:  # not changed again meanwhile
                    self.host.pending.done(document_id)
            return again

        for document_id, peer in await asyncio.to_thread(clear):
            self._to_project.setdefault(document_id, peer)
        now = _now()
        for peer_name in {peer for _doc, peer in batch}:
            if peer_name in self.states:
                self.states[peer_name].last_sync = now

    # ------------------------------------------------------------------ status

    def status(self) -> list[PeerState]:
        for state in self.states.values():
            if state.peer_id is not None:
                with contextlib.suppress(Exception):
                    found = self.synchronizer.status(state.peer_id)
                    state.documents, state.behind = found.documents, found.behind
        return sorted(self.states.values(), key=lambda s: s.name)

    def _write_status(self) -> None:
        """For `mekaar peer status`, which runs in another process. Written only when something
        changed: an idle node must not rewrite a file every few seconds (SD cards wear)."""
        path: Path = self.node.settings.data_path / STATUS_FILE
        rows = [{k: v for k, v in asdict(s).items() if k not in INTERNAL} for s in self.status()]
        if rows == self._written and path.exists():
            return
        self._written = rows
        tmp = path.with_suffix(".tmp")
        with contextlib.suppress(OSError):
            tmp.write_text(json.dumps({"at": _now(), "peers": rows}, indent=2) + "\n")
            tmp.replace(path)
