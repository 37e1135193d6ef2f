"""In-process peers: Synchronizers over StoreHosts, wired by handing each message to its target."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from sync.automerge import ROOT, Document
from sync.document_id import new_document_id
from sync.repo.host import PeerInfo
from sync.repo.messages import Message, PeerMetadata, decode_message, encode_message
from sync.repo.store_host import StoreHost
from sync.repo.stores import MemoryDocStore
from sync.repo.synchronizer import Synchronizer


@dataclass
class Node:
    name: str
    host: StoreHost
    sync: Synchronizer
    storage_id: str | None = None

    @property
    def metadata(self) -> PeerMetadata:
        return PeerMetadata(self.storage_id, self.storage_id is None)


def make_node(name: str, host: StoreHost | None = None, storage_id: str | None = None) -> Node:
    host = host or StoreHost(MemoryDocStore())
    return Node(name, host, Synchronizer(host, name, storage_id), storage_id)


@dataclass
class Network:
    """Delivers messages in order through the real codec; records every one for assertions."""

    nodes: dict[str, Node] = field(default_factory=dict)
    queue: deque[tuple[str, Message]] = field(default_factory=deque)
    log: list[Message] = field(default_factory=list)
    links: set[frozenset[str]] = field(default_factory=set)

    def add(self, node: Node) -> Node:
        self.nodes[node.name] = node
        return node

    def connect(self, a: str, b: str) -> None:
        self.links.add(frozenset((a, b)))
        na, nb = self.nodes[a], self.nodes[b]
        self.send(a, na.sync.peer_connected(PeerInfo(b, nb.metadata)))
        self.send(b, nb.sync.peer_connected(PeerInfo(a, na.metadata)))

    def disconnect(self, a: str, b: str) -> None:
        self.links.discard(frozenset((a, b)))
        self.nodes[a].sync.peer_disconnected(b)
        self.nodes[b].sync.peer_disconnected(a)

    def send(self, origin: str, messages: list[Message]) -> None:
        """Messages a node produced; relayed ones keep their author's sender_id."""
        self.queue.extend((origin, m) for m in messages)

    def run(self, limit: int = 10_000) -> int:
        """Deliver until quiet; returns how many messages went over the wire."""
        delivered = 0
        while self.queue:
            origin, sent = self.queue.popleft()
            message = decode_message(encode_message(sent))
            self.log.append(message)
            delivered += 1
            assert delivered < limit, "the peers never went quiet"
            target = getattr(message, "target_id", None)
            if target is None or frozenset((origin, target)) not in self.links:
                continue
            self.send(target, self.nodes[target].sync.receive(origin, message))
        return delivered


def new_doc(**values: object) -> tuple[str, Document]:
    doc = Document()
    with doc.change() as tx:
        for key, value in values.items():
            tx.put(ROOT, key, value)
    return new_document_id(), doc


def put(node: Node, document_id: str, key: str, value: object) -> None:
    def edit(doc: Document) -> None:
        with doc.change() as tx:
            tx.put(ROOT, key, value)

    node.host.update(document_id, edit)
