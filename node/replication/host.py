"""The node as an automerge-repo document host: what a connected peer may read, write and bring,
and what happens to a document after a peer's change lands (stored now, projected soon).

Rights per connection come from how it was made (`Grant`): a node this one invited or dials reads
and writes every shared document and has every new one announced to it; a visitor without a token,
only when the host opened public read access, reads what it asks for by id and writes nothing.

Writing is further bounded by provenance (docs/trust.md §2): a change is applied only when a node
vouches for its actor; others are held (node/trust/held.py), and retried when a binding arrives.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from sync.automerge import ROOT, Document
from sync.automerge.change import Change
from sync.automerge.document import Admit
from sync.repo.host import PeerInfo

from ..documents.repository import DocumentRepository
from ..errors import NotFound
from ..trust.erasure import Erasures
from ..trust.held import HeldChanges
from ..trust.vouchers import Vouch, Vouchers
from .pending import PendingProjections
from .sync_states import SyncStateFiles

log = logging.getLogger("mekaar.replication")


@dataclass(frozen=True)
class Grant:
    """What one connection may do; the `credentials` of its PeerInfo."""

    peer_name: str
    write: bool
    announce: bool
    peer_row: int | None = None
    """The peers-table entry the token belongs to (None for public read access)."""
    proves_key: bool = False
    """A node: it must prove the key pinned for `peer_row` before anything is synced."""
    vouch_as: str | None = None
    """An app or relay whose new actors this node vouches for, as this local person."""


MAX_VOUCHED_PER_PEER = 20
"""New actors this node vouches for over one app or relay connection (per peer id)."""

NOT_VOUCHED = "geen node staat in voor de schrijver (actor) van deze wijziging"


def _grant(peer: PeerInfo) -> Grant | None:
    credentials = peer.credentials
    return credentials if isinstance(credentials, Grant) else None


class NodeHost:
    """sync.repo.host.DocumentHost over the node's document repository."""

    def __init__(
        self,
        documents: DocumentRepository,
        sync_states: SyncStateFiles,
        pending: PendingProjections,
        on_received: Callable[[str, str], None],
        vouchers: Vouchers | None = None,
        held: HeldChanges | None = None,
        vouch: Callable[[bytes, str], bool] | None = None,
        on_vouched: Callable[[str], None] | None = None,
        erasures: Erasures | None = None,
        retry_held: Callable[[], None] | None = None,
    ) -> None:
        self.documents = documents
        self.sync_states = sync_states
        self.pending = pending
        self.on_received = on_received
        """(document id, peer name): a peer's change is stored; project it (any thread)."""
        self.vouchers = vouchers
        self.held_changes = held
        self.vouch = vouch
        self._vouched_for: dict[str, int] = {}
        """(actor, person id): bind an app's new actor to a local person (any thread)."""
        self.on_vouched = on_vouched
        """New bindings arrived (in a catalog from a peer): retry the held changes."""
        self.erasures = erasures
        """Records of erased people and rewritten histories: what they rule out is refused."""
        self.retry_held = retry_held
        """Held changes were kept although a node vouches for them by now: retry them."""
        self._new: Counter[str] = Counter()
        self._new_lock = threading.Lock()

    def open(self, document_id: str) -> Document | None:
        try:
            doc = self.documents.open(document_id)
        except (NotFound, ValueError):
            return None
        if self.held_changes is not None and self.held_changes.has(document_id):
            # what sync must not ask for again, and what it must ask for to let them in later
            doc.hold(self.held_changes.hashes(document_id), self.held_changes.deps(document_id))
        return doc

    def heads(self, document_id: str) -> list[bytes] | None:
        return self.documents.known_heads(document_id)

    def lock(self, document_id: str) -> AbstractContextManager[Any]:
        return self.documents.lock(document_id)

    def may_access(self, peer: PeerInfo, document_id: str) -> bool:
        return _grant(peer) is not None

    def may_write(self, peer: PeerInfo, document_id: str) -> bool:
        grant = _grant(peer)
        return grant is not None and grant.write

    def may_create(self, peer: PeerInfo, document_id: str) -> bool:
        return self.may_write(peer, document_id)

    def announce_to(self, peer: PeerInfo) -> Iterable[str]:
        grant = _grant(peer)
        if grant is None or not grant.announce:
            return []
        ids = list(self.documents.store.ids())
        if self.vouchers is None:
            return ids
        # catalogs first: they carry the bindings the peer needs to apply everything else
        # at once, instead of holding it and retrying once the catalogs arrive
        first = [i for i in ids if self.vouchers.is_catalog(i)]
        return first + [i for i in ids if not self.vouchers.is_catalog(i)]

    def admission(self, peer: PeerInfo, document_id: str) -> Admit | None:
        if self.vouchers is None:
            return None
        grant = _grant(peer)
        vouch: Vouch | None = None
        if grant is not None and grant.vouch_as and self.vouch is not None:
            person, bind, peer_id = grant.vouch_as, self.vouch, peer.peer_id

            def vouch(actor: bytes) -> bool:
                count = self._vouched_for.get(peer_id, 0)
                if count >= MAX_VOUCHED_PER_PEER:  # an app has a handful of devices, not more
                    log.warning("peer %s: no more new actors vouched for", peer_id)
                    return False
                self._vouched_for[peer_id] = count + 1
                return bind(actor, person)

        vouched = self.vouchers.admit_for(document_id, vouch)
        return vouched if self.erasures is None else self.erasures.guard(document_id, vouched)

    def held(self, peer: PeerInfo, document_id: str, changes: list[Change]) -> None:
        grant = _grant(peer)
        name = grant.peer_name if grant else peer.peer_id
        if self.held_changes is None:
            return
        if self.erasures is not None:
            try:
                doc = self.documents.open(document_id)
            except (NotFound, ValueError):
                doc = Document()
            current = self.erasures.current(document_id, doc, changes)
            if len(current) < len(changes):
                log.info(
                    "document %s from %s: %d change(s) of a replaced history or an erased "
                    "person refused, not kept",
                    document_id,
                    name,
                    len(changes) - len(current),
                )
            changes = current
            if not changes:
                return
        new = self.held_changes.keep(document_id, changes, name, NOT_VOUCHED)
        if (
            self.retry_held is not None
            and self.vouchers is not None
            and any(self.vouchers.binding(c.actor) is not None for c in changes)
        ):
            # the binding arrived (another thread, another peer's catalog) between judging these
            # changes and keeping them: the retry it caused found nothing held yet
            self.retry_held()
        if new:
            actors = sorted({c.actor.hex()[:8] for c in changes})
            log.warning(
                "document %s from %s: %d change(s) held, no node vouches for actor(s) %s",
                document_id,
                name,
                new,
                ", ".join(actors),
            )

    def received(
        self, peer: PeerInfo, document_id: str, doc: Document, heads_before: list[bytes]
    ) -> None:
        grant = _grant(peer)
        name = grant.peer_name if grant else peer.peer_id
        self.pending.mark(document_id, name)  # before storing: a crash in between loses nothing
        if heads_before:
            self.documents.persist_received(document_id, doc)
        else:
            self.documents.adopt(document_id, doc, from_peer=True)
            log.debug("new document %s from %s", document_id, name)
            with self._new_lock:
                self._new[name] += 1
        learned = (
            self.vouchers is not None
            and doc.get(ROOT, "type") == "catalog"
            and self.vouchers.learn_catalog(document_id, doc.to_py())
        )
        if learned and self.on_vouched is not None:
            self.on_vouched(document_id)
        self.on_received(document_id, name)

    def new_documents(self) -> dict[str, int]:
        """How many documents each peer brought that were new here, since the last call: the
        replicator logs that once per round rather than a line per document (thousands of
        lines, and each one cost a first replication as much as projecting the document)."""
        with self._new_lock:
            counts, self._new = dict(self._new), Counter()
        return counts

    def load_sync_state(self, storage_id: str, document_id: str) -> bytes | None:
        return self.sync_states.load(storage_id, document_id)

    def save_sync_state(self, storage_id: str, document_id: str, data: bytes) -> None:
        self.sync_states.save(storage_id, document_id, data)
