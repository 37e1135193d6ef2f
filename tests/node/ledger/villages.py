"""Three villages in one process for the currency's tests: each a real node in its own folder,
with a job, a partner shop and residents; `sync(a, b)` hands every document a has to b the way
replication stores them (whole histories merged), and teaches b a's bindings."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from node.acting import Acting
from node.errors import NotFound
from node.jobs.forms import HoursForm, JobForm, ShiftForm, SignupForm
from node.jobs.service import add_shift, confirm_hours, post_job, record_hours, sign_up
from node.jobs.views import get_job
from node.ledger.book import Book, read_book
from node.ledger.service import ChargeForm, PartnerForm, charge, confirm_pending, join_as_partner
from node.organisations import OrganisationForm, create_organisation
from node.projection.catalog_id import catalog_id_of
from node.runtime import Node
from sync.automerge import Document
from tests.node.residents import Town, open_town

START = datetime(2031, 5, 3, 8, tzinfo=UTC)
"""The first shift starts then; the villages' clocks run from it."""


class Village(Town):
    def __init__(self, node: Node, name: str) -> None:
        super().__init__(node)
        self.name = name
        self.at = START - timedelta(days=1)
        node.clock = lambda: self.at
        self.owner = self.resident(f"Eigenaar {name}")
        self.shop = self.act(
            create_organisation, self.owner, OrganisationForm(name=f"Winkel {name}", kind="shop")
        )
        self.act(join_as_partner, self.owner, self.shop, PartnerForm(offer="Koffie"))
        self.job = self.act(
            post_job,
            self.owner,
            JobForm(
                title=f"Klus in {name}", day="2031-05-03", start="10:00", end="22:00", hands=100
            ),
        )
        self.shift = self.read(get_job, self.job).shifts[0].id
        self.people: list[Acting] = []
        self.days = 0

    def newcomer(self, name: str) -> Acting:
        self.at = START - timedelta(days=1)
        person = self.resident(name)
        self.act(sign_up, person, self.job, SignupForm(shift=self.shift))
        self.people.append(person)
        return person

    def earn(self, person: Acting, minutes: int) -> None:
        """The person gives `minutes` in a shift of the village's job (the first one they earn
        in, then a new shift each time: hours are written once per person per shift); the owner
        confirms them."""
        shift = self.shift
        job = self.read(get_job, self.job)
        given = {h.person.person_id for s in job.shifts if s.id == shift for h in s.hours}
        if person.person_id in given:
            self.days += 1
            day = (START + timedelta(days=self.days)).date().isoformat()
            self.at = START - timedelta(days=1)
            form = ShiftForm(day=day, start="10:00", end="22:00", hands=100)
            shift = self.act(add_shift, self.owner, self.job, form)
            self.act(sign_up, person, self.job, SignupForm(shift=shift))
        self.at = START + timedelta(days=self.days, hours=4)
        hours = self.act(
            record_hours, person, self.job, HoursForm(shift=shift, hours=f"{minutes} min")
        )
        self.act(confirm_hours, self.owner, self.job, hours)

    def charge(self, person_id: str, minutes: int) -> Any:
        """The village's shop takes credits from someone (of any village)."""
        form = ChargeForm(person=person_id, amount=f"{minutes} min", what="Koffie en taart")
        return self.act(charge, self.owner, self.shop, form)

    def clerk(self) -> None:
        confirm_pending(self.node)

    def book(self) -> Book:
        return read_book(self.node)


def sync(source: Village, target: Village) -> None:
    """Everything `source` holds, merged into `target`, then `target` learns the catalogs."""
    for doc_id in list(source.node.documents.store.ids()):
        doc = source.node.documents.open(doc_id)
        with source.node.documents.lock(doc_id):
            data = doc.save()
        documents = target.node.documents
        with documents.lock(doc_id):
            try:
                mine = documents.open(doc_id)
            except NotFound:
                documents.adopt(doc_id, Document.load(data))
                continue
            before = mine.get_heads()
            mine.merge(Document.load(data))
            if mine.get_heads() != before:
                documents.persist_received(doc_id, mine)
    for other in (source, target):
        target.node.rights.learn_catalog(catalog_id_of(other.node.identity.node_id))


def villages(
    root: Path, names: tuple[str, ...] = ("Aalst", "Brakel", "Celles")
) -> Iterator[list[Village]]:
    made = [Village(open_town(root / name), name) for name in names]
    try:
        yield made
    finally:
        for village in made:
            asyncio.run(village.node.close())
