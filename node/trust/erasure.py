"""Erasure across nodes (docs/trust.md §4): the records in force, and bringing this node's stored
documents in line with them.

`settle` is the one routine every node runs (the replicator whenever a catalog changed, a CLI
command after erasing a resident). It reads the erasure and rebase records of every catalog held
here, and:

1. for each erasure (by the person's home node), rewrites the documents *this* node is the home
   of that hold the person's ops or id (node/trust/rebase.py), and publishes one rebase record
   per document in its own catalog, with an acknowledgement `erased/<person>`;
2. for each rebase (by the document's home node), replaces the stored history with the new one:
   the root change and what was written on top of it, when the root is here; otherwise the old
   bytes are dropped and the document comes back through sync. Held changes and sync states of
   the document go with the old history, caches are cleared.

From then on `Erasures.admits` refuses changes of an older history (a change without
dependencies that is not the root: everything of the old history builds on one) and changes by
the erased person's actors, so a peer still holding the old history cannot bring it back.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sync.automerge import ROOT, Document, ObjId, ObjType
from sync.automerge.change import Change
from sync.automerge.document import Admit
from sync.automerge.transaction import Transaction

from ..documents.repository import Author
from ..errors import NotFound
from ..projection.catalog_id import catalog_id_of
from .bindings import Binding
from .rebase import erased_content, fresh_document
from .records import (
    Erasure,
    Rebase,
    RecordError,
    make_erasure,
    make_rebase,
    parse_erasure,
    parse_rebase,
)
from .replay import Replay, replay_edit, replays_for

if TYPE_CHECKING:
    from ..replication.sync_states import SyncStateFiles
    from ..runtime import Node
    from .held import HeldChanges

log = logging.getLogger("mekaar.trust")
REBASE_MESSAGE = "Herschreven na het wissen van een bewoner"


class Erasures:
    """The erasure and rebase records in force on this node (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.erasures: dict[str, Erasure] = {}
        self.rebases: dict[str, Rebase] = {}
        self.actors: set[bytes] = set()
        """Actors of erased people: what they write is refused from now on."""
        self._settled: dict[str, int] = {}  # document -> epoch whose history is stored here
        self._handled: set[str] = set()  # erasures whose home documents were rebased here
        self._refused: set[tuple[str, str]] = set()  # (catalog, value) refusals already logged
        self.replays: dict[str, list[Replay]] = {}
        """Residents' edits the home had not seen, to write on the new history once it is here
        (node/trust/replay.py). Kept in memory only: they hold no word of the erased person, but
        a restart before the new history arrives loses them (logged)."""

    def admits(self, document_id: str, change: Change) -> bool:
        """Whether a change may join the document under the records in force."""
        if change.actor in self.actors:
            return False
        rebase = self.rebases.get(document_id)
        if rebase is None:
            return True
        if rebase.removed:
            return False
        return bool(change.deps) or change.hash == rebase.root

    def guard(self, document_id: str, admit: Admit) -> Admit:
        """`admit`, refusing first what the records rule out."""

        def guarded(change: Change) -> bool:
            return self.admits(document_id, change) and admit(change)

        return guarded

    def current(self, document_id: str, doc: Document, changes: Iterable[Change]) -> list[Change]:
        """Of `changes` (held ones), those that belong to the history in force: not by an erased
        actor, and built on what the document holds (or on each other)."""
        pending = [c for c in changes if c.actor not in self.actors]
        if document_id not in self.rebases:
            return pending
        kept: set[bytes] = set()
        grew = True
        while grew:
            grew = False
            for change in pending:
                if change.hash in kept or not self.admits(document_id, change):
                    continue
                if all(doc.get_change_by_hash(d) is not None or d in kept for d in change.deps):
                    kept.add(change.hash)
                    grew = True
        return [c for c in pending if c.hash in kept]


@dataclass
class Settled:
    changed: set[str] = field(default_factory=set)
    """Documents with a new history here: project them again, tell peers."""
    removed: set[str] = field(default_factory=set)
    """Documents no longer stored here (removed, or until sync brings the new history)."""
    wanted: set[str] = field(default_factory=set)
    """Documents whose new history is not here yet: ask peers for them."""
    published: bool = False


def _catalog_records(node: Node, catalog_id: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    try:
        doc = node.documents.open(catalog_id)
    except NotFound:
        return {}, {}, ""
    with node.documents.lock(catalog_id):
        if doc.get(ROOT, "type") != "catalog":
            return {}, {}, ""
        erasures, rebases = doc.get(ROOT, "erasures"), doc.get(ROOT, "rebases")
        origin = doc.get(ROOT, "origin_node")
        return (
            _plain(doc, erasures),
            _plain(doc, rebases),
            origin if isinstance(origin, str) else "",
        )


def _plain(doc: Document, obj: Any) -> dict[str, Any]:
    if not isinstance(obj, ObjId):
        return {}
    return {key: doc.get(obj, key) for key in doc.keys(obj)}


def _refuse(erasures: Erasures, catalog_id: str, key: str, value: Any, reason: str) -> None:
    marker = (catalog_id, f"{key}={value!r}")
    if marker in erasures._refused:
        return
    erasures._refused.add(marker)
    log.warning("catalog %s: record %s refused: %s", catalog_id, key, reason)


def _origin_of(node: Node, document_id: str) -> str | None:
    """The home a stored document names in its first change (None: not stored here)."""
    try:
        doc = node.documents.open(document_id)
    except NotFound:
        return None
    with node.documents.lock(document_id):
        roots = [c.hash for c in doc.changes_since([]) if not c.deps]
        found = doc.get(ROOT, "origin_node", heads=[min(roots)]) if roots else None
    return found if isinstance(found, str) else None


def read_records(node: Node, now: int | None = None) -> tuple[list[Erasure], list[Rebase]]:
    """Every valid record in the catalogs held here; what does not hold is logged once."""
    erasures: list[Erasure] = []
    rebases: list[Rebase] = []
    state = node.erasures
    for catalog_id in node.vouchers.catalogs():
        found_erasures, found_rebases, origin = _catalog_records(node, catalog_id)
        for key, value in found_erasures.items():
            try:
                erasure = parse_erasure(value, now)
            except RecordError as exc:
                _refuse(state, catalog_id, key, value, exc.reason)
                continue
            if erasure.node != origin or erasure.person != key:
                _refuse(state, catalog_id, key, value, "copied from another catalog or key")
                continue
            home = _origin_of(node, erasure.person)
            if home is not None and home != erasure.node:
                _refuse(state, catalog_id, key, value, "not issued by the person's home node")
                continue
            erasures.append(erasure)
        for key, value in found_rebases.items():
            try:
                rebase = parse_rebase(value, now)
            except RecordError as exc:
                _refuse(state, catalog_id, key, value, exc.reason)
                continue
            if rebase.node != origin or rebase.document != key:
                _refuse(state, catalog_id, key, value, "copied from another catalog or key")
                continue
            home = _origin_of(node, rebase.document)
            known = state.rebases.get(rebase.document)
            if home is not None and home != rebase.node and known is None:
                _refuse(state, catalog_id, key, value, "not issued by the document's home node")
                continue
            if known is not None and known.node != rebase.node:
                _refuse(state, catalog_id, key, value, "not issued by the document's home node")
                continue
            if known is not None and (rebase.epoch, rebase.at) < (known.epoch, known.at):
                _refuse(state, catalog_id, key, value, "replayed: an older epoch than in force")
                continue
            rebases.append(rebase)
    return erasures, rebases


def actors_of(node: Node, erasure: Erasure) -> set[bytes]:
    """The actors the erasing node vouched for as the person (its bindings)."""
    found: Iterable[Binding] = node.vouchers.bindings_of(erasure.person)
    return {b.actor for b in found if b.node == erasure.node}


def settle(
    node: Node,
    held: HeldChanges | None,
    sync_states: SyncStateFiles | None,
    reset: Callable[[str], None] | None = None,
) -> Settled:
    """Bring this node's stored documents in line with the records in force. Blocking."""
    state = node.erasures
    result = Settled()
    node.rights.load()
    erasures, rebases = read_records(node)
    known_actors = set(state.actors)
    for erasure in erasures:
        if erasure.person not in state.erasures:
            log.info("erasure of %s by node %s in force", erasure.person, erasure.node[:8])
        state.erasures[erasure.person] = erasure
        state.actors |= actors_of(node, erasure)
    for rebase in rebases:
        state.rebases[rebase.document] = rebase
    own: list[Rebase] = []
    acks: list[str] = []
    acknowledged = _acknowledged(node)
    for person, erasure in list(state.erasures.items()):
        if person in state._handled:
            continue
        if person in acknowledged:  # done before a restart: no need to look through every document
            state._handled.add(person)
            continue
        for rebase in _rebase_home_documents(node, erasure, state):
            own.append(rebase)
            (result.removed if rebase.removed else result.changed).add(rebase.document)
            _forget_old(rebase.document, held, sync_states, reset)
        state._handled.add(person)
        acks.append(person)
    if own or acks:
        _publish(node, own, acks)
        result.published = True
        for rebase in own:
            state.rebases[rebase.document] = rebase
    for document_id, rebase in list(state.rebases.items()):
        if state._settled.get(document_id) == rebase.epoch:
            continue
        _apply(node, rebase, result, held, sync_states, reset)
        state._settled[document_id] = rebase.epoch
    if held is not None and state.actors - known_actors:  # newly erased: what they wrote, held
        for document_id in held.documents():
            _drop_held_by(held, document_id, state.actors)
    for document_id in list(state.replays):
        _replay(node, document_id, result)
    if result.changed or result.removed:
        node.rights.forget()
    return result


def _keep_unseen(node: Node, doc: Document, rebase: Rebase) -> None:
    """Before an old history goes: its residents' edits the home had not seen, kept to be
    written on the new history; others' are named in a log line (their own node replays them)."""
    if not rebase.base:
        return
    state = node.erasures
    seen, unseen = split_old(doc, rebase)
    unseen = [c for c in unseen if c.actor not in state.actors]
    if not unseen:
        return
    me = node.identity.node_id
    residents = {
        actor: binding.person
        for actor in {c.actor for c in unseen}
        if (binding := node.vouchers.binding(actor)) is not None and binding.node == me
    }
    try:
        found = replays_for(
            doc,
            seen,
            unseen,
            residents,
            frozenset(state.actors),
            rebase.person,
            lambda d: node.rights.counts_for(rebase.document, d),
        )
    except Exception:  # never let one document stop the erasure of the others
        log.exception("document %s: unseen edits could not be worked out", rebase.document)
        found = []
    if found:
        state.replays.setdefault(rebase.document, []).extend(found)
    others = sorted({c.actor.hex()[:8] for c in unseen if c.actor not in residents})
    log.warning(
        "document %s: %d change(s) were made after the history its home rewrote; the edits "
        "of %d resident(s) of this node will be carried over%s",
        rebase.document,
        len(unseen),
        len(found),
        f"; actor(s) {', '.join(others)}: by the nodes that vouch for them" if others else "",
    )


def _replay(node: Node, document_id: str, result: Settled) -> None:
    """Write the kept edits on the new history, once it is stored here."""
    state = node.erasures
    rebase = state.rebases.get(document_id)
    if rebase is None or rebase.removed:
        state.replays.pop(document_id, None)
        return
    try:
        doc = node.documents.open(document_id)
    except NotFound:
        return  # not here yet: sync brings it
    with node.documents.lock(document_id):
        roots = [c.hash for c in doc.changes_since([]) if not c.deps]
    if roots != [rebase.root]:
        return
    for replay in state.replays.pop(document_id, []):
        try:
            node.documents.change(
                document_id,
                Author(replay.person, replay.actor),
                "Bijgewerkt na het wissen (gemaakt terwijl het dorp weg was)",
                replay_edit(replay),
            )
        except Exception as exc:  # Invalid, or a document that changed shape meanwhile
            log.warning(
                "document %s: an unseen edit could not be carried over: %s", document_id, exc
            )
            continue
        result.changed.add(document_id)
        log.info("document %s: unseen edits of %s carried over", document_id, replay.person)


def _acknowledged(node: Node) -> set[str]:
    """The erasures this node's catalog acknowledges (its home documents were rewritten)."""
    catalog_id = catalog_id_of(node.identity.node_id)
    try:
        doc = node.documents.open(catalog_id)
    except NotFound:
        return set()
    with node.documents.lock(catalog_id):
        return set(_plain(doc, doc.get(ROOT, "erased")))


def _rebase_home_documents(node: Node, erasure: Erasure, state: Erasures) -> list[Rebase]:
    """New histories for the documents this node is the home of that hold the person's ops or
    id; returns their records (not yet published)."""
    me = node.identity.node_id
    actors = frozenset(state.actors)
    made: list[Rebase] = []
    for document_id in list(node.documents.store.ids()):
        try:
            doc = node.documents.open(document_id)
        except NotFound:
            continue
        with node.documents.lock(document_id):
            if doc.get(ROOT, "origin_node") != me or doc.get(ROOT, "type") in (None, "catalog"):
                continue
            touched = (
                bool(actors & set(doc._by_actor))
                or erasure.person in json.dumps(doc.to_py(), default=str)
                or _mentioned(doc, erasure.person)
            )
            if not touched:
                continue
            content = None
            if document_id != erasure.person:
                content = erased_content(
                    doc, actors, erasure.person, node.rights.counts_for(document_id, doc)
                )
            base = _clock(doc)
            previous = state.rebases.get(document_id)
            epoch = previous.epoch + 1 if previous is not None else 1
            if content is None:
                node.documents.remove(document_id)
                root = b""
            else:
                fresh = fresh_document(content, node.node_actor, REBASE_MESSAGE)
                node.documents.adopt(document_id, fresh)
                (root,) = fresh.get_heads()
        record = make_rebase(
            node.identity.signing_key, document_id, epoch, root, erasure.person, base=base
        )
        made.append(record)
        log.info(
            "document %s rewritten without %s (epoch %d)%s",
            document_id,
            erasure.person,
            epoch,
            ", removed" if not root else "",
        )
    return made


def _mentioned(doc: Document, person_id: str) -> bool:
    """Whether any change, now overwritten or not, names the person as a key or a value: a
    node writes people's names under their id too (an alliance's skills directory), and a
    node may have taken the entry out already, leaving the name in the history only."""
    return any(
        op.key == person_id or op.value == person_id
        for change in doc.changes_since([])
        for op in change.ops
    )


def _publish(node: Node, rebases: list[Rebase], acks: list[str]) -> None:
    """The rebase records and acknowledgements in this node's catalog, in one change."""
    from ..replication.catalog import node_author, with_own_binding

    catalog_id = catalog_id_of(node.identity.node_id)
    now = int(time.time())

    def put(tx: Transaction, doc: Document) -> None:
        holder = doc.get(ROOT, "rebases") or tx.put_object(ROOT, "rebases", ObjType.MAP)
        for rebase in rebases:
            tx.put(holder, rebase.document, rebase.encode())
        documents = doc.get(ROOT, "documents")
        for rebase in rebases:
            if rebase.removed and documents is not None and doc.get(documents, rebase.document):
                tx.delete(documents, rebase.document)
        erased = doc.get(ROOT, "erased") or tx.put_object(ROOT, "erased", ObjType.MAP)
        for person in acks:
            if doc.get(erased, person) is None:
                tx.put(erased, person, now)

    node.documents.change(catalog_id, node_author(node), "Gewist", with_own_binding(node, put))


def publish_erasure(node: Node, person_id: str) -> Erasure:
    """This node (the person's home) asks every node to erase the person. Blocking."""
    from ..replication.catalog import ensure_catalog, node_author, with_own_binding

    ensure_catalog(node)
    record = make_erasure(node.identity.signing_key, person_id)

    def put(tx: Transaction, doc: Document) -> None:
        holder = doc.get(ROOT, "erasures") or tx.put_object(ROOT, "erasures", ObjType.MAP)
        tx.put(holder, person_id, record.encode())

    node.documents.change(
        catalog_id_of(node.identity.node_id),
        node_author(node),
        "Bewoner gewist",
        with_own_binding(node, put),
    )
    return record


def _apply(
    node: Node,
    rebase: Rebase,
    result: Settled,
    held: HeldChanges | None,
    sync_states: SyncStateFiles | None,
    reset: Callable[[str], None] | None,
) -> None:
    """Store the history `rebase` names for its document, or drop the old one."""
    document_id = rebase.document
    with node.documents.lock(document_id):
        try:
            doc: Document | None = node.documents.open(document_id)
        except NotFound:
            doc = None
        if doc is not None and not rebase.removed:
            roots = [c.hash for c in doc.changes_since([]) if not c.deps]
            if roots == [rebase.root]:
                return  # in force already (written here, or settled before a restart)
            _keep_unseen(node, doc, rebase)
            if doc.get_change_by_hash(rebase.root) is not None:
                node.documents.adopt(document_id, _from_root(doc, rebase.root))
                result.changed.add(document_id)
            else:
                node.documents.remove(document_id)
                result.removed.add(document_id)
                result.wanted.add(document_id)
        elif doc is not None:
            node.documents.remove(document_id)
            result.removed.add(document_id)
        else:
            if not rebase.removed:
                result.wanted.add(document_id)
            _forget_old(document_id, held, sync_states, reset)
            return
        _forget_old(document_id, held, sync_states, reset)
    log.info(
        "document %s: history of epoch %d in force%s",
        document_id,
        rebase.epoch,
        " (removed)" if rebase.removed else "",
    )


def _clock(doc: Document) -> dict[bytes, int]:
    """Each actor's highest seq in the document."""
    clock: dict[bytes, int] = {}
    for change in doc.changes_since([]):
        clock[change.actor] = max(clock.get(change.actor, 0), change.seq)
    return clock


def split_old(doc: Document, rebase: Rebase) -> tuple[list[Change], list[Change]]:
    """The changes of the old history the home saw (by the record's clock), and those it did
    not; the new history's changes (if a peer mixed its root in) are in neither."""
    clock = dict(rebase.base)
    new_epoch: set[bytes] = {rebase.root}
    seen, unseen = [], []
    for change in doc.changes_since([]):
        if change.hash in new_epoch or (change.deps and all(d in new_epoch for d in change.deps)):
            new_epoch.add(change.hash)
        elif change.seq <= clock.get(change.actor, 0):
            seen.append(change)
        else:
            unseen.append(change)
    return seen, unseen


def _forget_old(
    document_id: str,
    held: HeldChanges | None,
    sync_states: SyncStateFiles | None,
    reset: Callable[[str], None] | None,
) -> None:
    """What this node kept about a document's old history: held changes, sync states."""
    if held is not None and held.has(document_id):
        held.drop(document_id, held.hashes(document_id))
    if sync_states is not None:
        sync_states.forget(document_id)
    if reset is not None:
        reset(document_id)


def _from_root(doc: Document, root: bytes) -> Document:
    """The root change and every change built on it alone."""
    kept: set[bytes] = set()
    chunks: list[bytes] = []
    for change in doc.changes_since([]):
        if change.hash == root or (change.deps and all(d in kept for d in change.deps)):
            kept.add(change.hash)
            raw = doc.get_change_by_hash(change.hash)
            if raw is not None:
                chunks.append(raw)
    fresh = Document()
    fresh.apply_changes(chunks)
    return fresh


def _drop_held_by(held: HeldChanges, document_id: str, actors: set[bytes]) -> None:
    from sync.automerge.change import decode_change

    gone = []
    for change_hash, data in held.load(document_id):
        try:
            if decode_change(data).actor in actors:
                gone.append(change_hash)
        except Exception:  # unreadable: not ours to judge here
            continue
    if gone:
        held.drop(document_id, gone)
