"""A person's Doe-punten as the pages show them: the balance, derived from every ledger held
here, and each entry with its state (counted, pending at the home node, refused, on its way)."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..service import read_field
from .book import State, read_book

if TYPE_CHECKING:
    from ..runtime import Node


class EntryView(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    kind: str
    minutes: int
    at: datetime
    state: State
    job_id: str | None
    job_title: str | None
    partner_id: str | None
    partner_name: str | None
    what: str


class AccountView(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    balance: int
    """Minutes: counted earnings minus counted spending."""
    pending: int
    """Minutes of spending the home node has not answered yet."""
    entries: list[EntryView]


class PartnerView(msgspec.Struct, frozen=True, kw_only=True):
    organisation_id: str
    name: str
    offer: str


def _account(node: Node, person_id: str) -> AccountView:
    book = read_book(node)
    mine = book.of(person_id)
    jobs = read_field(node, [e.job for e, _ in mine if e.job], "job", "title")
    partners = read_field(node, [e.partner for e, _ in mine if e.partner], "organisation", "name")
    return AccountView(
        person_id=person_id,
        balance=book.balance(person_id),
        pending=sum(e.minutes for e, s in mine if e.kind == "spend" and s == "pending"),
        entries=[
            EntryView(
                key=entry.key,
                kind=entry.kind,
                minutes=entry.minutes,
                at=entry.at,
                state=state,
                job_id=entry.job,
                job_title=jobs.get(entry.job) if entry.job else None,
                partner_id=entry.partner,
                partner_name=partners.get(entry.partner) if entry.partner else None,
                what=entry.what,
            )
            for entry, state in mine
        ],
    )


async def get_account(node: Node, person_id: str) -> AccountView:
    return await asyncio.to_thread(_account, node, person_id)


def _partners(node: Node) -> list[PartnerView]:
    book = read_book(node)
    names = read_field(node, book.partners, "organisation", "name")
    return sorted(
        (
            PartnerView(organisation_id=org, name=names.get(org) or "?", offer=offer)
            for org, offer in book.partners.items()
        ),
        key=lambda p: p.name.casefold(),
    )


async def get_partners(node: Node) -> list[PartnerView]:
    return await asyncio.to_thread(_partners, node)
