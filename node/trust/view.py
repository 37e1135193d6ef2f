"""The node's reading of documents under the rights of docs/trust.md §3: an initiative is shown as
the effective view (node/trust/rights.py); other types as they are (their rules follow).

Bindings come from the catalogs this node holds (`Node.vouchers`): learned by the replicator as
catalogs arrive, and on first use in any process (the CLI) from the node's own catalog and the
catalogs listed in `data/catalogs.json`. The evaluation of a version of a document is cached by
its heads, so reading an unchanged initiative again costs one materialization.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sync.automerge import ROOT, Document
from sync.automerge.effective import Path as OpPath
from sync.automerge.op import Op

from ..projection.catalog_id import catalog_id_of
from .rights import JUDGED, Evaluation, Refusal, evaluate, person_lookup, view_of
from .vouchers import Vouchers

if TYPE_CHECKING:
    from ..documents.repository import DocumentRepository

log = logging.getLogger("mekaar.trust")
CATALOGS_FILE = "catalogs.json"
CACHED = 2048
"""Views kept by heads, as many as documents the repository keeps loaded: a page of a popular
initiative reads its allies' profiles too, and a smaller cache was emptied by a few page views."""
MISS_KEPT = 60.0
"""Seconds a profile found missing is not looked for again."""
MISSING_KEPT = 10_000
EVALUATIONS = 64
"""Documents whose judgement is kept to carry on (a judgement is about as big as its document)."""


class RightsView:
    def __init__(self, documents: DocumentRepository, vouchers: Vouchers, data: Path, node_id: str):
        self.documents = documents
        self.vouchers = vouchers
        self.data = data
        self.node_id = node_id
        self._loaded = False
        self._lock = threading.RLock()
        self._generation = 0
        self._homes: dict[str, str | None] = {}
        self._missing: dict[str, float] = {}
        """Person id → when their profile was last looked for and not found here."""
        self._homes_learned = 0
        """How often a profile that was missing turned up (judgements made before it are stale)."""
        self._tried: set[bytes] = set()  # actors whose catalog was looked for and not found
        self._cache: OrderedDict[
            tuple[str, tuple[bytes, ...]], tuple[dict[str, Any], list[Refusal]]
        ]
        self._cache = OrderedDict()
        self._counts: OrderedDict[tuple[str, tuple[bytes, ...]], Callable[[Op, OpPath], bool]] = (
            OrderedDict()
        )
        self.refusals: dict[str, list[Refusal]] = {}
        """Per document, what its current view leaves out (for the host)."""
        self._evaluations: OrderedDict[str, tuple[tuple[int, int], Evaluation]] = OrderedDict()
        """Per document, its latest judgement (and the generation of bindings it was made
        with): a document that grew is judged on from there, not from its first change."""

    # ------------------------------------------------------------------ catalogs

    def remember_catalog(self, catalog_id: str) -> None:
        """A catalog whose bindings count here: listed so that any process learns it."""
        path = self.data / CATALOGS_FILE
        with self._lock:
            try:
                known = set(json.loads(path.read_text()))
            except (OSError, ValueError):
                known = set()
            if catalog_id in known:
                return
            known.add(catalog_id)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(sorted(known)))
            tmp.replace(path)

    def load(self) -> None:
        """Learn the catalogs this node holds, once per process."""
        self._load()

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        try:
            known = set(json.loads((self.data / CATALOGS_FILE).read_text()))
        except (OSError, ValueError):
            known = set()
        for catalog_id in {catalog_id_of(self.node_id), *known}:
            self.learn_catalog(catalog_id)

    def learn_catalog(self, catalog_id: str) -> int:
        """Learn the bindings of a catalog held here (none when it is absent, unreadable or no
        catalog); returns how many were new. Views judged without them are dropped, and the
        catalog is listed for other processes. Blocking."""
        try:
            doc = self.documents.open(catalog_id)
        except Exception:  # NotFound, or not readable: nothing to learn from it
            return 0
        with self.documents.lock(catalog_id):
            if doc.get(ROOT, "type") != "catalog":
                return 0
            content = doc.to_py()
        new = self.vouchers.learn_catalog(catalog_id, content)
        if new:
            with self._lock:
                self._generation += 1
                self._cache.clear()
                self._counts.clear()
        if self.vouchers.is_catalog(catalog_id):
            self.remember_catalog(catalog_id)
        return new

    def _discover(self, doc: Document) -> None:
        """Bindings for writers of `doc` not known yet: looked for in the catalog of the node the
        document names as its home, and of the home of the person each writer claims to be (a
        document imported or reindexed before its writers' catalogs were read)."""
        unknown = [
            a for a in doc._by_actor if self.vouchers.binding(a) is None and a not in self._tried
        ]
        if not unknown:
            return
        origin = doc.get(ROOT, "origin_node")
        if isinstance(origin, str) and not self.vouchers.is_catalog(catalog_id_of(origin)):
            self.learn_catalog(catalog_id_of(origin))
        contributors = doc.get(ROOT, "contributors")
        for actor in unknown:
            if self.vouchers.binding(actor) is not None:
                continue
            person = doc.get(contributors, actor.hex()) if contributors is not None else None
            home = self._home_of(person) if isinstance(person, str) else None
            if home is not None and not self.vouchers.is_catalog(catalog_id_of(home)):
                self.learn_catalog(catalog_id_of(home))
            if self.vouchers.binding(actor) is None:
                self._tried.add(actor)

    def _node_of(self, actor: bytes) -> str | None:
        binding = self.vouchers.binding(actor)
        return binding.node if binding is not None else None

    def stored(self, document_id: str) -> None:
        """The repository wrote a document: if it is a profile found missing, look again."""
        self._missing.pop(document_id, None)

    def _home_of(self, person_id: str) -> str | None:
        """The node a person's profile names as their home; None while this node does not hold
        the profile. A miss is remembered until the profile is stored here (`stored`), or
        MISS_KEPT seconds (another process may store it): a village full of writers whose
        profiles live elsewhere would otherwise cost a file lookup per change judged.
        When a profile that was missing turns up, judgements made without it are not carried
        on (`_homes_learned`)."""
        known = self._homes.get(person_id)
        if known is not None:
            return known
        missed = self._missing.get(person_id)
        if missed is not None and time.monotonic() - missed < MISS_KEPT:
            return None
        home = None
        try:
            doc = self.documents.open(person_id)
            with self.documents.lock(person_id):
                if doc.get(ROOT, "type") == "person":
                    # as the profile's first change set it: a later change cannot move
                    # someone's home to the node that would then vouch for them
                    roots = [c.hash for c in doc.changes_since([]) if not c.deps]
                    found = doc.get(ROOT, "origin_node", heads=[min(roots)]) if roots else None
                    home = found if isinstance(found, str) else None
        except Exception:  # unknown here (yet): the binding decides alone
            home = None
        if home is None:
            if len(self._missing) >= MISSING_KEPT:
                self._missing.clear()
            self._missing[person_id] = time.monotonic()
            return None
        if self._missing.pop(person_id, None) is not None:
            self._homes_learned += 1
        self._homes[person_id] = home
        return home

    # ------------------------------------------------------------------ the view

    def __call__(self, document_id: str, doc: Document, *, shared: bool = False) -> dict[str, Any]:
        """The content to show; call with the document's lock held. `shared`: the view kept
        here, not a copy; the caller promises not to change it."""
        if doc.get(ROOT, "type") not in JUDGED:
            return doc.to_py()
        self._load()
        self._discover(doc)
        key = (document_id, tuple(doc.get_heads()))
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
            generation = self._generation
        if cached is None:
            cached = view_of(self._evaluate(document_id, doc, generation))
            with self._lock:
                if generation == self._generation:  # not judged with bindings since forgotten
                    self._cache[key] = cached
                    while len(self._cache) > CACHED:
                        self._cache.popitem(last=False)
                if cached[1]:
                    self.refusals[document_id] = cached[1]
                else:
                    self.refusals.pop(document_id, None)
        content, _ = cached
        if shared:
            return content
        fresh: dict[str, Any] = _copy(content)
        return fresh

    def counts_for(self, document_id: str, doc: Document) -> Callable[[Op, OpPath], bool] | None:
        """The rule ops of `doc` are read with (None: every op counts); under its lock."""
        if doc.get(ROOT, "type") not in JUDGED:
            return None
        self._load()
        self._discover(doc)
        key = (document_id, tuple(doc.get_heads()))
        with self._lock:
            found = self._counts.get(key)
            generation = self._generation
        if found is None:
            effective = dict(self._evaluate(document_id, doc, generation).effective)
            found = lambda op, path: effective.get(op.id, True)  # noqa: E731
            with self._lock:
                if generation == self._generation:
                    self._counts[key] = found
                    while len(self._counts) > CACHED:
                        self._counts.popitem(last=False)
        return found

    def _evaluate(self, document_id: str, doc: Document, generation: int) -> Evaluation:
        """The judgement of `doc` at its heads, carried on from the last one of this document
        when that was made with the same bindings; under the document's lock."""
        with self._lock:  # taken out while it grows: a failure halfway leaves nothing to reuse
            kept = self._evaluations.pop(document_id, None)
        made_with = (generation, self._homes_learned)
        previous = kept[1] if kept is not None and kept[0] == made_with else None
        judged = evaluate(doc, person_lookup(self.vouchers, self._home_of), self._node_of, previous)
        with self._lock:
            self._evaluations[document_id] = (made_with, judged)
            self._evaluations.move_to_end(document_id)
            while len(self._evaluations) > EVALUATIONS:
                self._evaluations.popitem(last=False)
        return judged

    def refused(self) -> dict[str, list[Refusal]]:
        """A snapshot of what the current views leave out, per document (any thread)."""
        with self._lock:
            return {doc_id: list(found) for doc_id, found in self.refusals.items()}

    def forget(self) -> None:
        """New bindings arrived: views judged without them are stale."""
        with self._lock:
            self._generation += 1
            self._cache.clear()
            self._counts.clear()
            self._evaluations.clear()
            self._homes.clear()
            self._missing.clear()
            self._tried.clear()


def _copy(value: Any) -> Any:
    """A fresh copy of a view (callers may change what they get, as with to_py)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value
