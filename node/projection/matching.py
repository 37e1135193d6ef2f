""" "Who has what we need": people whose skills or offers match an initiative's open skill needs.

A need is read as its `skill` (or, when that is empty, its description) in matching form
(content.terms: case-folded letters and digits). A person matches a need when the need's words
occur in one of their skills or offers ("koken" in "samen koken voor de buurt"), or when one of
their skills (3+ characters) occurs in the need ("tuin" in "moestuin aanleggen"). Substrings, not
whole words, because Dutch glues words together.

Nearby people come first (same neighbourhood in the same village, then same village, then the
rest), then those matching more needs, then by name. People already doing the work (initiators,
coordinators, joiners) are left out; supporters are not, since asking them is the point.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import NotFound
from ..phrases import N_
from . import content as c
from .directory import PERSON_COLUMNS, person
from .filters import identifier
from .hidden import not_hidden
from .models import (
    InitiativeAllyRow,
    InitiativeNeedRow,
    InitiativeRow,
    PersonRow,
    PersonTermRow,
)
from .results import Candidate, Proximity

MIN_TERM = 3
MAX_TERM_ROWS = 5_000
_ORDER: dict[Proximity, int] = {"neighbourhood": 0, "village": 1, "elsewhere": 2}


def term_matches(need: str, term: str, source: str) -> bool:
    """The rule the SQL below applies, for one need and one skill or offer (both as terms)."""
    return (len(need) >= MIN_TERM and need in term) or (
        source == "skill" and len(term) >= MIN_TERM and term in need
    )


def _sql_matches(need: str) -> ColumnElement[bool]:
    term = PersonTermRow.term
    # terms hold only letters, digits and spaces: nothing in them is a LIKE wildcard
    need_in_term = term.like(f"%{need}%") if len(need) >= MIN_TERM else literal(False)
    term_in_need = and_(
        PersonTermRow.source == "skill",
        func.length(term) >= MIN_TERM,
        literal(need).like(literal("%") + term + literal("%")),
    )
    return or_(need_in_term, term_in_need)


async def who_has_what_we_need(
    session: AsyncSession,
    initiative_id: str,
    *,
    limit: int = 20,
    include_hidden: bool = False,
) -> list[Candidate]:
    """People to ask for an initiative's open skill needs, nearest first (see module doc)."""
    initiative_id = identifier("initiative", initiative_id)
    limit = max(1, min(limit, 100))
    place = (
        await session.execute(
            select(InitiativeRow.village_key, InitiativeRow.neighbourhood_key).where(
                InitiativeRow.id == initiative_id
            )
        )
    ).first()
    if place is None:
        raise NotFound(N_("initiatief"))
    need_rows = (
        await session.execute(
            select(
                InitiativeNeedRow.need_id, InitiativeNeedRow.skill, InitiativeNeedRow.description
            )
            .where(
                InitiativeNeedRow.initiative_id == initiative_id,
                InitiativeNeedRow.kind == "skills",
                InitiativeNeedRow.fulfilled.is_(False),
            )
            .order_by(InitiativeNeedRow.created_at, InitiativeNeedRow.need_id)
        )
    ).all()
    needs = [(row.need_id, c.terms(row.skill or row.description)) for row in need_rows]
    needs = [(need_id, need) for need_id, need in needs if need]
    if not needs:
        return []
    working = select(InitiativeAllyRow.person_id).where(
        InitiativeAllyRow.initiative_id == initiative_id,
        InitiativeAllyRow.role.in_(("initiator", "coordinator", "joiner")),
    )
    statement = (
        select(
            PersonTermRow.person_id,
            PersonTermRow.source,
            PersonTermRow.position,
            PersonTermRow.term,
        )
        .where(or_(*(_sql_matches(need) for _, need in needs)))
        .where(PersonTermRow.person_id.not_in(working))
        .order_by(PersonTermRow.person_id, PersonTermRow.source, PersonTermRow.position)
        .limit(MAX_TERM_ROWS)
    )
    if not include_hidden:
        statement = statement.where(not_hidden(PersonTermRow.person_id))
    matched_needs: dict[str, set[str]] = defaultdict(set)
    matched_terms: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for row in (await session.execute(statement)).all():
        hits = {need_id for need_id, need in needs if term_matches(need, row.term, row.source)}
        if hits:
            matched_needs[row.person_id] |= hits
            matched_terms[row.person_id].append((row.source, row.position))
    if not matched_needs:
        return []
    people = (
        await session.execute(
            select(*PERSON_COLUMNS, PersonRow.village_key, PersonRow.neighbourhood_key).where(
                PersonRow.id.in_(sorted(matched_needs))
            )
        )
    ).all()
    order = [need_id for need_id, _ in needs]
    candidates = []
    for match in people:
        found = person(match)
        labels = [
            (found.skills if source == "skill" else found.offers)[position]
            for source, position in matched_terms[match.id]
            if position < len(found.skills if source == "skill" else found.offers)
        ]
        candidates.append(
            Candidate(
                person=found,
                proximity=_proximity(
                    place.village_key,
                    place.neighbourhood_key,
                    match.village_key,
                    match.neighbourhood_key,
                ),
                need_ids=[n for n in order if n in matched_needs[match.id]],
                matched=labels,
            )
        )
    candidates.sort(
        key=lambda x: (
            _ORDER[x.proximity],
            -len(x.need_ids),
            x.person.display_name.casefold(),
            x.person.id,
        )
    )
    return candidates[:limit]


def _proximity(village: str, neighbourhood: str, their_village: str, their_hood: str) -> Proximity:
    if village and village == their_village:
        if neighbourhood and neighbourhood == their_hood:
            return "neighbourhood"
        return "village"
    return "elsewhere"
