"""The community currency as every node reads it: all ledgers held here, each counting only what
its own node's actors wrote, with balances derived from them, never stored (docs/practices.md §3).

* An **earn** counts once per confirmed hours of a job (the lowest entry, by ledger and id, when
  two nodes wrote one for the same hours), and only when the job held here shows those hours
  confirmed by one of its owners, for that person and that many minutes. Until the job arrives
  it is listed as on its way, not counted.
* A **spend** counts when the spender's home node confirmed it in its own ledger; it is pending
  until then, and refused when the home said no. The home confirms in one order, so the same
  credits are never spent twice, whichever nodes the spends were written on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from sync.automerge import ROOT, Document
from sync.automerge.effective import effective_to_py

from ..errors import NotFound
from .ids import ledger_id_of

if TYPE_CHECKING:
    from ..runtime import Node

State = Literal["counted", "pending", "refused", "on_its_way", "double"]


@dataclass(frozen=True)
class Entry:
    ledger: str
    id: str
    kind: str
    person: str
    minutes: int
    at: datetime
    by: str
    home: str
    job: str | None = None
    hours: str | None = None
    partner: str | None = None
    what: str = ""

    @property
    def key(self) -> str:
        """How a home node's ledger names this entry in its confirmations."""
        return f"{self.ledger}/{self.id}"


@dataclass(frozen=True)
class Confirmation:
    ok: bool
    reason: str
    at: datetime


HoursLookup = Callable[[str, str], tuple[str, int] | None]
"""(job id, hours id) -> (person, minutes) of confirmed hours, or None (unknown or unconfirmed)."""


def ledger_content(
    doc: Document, ledger_id: str, node_of: Callable[[bytes], str | None]
) -> tuple[str, dict[str, Any]] | None:
    """The node a ledger belongs to, and the ledger counting only ops by actors that node
    vouches for (another village cannot write entries, or confirmations, into it); None when it
    is not the ledger of the node it names."""
    owner = doc.get(ROOT, "origin_node")
    if not isinstance(owner, str) or ledger_id_of(owner) != ledger_id:
        return None
    return owner, effective_to_py(doc, lambda op, _path: node_of(op.id[1]) == owner)


def _entries(ledger_id: str, content: dict[str, Any]) -> Iterable[Entry]:
    for entry_id, raw in sorted(content.get("entries", {}).items()):
        if not isinstance(raw, dict) or raw.get("kind") not in ("earn", "spend"):
            continue
        try:
            yield Entry(
                ledger=ledger_id,
                id=entry_id,
                kind=raw["kind"],
                person=str(raw["person"]),
                minutes=int(raw["minutes"]),
                at=raw["at"],
                by=str(raw.get("by", "")),
                home=str(raw.get("home", "")),
                job=raw.get("job"),
                hours=raw.get("hours"),
                partner=raw.get("partner"),
                what=str(raw.get("what", "")),
            )
        except (KeyError, TypeError, ValueError):
            continue  # the schema keeps these out; a half-written entry counts for nothing


@dataclass
class Book:
    entries: list[Entry] = field(default_factory=list)
    confirmations: dict[str, dict[str, Confirmation]] = field(default_factory=dict)
    """Home node id -> entry key -> what that home said."""
    partners: dict[str, str] = field(default_factory=dict)
    """Organisation id -> what it offers for credits, from every ledger."""
    hours: HoursLookup = lambda _job, _hours: None

    def state(self, entry: Entry) -> State:
        if entry.kind == "earn":
            if self._first_earn().get((entry.job, entry.hours)) != entry.key:
                return "double"
            confirmed = self.hours(entry.job or "", entry.hours or "")
            if confirmed is None or confirmed != (entry.person, entry.minutes):
                return "on_its_way"
            return "counted"
        said = self.confirmations.get(entry.home, {}).get(entry.key)
        if said is None:
            return "pending"
        return "counted" if said.ok else "refused"

    def _first_earn(self) -> dict[tuple[str | None, str | None], str]:
        first: dict[tuple[str | None, str | None], str] = {}
        for entry in sorted(self.entries, key=lambda e: (e.ledger, e.id)):
            if entry.kind == "earn":
                first.setdefault((entry.job, entry.hours), entry.key)
        return first

    def of(self, person: str) -> list[tuple[Entry, State]]:
        """A person's entries, newest first, with their state."""
        mine = [e for e in self.entries if e.person == person]
        mine.sort(key=lambda e: (e.at, e.key), reverse=True)
        return [(e, self.state(e)) for e in mine]

    def balance(self, person: str) -> int:
        """Minutes: counted earnings minus counted spending."""
        total = 0
        for entry, state in self.of(person):
            if state == "counted":
                total += entry.minutes if entry.kind == "earn" else -entry.minutes
        return total

    def balances(self) -> dict[str, int]:
        return {person: self.balance(person) for person in {e.person for e in self.entries}}

    def counted_earnings(self) -> int:
        return sum(
            e.minutes for e in self.entries if e.kind == "earn" and self.state(e) == "counted"
        )


def known_ledgers(node: Node) -> list[str]:
    """The ledgers of this node and of every node whose catalog is held here."""
    nodes = {node.identity.node_id, *node.vouchers.nodes()}
    return sorted(ledger_id_of(n) for n in nodes)


def _node_of(node: Node) -> Callable[[bytes], str | None]:
    def node_of(actor: bytes) -> str | None:
        if actor == node.node_actor:  # this process writes the ledger's confirmations
            return node.identity.node_id
        binding = node.vouchers.binding(actor)
        return binding.node if binding is not None else None

    return node_of


def job_hours(node: Node) -> HoursLookup:
    """Confirmed hours as the jobs held here show them (by one of the job's owners)."""
    jobs: dict[str, dict[str, Any] | None] = {}

    def lookup(job_id: str, hours_id: str) -> tuple[str, int] | None:
        if job_id not in jobs:
            try:
                content = node.documents.read(job_id)
                jobs[job_id] = content if content.get("type") == "job" else None
            except NotFound:
                jobs[job_id] = None
        job = jobs[job_id]
        if job is None:
            return None
        entry = job.get("hours", {}).get(hours_id)
        if not isinstance(entry, dict) or entry.get("confirmed_by") not in job.get("owners", {}):
            return None
        return str(entry["person"]), int(entry["minutes"])

    return lookup


def read_book(node: Node) -> Book:
    """Every ledger held here, read under its own node's rights. Blocking."""
    book = Book(hours=job_hours(node))
    node_of = _node_of(node)
    for ledger_id in known_ledgers(node):
        try:
            doc = node.documents.open(ledger_id)
        except NotFound:
            continue
        with node.documents.lock(ledger_id):
            read = ledger_content(doc, ledger_id, node_of)
        if read is None:
            continue
        owner, content = read
        book.entries.extend(_entries(ledger_id, content))
        said = book.confirmations.setdefault(owner, {})
        for key, raw in content.get("confirmations", {}).items():
            if isinstance(raw, dict) and isinstance(raw.get("ok"), bool):
                said[key] = Confirmation(bool(raw["ok"]), str(raw.get("reason", "")), raw["at"])
        for organisation, offer in content.get("partners", {}).items():
            if isinstance(offer, dict):
                book.partners.setdefault(organisation, str(offer.get("offer", "")))
    return book


def spent_by_home(book: Book, home: str) -> dict[str, list[Entry]]:
    """Spends of the residents of `home` that it has not answered yet, per person, oldest first."""
    waiting: dict[str, list[Entry]] = defaultdict(list)
    answered = book.confirmations.get(home, {})
    for entry in sorted(book.entries, key=lambda e: (e.at, e.ledger, e.id)):
        if entry.kind == "spend" and entry.home == home and entry.key not in answered:
            waiting[entry.person].append(entry)
    return waiting
