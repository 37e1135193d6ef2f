"""What projection queries return: plain msgspec Structs, never ORM objects, so pages and JSON
encode them directly and nothing can lazy-load after the session closed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Generic, Literal, TypeVar

import msgspec

T = TypeVar("T")

Proximity = Literal["neighbourhood", "village", "elsewhere"]


class Page(msgspec.Struct, Generic[T], frozen=True, kw_only=True):
    items: list[T]
    total: int
    """How many match the filters, over all pages."""
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


class InitiativeSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    summary: str
    status: str
    village: str
    neighbourhood: str
    tags: list[str]
    origin_node: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    supporter_count: int
    joiner_count: int
    """Allies doing the work: initiators, coordinators and joiners."""
    tasks_done: int
    tasks_total: int
    open_needs: list[str]
    """Kinds of needs not yet fulfilled (skills, hands, materials, room, money), sorted."""


class MyInitiative(msgspec.Struct, frozen=True, kw_only=True):
    role: str
    initiative: InitiativeSummary


class MyTask(msgspec.Struct, frozen=True, kw_only=True):
    initiative_id: str
    initiative_title: str
    task_id: str
    title: str
    status: str
    due: date | None


class DiscussionSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    intro: str
    """The first part of the introduction only."""
    initiative_id: str | None
    village: str
    neighbourhood: str
    tags: list[str]
    created_by: str
    created_at: datetime
    comment_count: int
    last_activity: datetime


class PersonSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    display_name: str
    village: str
    neighbourhood: str
    skills: list[str]
    offers: list[str]


class OrganisationSummary(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    kind: str
    village: str
    neighbourhood: str
    member_count: int


class Facet(msgspec.Struct, frozen=True, kw_only=True):
    value: str
    """What to pass back as a filter (the case-folded key)."""
    label: str
    """How people wrote it."""
    count: int


class Candidate(msgspec.Struct, frozen=True, kw_only=True):
    """Someone whose skills or offers match an initiative's open skill needs."""

    person: PersonSummary
    proximity: Proximity
    need_ids: list[str]
    """The open needs this person matches, in the initiative's order."""
    matched: list[str]
    """The person's skills and offers that matched, as they wrote them."""
