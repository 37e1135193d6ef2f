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

from sync.repo.connection import Refused, Router, run_peer_forever, serve_peer
from sync.repo.host import PeerInfo
from sync.repo.messages import Join, PeerMetadata
from sync.repo.synchronizer import Synchronizer

from ..errors import NotFound
from ..peers import service as peers
from ..projection import project
from .admission import admit
from .catalog import ensure_catalog
from .host import Grant, NodeHost
from .pending import PendingProjections
from .sync_states import SyncStateFiles

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.replication")
STATUS_FILE = "replication-status.json"
SAVE_STATES_EVERY = 30.0  # seconds; what a killed node may have to re-learn from its peers
STATUS_EVERY = 2.0  # seconds between refreshes of the status file
PROJECT_BATCH = 100  # documents projected in one transaction


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
        self.host = NodeHost(
            node.documents,
            SyncStateFiles(node.settings.data_path / "sync-states"),
            PendingProjections(node.settings.data_path / "pending-projection"),
            self._received,
        )
        self.peer_id = f"mekaar-{node.identity.node_id}"
        self.storage_id = storage_id_of(node.identity.node_id)
        self.synchronizer = Synchronizer(self.host, self.peer_id, self.storage_id)
        self.router = Router()
        self.states: dict[str, PeerState] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._to_project: dict[str, str] = {}
        self._to_announce: set[str] = set()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._written: list[dict[str, Any]] | None = None  # the status rows last written

    # ------------------------------------------------------------------ life cycle

    async def start(self, *, dial: bool = True) -> None:
        """Serve peers from now on; with `dial`, also connect to every peer added to dial."""
        self._loop = asyncio.get_running_loop()
        catalog = await asyncio.to_thread(ensure_catalog, self.node)
        async with self.node.sessions() as session:
            await project(session, catalog)
            await session.commit()
        self.node.documents.listeners.append(self._changed_here)
        # what a peer sent before the last stop (or crash) but was never projected
        self._to_project.update(await asyncio.to_thread(self.host.pending.all))
        self._tasks.append(asyncio.create_task(self._work(), name="replication-work"))
        self._tasks.append(asyncio.create_task(self._keep_states(), name="replication-states"))
        self._wake.set()
        if dial:
            async with self.node.sessions() as session:
                outbound = await peers.outbound(session)
            for peer, token in outbound:
                self.dial(peer.name, peer.url or "", token)
        self._write_status()

    def dial(self, name: str, url: str, token: str) -> None:
        state = self.states[name] = PeerState(name, peers.OUTBOUND, url)
        grant = Grant(name, write=True, announce=True)

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
                ),
                name=f"replication-peer-{name}",
            )
        )

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
        state = self.states.get(name) if grant else None

        def authenticate(join: Join) -> Grant:
            nonlocal state
            if grant is None:
                raise Refused("onbekende node: vraag de beheerder om een uitnodiging (token)")
            if self._taken_by_another(join.sender_id, name):
                raise Refused("deze peer-id is al verbonden voor een andere node")
            if state is None or state.direction != peers.INBOUND or not grant.announce:
                state = self.states.setdefault(name, PeerState(name, peers.INBOUND))
            state.connected, state.since, state.peer_id = True, _now(), join.sender_id
            self._write_status()
            return grant

        try:
            await serve_peer(receive, send, close, self.synchronizer, self.router, authenticate)
        finally:
            if state is not None and grant is not None:
                state.connected = False
                self._write_status()

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
                return Grant(peer.name, write=True, announce=True)
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
        while self._to_project or self._to_announce:
            project_now, self._to_project = self._to_project, {}
            announce, self._to_announce = self._to_announce, set()
            batch = list(project_now.items())
            for start in range(0, len(batch), PROJECT_BATCH):
                await self._project(batch[start : start + PROJECT_BATCH])
            announce.update(project_now)  # relay to the other peers
            for document_id in announce:
                messages = await asyncio.to_thread(self.synchronizer.document_changed, document_id)
                self.router.dispatch(messages)
            self._write_status()

    async def _project(self, batch: list[tuple[str, str]]) -> None:
        """Project (or quarantine) documents peers changed, in one transaction."""

        def read() -> list[dict[str, Any] | None]:
            contents: list[dict[str, Any] | None] = []
            for document_id, _peer in batch:
                try:
                    doc = self.node.documents.open(document_id)
                except NotFound:
                    contents.append(None)
                    continue
                with self.node.documents.lock(document_id):
                    contents.append(doc.to_py())
            return contents

        contents = await asyncio.to_thread(read)
        async with self.node.sessions() as session:
            for (document_id, peer_name), content in zip(batch, contents, strict=True):
                if content is None:
                    continue
                reason = await admit(session, document_id, content, peer_name)
                if reason is not None:
                    log.warning(
                        "document %s from %s quarantined: %s", document_id, peer_name, reason
                    )
            await session.commit()

        def clear() -> None:
            for document_id, _peer in batch:
                if document_id not in self._to_project:  # not changed again meanwhile
                    self.host.pending.done(document_id)

        await asyncio.to_thread(clear)
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
        rows = [{k: v for k, v in asdict(s).items() if k != "peer_id"} for s in self.status()]
        if rows == self._written and path.exists():
            return
        self._written = rows
        tmp = path.with_suffix(".tmp")
        with contextlib.suppress(OSError):
            tmp.write_text(json.dumps({"at": _now(), "peers": rows}, indent=2) + "\n")
            tmp.replace(path)
