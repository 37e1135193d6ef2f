"""Full-text search over the projection: SQLite FTS5 or PostgreSQL tsvector, chosen by dialect.

Both read the same query language, PostgreSQL's `websearch_to_tsquery`: words must all occur,
`"a phrase"` must occur as written, `or` between words accepts either, `-word` excludes. On SQLite
the query is translated into an FTS5 expression here; every word is quoted, so nothing a person
types is read as FTS5 syntax. Titles weigh more than bodies on both.

Differences that remain: PostgreSQL stems Dutch words (`moestuinen` finds `moestuin`) and drops
stop words; SQLite matches words by prefix instead (`moestuin` finds `moestuinen`, not the other
way round) and ignores accents. Neither finds the second half of a compound (`moestuin` does not
find `buurtmoestuin`).
"""

from __future__ import annotations

import re
from typing import Any, Literal

import msgspec
from sqlalchemy import ColumnElement, Select, func, literal_column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from ..errors import Invalid
from ..phrases import N_
from .hidden import not_hidden
from .models import SEARCH_CONFIG, SearchEntryRow

MAX_QUERY = 200  # characters of a query that are read
MAX_TERMS = 16
KINDS = ("initiative", "discussion", "person", "organisation", "grant_call", "job", "place", "poll")

_fts = table("search_fts")
_PIECE = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


class SearchHit(msgspec.Struct, frozen=True, kw_only=True):
    kind: Literal[
        "initiative", "discussion", "person", "organisation", "grant_call", "job", "place", "poll"
    ]
    id: str
    title: str
    snippet: str
    """Plain text around the first word found (no markup: the page escapes it)."""
    score: float
    """Lower is better; only comparable within one result list."""


def clean_query(query: str | None) -> str | None:
    """The query as it will be searched, or None when there is nothing to search for."""
    if query is None:
        return None
    if not isinstance(query, str):
        raise Invalid("q", N_("Zoek met gewone tekst."))
    query = query.strip()[:MAX_QUERY]
    return query if _WORD.search(query) else None


def fts5_expression(query: str) -> str | None:
    """Translate websearch syntax into an FTS5 MATCH expression (None: nothing can match)."""
    groups: list[list[str]] = []
    excluded: list[str] = []
    join_next = False
    count = 0
    for match in _PIECE.finditer(query):
        negate = bool(match.group(1) or match.group(3))
        phrase = match.group(2) is not None
        raw = match.group(2) if phrase else match.group(4)
        if not phrase and raw.casefold() == "or":
            join_next = bool(groups)
            continue
        words = _WORD.findall(raw)
        if not words or count >= MAX_TERMS:
            join_next = False
            continue
        count += 1
        term = '"' + " ".join(words) + '"'  # \w+ words hold no quote, so this is one string
        if not phrase:
            term += "*"  # a prefix: moestuin finds moestuinen, as stemming does on PostgreSQL
        if negate:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False
    if not groups:
        return None
    wanted = " AND ".join("(" + " OR ".join(group) + ")" for group in groups)
    if excluded:
        return f"({wanted}) NOT ({' OR '.join(excluded)})"
    return wanted


def matches(dialect: str, query: str) -> Select[tuple[str, str, float]] | None:
    """(doc_id, kind, score) of every entry matching `query`; lower score ranks first."""
    if dialect == "postgresql":
        document: ColumnElement[Any] = literal_column("search_entries.document")
        tsquery = func.websearch_to_tsquery(literal_column(f"'{SEARCH_CONFIG}'"), query)
        weights: ColumnElement[Any] = literal_column(
            "'{0.02, 0.05, 0.1, 1.0}'::float4[]"
        )  # D, C, B=body, A=title
        score = -func.ts_rank(weights, document, tsquery)
        return select(SearchEntryRow.doc_id, SearchEntryRow.kind, score.label("score")).where(
            document.op("@@")(tsquery)
        )
    expression = fts5_expression(query)
    if expression is None:
        return None
    fts: ColumnElement[Any] = literal_column("search_fts")
    rank = func.bm25(fts, 10.0, 1.0)  # title, body
    return (
        select(SearchEntryRow.doc_id, SearchEntryRow.kind, rank.label("score"))
        .select_from(SearchEntryRow)
        .join(_fts, literal_column("search_fts.rowid") == SearchEntryRow.id)
        .where(fts.op("MATCH")(expression))
    )


def dialect_of(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def search(
    session: AsyncSession,
    query: str,
    *,
    kinds: tuple[str, ...] = KINDS,
    limit: int = 20,
    include_hidden: bool = False,
) -> list[SearchHit]:
    """Initiatives, discussions, people and organisations matching `query`, best first.

    Content hidden by this node's moderators is left out unless include_hidden.
    """
    wanted = clean_query(query)
    if wanted is None:
        return []
    if not set(kinds) <= set(KINDS):
        raise Invalid("kind", N_("Onbekend soort zoekresultaat."))
    limit = max(1, min(limit, 100))
    found = matches(dialect_of(session), wanted)
    if found is None:
        return []
    hits = found.subquery()
    statement = (
        select(hits.c.doc_id, hits.c.kind, hits.c.score, SearchEntryRow.title, SearchEntryRow.body)
        .join(SearchEntryRow, SearchEntryRow.doc_id == hits.c.doc_id)
        .where(hits.c.kind.in_(kinds))
        .order_by(hits.c.score, hits.c.doc_id)
        .limit(limit)
    )
    if not include_hidden:
        statement = statement.where(not_hidden(hits.c.doc_id))
    rows = (await session.execute(statement)).all()
    return [
        SearchHit(
            kind=row.kind,
            id=row.doc_id,
            title=row.title,
            snippet=snippet(row.body, wanted),
            score=float(row.score),
        )
        for row in rows
    ]


def snippet(body: str, query: str, width: int = 160) -> str:
    """A piece of `body` around the first query word it contains (or its start)."""
    lowered = body.casefold()
    start = -1
    for word in _WORD.findall(query.casefold()):
        if word == "or":
            continue
        start = lowered.find(word)
        if start >= 0:
            break
    if start < 0:
        start = 0
    begin = max(0, start - width // 3)
    piece = " ".join(body[begin : begin + width].split())
    prefix = "…" if begin > 0 else ""
    suffix = "…" if begin + width < len(body) else ""
    return f"{prefix}{piece}{suffix}"
