"""Discussions, people and organisations for list pages and a person's own pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import Invalid
from ..phrases import N_
from ..vocabulary import ORGANISATION_KINDS
from . import content as c
from .filters import MY_LIMIT, choice, identifier, paging, person_id, place_key, tag_key
from .hidden import not_hidden, visible
from .models import (
    CommentRow,
    DiscussionRow,
    DiscussionTagRow,
    OrganisationMemberRow,
    OrganisationRow,
    PersonRow,
    PersonTermRow,
)
from .pages import one_page
from .results import DiscussionSummary, OrganisationSummary, Page, PersonSummary

DISCUSSION_COLUMNS = (
    DiscussionRow.id,
    DiscussionRow.title,
    DiscussionRow.intro,
    DiscussionRow.initiative_id,
    DiscussionRow.village,
    DiscussionRow.neighbourhood,
    DiscussionRow.tags,
    DiscussionRow.created_by,
    DiscussionRow.created_at,
    DiscussionRow.comment_count,
    DiscussionRow.last_activity,
)
PERSON_COLUMNS = (
    PersonRow.id,
    PersonRow.display_name,
    PersonRow.village,
    PersonRow.neighbourhood,
    PersonRow.skills,
    PersonRow.offers,
)
ORGANISATION_COLUMNS = (
    OrganisationRow.id,
    OrganisationRow.name,
    OrganisationRow.kind,
    OrganisationRow.village,
    OrganisationRow.neighbourhood,
    OrganisationRow.member_count,
)


def discussion(row: Any) -> DiscussionSummary:
    return DiscussionSummary(
        id=row.id,
        title=row.title,
        intro=row.intro,
        initiative_id=row.initiative_id,
        village=row.village,
        neighbourhood=row.neighbourhood,
        tags=list(row.tags),
        created_by=row.created_by,
        created_at=row.created_at,
        comment_count=row.comment_count,
        last_activity=row.last_activity,
    )


def person(row: Any) -> PersonSummary:
    return PersonSummary(
        id=row.id,
        display_name=row.display_name,
        village=row.village,
        neighbourhood=row.neighbourhood,
        skills=list(row.skills),
        offers=list(row.offers),
    )


def organisation(row: Any) -> OrganisationSummary:
    return OrganisationSummary(
        id=row.id,
        name=row.name,
        kind=row.kind,
        village=row.village,
        neighbourhood=row.neighbourhood,
        member_count=row.member_count,
    )


async def list_discussions(
    session: AsyncSession,
    *,
    initiative: str | None = None,
    village: str | None = None,
    neighbourhood: str | None = None,
    tag: str | None = None,
    query: str | None = None,
    page: int = 1,
    per_page: int = 20,
    include_hidden: bool = False,
) -> Page[DiscussionSummary]:
    """Discussions matching every given filter, most recent activity first (best match first
    with a query). `initiative` gives the threads of one initiative."""
    page, per_page = paging(page, per_page)
    conditions: list[ColumnElement[bool]] = []
    if initiative is not None:
        conditions.append(DiscussionRow.initiative_id == identifier("initiative", initiative))
    if (village_key := place_key("village", village)) is not None:
        conditions.append(DiscussionRow.village_key == village_key)
    if (neighbourhood_key := place_key("neighbourhood", neighbourhood)) is not None:
        conditions.append(DiscussionRow.neighbourhood_key == neighbourhood_key)
    if (wanted_tag := tag_key(tag)) is not None:
        conditions.append(
            exists().where(
                DiscussionTagRow.discussion_id == DiscussionRow.id,
                DiscussionTagRow.tag == wanted_tag,
            )
        )
    conditions.extend(await visible(session, DiscussionRow.id, include_hidden))
    return await one_page(
        session,
        DiscussionRow,
        DISCUSSION_COLUMNS,
        discussion,
        where=conditions,
        order=[DiscussionRow.last_activity.desc(), DiscussionRow.id.desc()],
        page=page,
        per_page=per_page,
        query=query,
        kind="discussion",
    )


async def my_discussions(
    session: AsyncSession, person: str, *, include_hidden: bool = True
) -> list[DiscussionSummary]:
    """Discussions the person started or commented in, most recent activity first."""
    person = person_id(person)
    took_part = or_(
        DiscussionRow.created_by == person,
        exists().where(CommentRow.discussion_id == DiscussionRow.id, CommentRow.by == person),
    )
    statement = (
        select(*DISCUSSION_COLUMNS)
        .where(took_part)
        .order_by(DiscussionRow.last_activity.desc(), DiscussionRow.id.desc())
        .limit(MY_LIMIT)
    )
    if not include_hidden:
        statement = statement.where(not_hidden(DiscussionRow.id))
    return [discussion(row) for row in (await session.execute(statement)).all()]


async def list_people(
    session: AsyncSession,
    *,
    village: str | None = None,
    neighbourhood: str | None = None,
    skill: str | None = None,
    page: int = 1,
    per_page: int = 20,
    include_hidden: bool = False,
) -> Page[PersonSummary]:
    """Public profiles, by name; `skill` keeps people who list that skill (any case, spacing or
    punctuation)."""
    page, per_page = paging(page, per_page)
    conditions: list[ColumnElement[bool]] = []
    if (village_key := place_key("village", village)) is not None:
        conditions.append(PersonRow.village_key == village_key)
    if (neighbourhood_key := place_key("neighbourhood", neighbourhood)) is not None:
        conditions.append(PersonRow.neighbourhood_key == neighbourhood_key)
    if skill is not None and skill != "":
        if not isinstance(skill, str) or len(skill) > 60:
            raise Invalid("skill", N_("Een vaardigheid is hoogstens 60 tekens lang."))
        conditions.append(
            exists().where(
                PersonTermRow.person_id == PersonRow.id,
                PersonTermRow.source == "skill",
                PersonTermRow.term == c.terms(skill),
            )
        )
    conditions.extend(await visible(session, PersonRow.id, include_hidden))
    return await one_page(
        session,
        PersonRow,
        PERSON_COLUMNS,
        person,
        where=conditions,
        order=[PersonRow.display_name, PersonRow.id],
        page=page,
        per_page=per_page,
    )


async def display_names(session: AsyncSession, person_ids: Iterable[str]) -> dict[str, str]:
    """Display names of the given people that this node knows (unknown ids are left out)."""
    wanted = sorted({p for p in person_ids if isinstance(p, str) and 0 < len(p) <= 64})
    names: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = await session.execute(
            select(PersonRow.id, PersonRow.display_name).where(PersonRow.id.in_(chunk))
        )
        names.update({row.id: row.display_name for row in rows})
    return names


async def list_organisations(
    session: AsyncSession,
    *,
    village: str | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 50,
    include_hidden: bool = False,
) -> Page[OrganisationSummary]:
    """Organisations by name."""
    page, per_page = paging(page, per_page)
    conditions: list[ColumnElement[bool]] = []
    if (village_key := place_key("village", village)) is not None:
        conditions.append(OrganisationRow.village_key == village_key)
    if (wanted_kind := choice("kind", kind, ORGANISATION_KINDS)) is not None:
        conditions.append(OrganisationRow.kind == wanted_kind)
    conditions.extend(await visible(session, OrganisationRow.id, include_hidden))
    return await one_page(
        session,
        OrganisationRow,
        ORGANISATION_COLUMNS,
        organisation,
        where=conditions,
        order=[OrganisationRow.name, OrganisationRow.id],
        page=page,
        per_page=per_page,
    )


async def my_organisations(
    session: AsyncSession, person: str
) -> list[tuple[str, OrganisationSummary]]:
    """(role, organisation) for every organisation the person is a member of, by name."""
    person = person_id(person)
    statement = (
        select(OrganisationMemberRow.role, *ORGANISATION_COLUMNS)
        .join(OrganisationRow, OrganisationRow.id == OrganisationMemberRow.organisation_id)
        .where(OrganisationMemberRow.person_id == person)
        .order_by(OrganisationRow.name, OrganisationRow.id)
        .limit(MY_LIMIT)
    )
    return [(row.role, organisation(row)) for row in (await session.execute(statement)).all()]
