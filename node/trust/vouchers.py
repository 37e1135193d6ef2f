"""Which node vouches for each actor, learned from the catalogs this node holds, and the admission
rule built on it (docs/trust.md §2): a change is applied only when a node vouches for its actor.

A binding counts when it is signed by the node whose catalog carries it. A catalog is written only
by that node's own actors (bindings whose person is the catalog); the change that introduces a new
node actor carries the binding for its own actor, which is checked before the change is applied.
Whether the person a binding names lives on the vouching node is a question of attribution, not
of admission: it is checked where rights are decided (§3).

Thread-safe: admission runs in the synchronizer's worker threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from sync.automerge.change import Change
from sync.automerge.document import Admit
from sync.automerge.values import SET

from ..projection.catalog_id import catalog_id_of
from .bindings import Binding, BindingError, parse_binding

log = logging.getLogger("mekaar.trust")

Vouch = Callable[[bytes], bool]
"""For a connection whose actors this node vouches for itself (an app token bound to a person):
bind a new actor now; returns whether it did."""


class Vouchers:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_actor: dict[bytes, list[Binding]] = {}
        """Every valid binding of an actor: actor ids are public, so another node may publish
        one for an actor that is not its own; the first one learned must not win."""
        self._catalogs: dict[str, str] = {}  # catalog id -> node id, for every node seen

    def __len__(self) -> int:
        return len(self._by_actor)

    def binding(self, actor: bytes) -> Binding | None:
        """The binding that says who writes with this actor; None when none does, or when
        several nodes vouch for it as different people (then nobody is credited)."""
        found = self._by_actor.get(actor)
        if not found:
            return None
        first = found[0]
        if any((b.node, b.person) != (first.node, first.person) for b in found[1:]):
            return None
        return first

    def nodes(self) -> list[str]:
        """The ids of the nodes whose catalog was seen here."""
        return sorted(set(self._catalogs.values()))

    def is_catalog(self, document_id: str) -> bool:
        return document_id in self._catalogs

    def catalogs(self) -> list[str]:
        """Every catalog seen (their ids)."""
        with self._lock:
            return list(self._catalogs)

    def bindings_of(self, person_id: str) -> list[Binding]:
        """Every binding that names the person (whichever node signed it)."""
        with self._lock:
            return [b for found in self._by_actor.values() for b in found if b.person == person_id]

    def learn(self, binding: Binding, catalog_id: str) -> bool:
        """Take a binding found in catalog `catalog_id`; returns whether it is new and counts."""
        if catalog_id_of(binding.node) != catalog_id:
            return False  # a catalog carries only its own node's bindings
        with self._lock:
            self._catalogs[catalog_id] = binding.node
            known = self._by_actor.setdefault(binding.actor, [])
            if any((b.node, b.person) == (binding.node, binding.person) for b in known):
                return False
            if known:
                log.warning(
                    "actor %s: vouched for by %s as %s, and by %s as %s: credited to nobody",
                    binding.actor_hex[:8],
                    known[0].node[:8],
                    known[0].person,
                    binding.node[:8],
                    binding.person,
                )
            known.append(binding)
            return True

    def learn_catalog(self, document_id: str, content: dict[str, Any]) -> int:
        """Every binding in a catalog's content; returns how many were new."""
        origin = content.get("origin_node")
        if not isinstance(origin, str) or catalog_id_of(origin) != document_id:
            log.warning("document %s is no catalog of the node it names", document_id)
            return 0
        with self._lock:
            self._catalogs[document_id] = origin
        actors = content.get("actors")
        new = 0
        for actor_hex, value in actors.items() if isinstance(actors, dict) else ():
            try:
                binding = parse_binding(value)
            except BindingError as exc:
                log.warning("catalog %s: binding of %s refused: %s", document_id, actor_hex, exc)
                continue
            if binding.actor_hex != actor_hex or binding.node != origin:
                log.warning("catalog %s: binding of %s is not its own", document_id, actor_hex)
                continue
            new += self.learn(binding, document_id)
        return new

    def learn_all(self, catalogs: Iterable[tuple[str, dict[str, Any]]]) -> int:
        return sum(self.learn_catalog(doc_id, content) for doc_id, content in catalogs)

    # ------------------------------------------------------------------ admission

    def admits(self, document_id: str, change: Change) -> bool:
        found = self._by_actor.get(change.actor)
        if not found:
            binding = self._self_binding(document_id, change)
            return binding is not None and self.learn(binding, document_id)
        home = self._catalogs.get(document_id)
        if home is not None:  # a catalog: only its own node writes it, as the catalog
            return any(b.node == home and b.person == document_id for b in found) or (
                self._self_binding(document_id, change) is not None
            )
        if any(catalog_id_of(b.node) == document_id for b in found):  # first catalog change seen
            return any(b.person == document_id for b in found)
        if _makes_a_catalog(change):  # nobody makes another node's catalog before it does
            return self._self_binding(document_id, change) is not None
        return True

    def admit_for(self, document_id: str, vouch: Vouch | None = None) -> Admit:
        """The admission rule for changes to one document arriving over one connection."""

        def admit(change: Change) -> bool:
            if self.admits(document_id, change):
                return True
            if vouch is not None and not self.is_catalog(document_id) and vouch(change.actor):
                return self.admits(document_id, change)
            return False

        return admit

    def _self_binding(self, document_id: str, change: Change) -> Binding | None:
        """The binding a catalog change carries for its own actor: one put of `actors/<hex>`
        whose value is a binding of this actor to this catalog, by the catalog's node."""
        actor_hex = change.actor.hex()
        for op in change.ops:
            if op.action == SET and op.key == actor_hex and isinstance(op.value, str):
                try:  # the same key also names the actor in `contributors`
                    binding = parse_binding(op.value)
                except BindingError:
                    continue
                if (
                    binding.actor == change.actor
                    and binding.person == document_id
                    and catalog_id_of(binding.node) == document_id
                ):
                    return binding
        return None


def _makes_a_catalog(change: Change) -> bool:
    """Whether the change sets the document's type to catalog (at the root)."""
    return any(
        op.action == SET and op.key == "type" and op.value == "catalog" and op.obj == (0, b"")
        for op in change.ops
    )
