"""The projection: SQL tables that follow from the documents and can be rebuilt from them alone.

One row set per document, replaced whole by `project()` after every change. Lists that a page
filters or counts by (tags, allies, needs, tasks, comments, members, skills) get their own tables;
what a page only shows (the tags of a card, a person's skills) is also kept as JSON on the parent
row, so a list page reads one table. Places and tags have a `*_key` column (trimmed, case-folded)
for filtering and facets next to the form people wrote.

Full-text search: `search_entries` holds one row per searchable document (title, body). On SQLite
an external-content FTS5 table `search_fts` indexes it, kept current by triggers; on PostgreSQL a
generated `tsvector` column `document` with a GIN index does. Both are created by DDL below, when
`search_entries` is created, and dropped with it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from .types import UTCDateTime

ID = 64  # document ids are 20-40 base58 characters; room for what a peer might send
ITEM_ID = 32
PLACE = 100
SEARCH_CONFIG = "dutch"  # PostgreSQL text search configuration (stemming for Dutch)


class InitiativeRow(Base):
    __tablename__ = "initiatives"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(24))
    village: Mapped[str] = mapped_column(String(PLACE))
    village_key: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood_key: Mapped[str] = mapped_column(String(PLACE))
    tags: Mapped[list[str]] = mapped_column(JSON)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    supporter_count: Mapped[int] = mapped_column(Integer)
    joiner_count: Mapped[int] = mapped_column(Integer)
    tasks_done: Mapped[int] = mapped_column(Integer)
    tasks_total: Mapped[int] = mapped_column(Integer)
    open_needs: Mapped[list[str]] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_initiatives_updated", "updated_at", "id"),
        Index("ix_initiatives_village_updated", "village_key", "updated_at", "id"),
        Index(
            "ix_initiatives_place_updated",
            "village_key",
            "neighbourhood_key",
            "updated_at",
            "id",
        ),
        Index("ix_initiatives_status_updated", "status", "updated_at", "id"),
        # covering indexes for the place facets (key and label)
        Index("ix_initiatives_village_label", "village_key", "village"),
        Index("ix_initiatives_hood_label", "village_key", "neighbourhood_key", "neighbourhood"),
    )


class InitiativeTagRow(Base):
    __tablename__ = "initiative_tags"

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(40))
    village_key: Mapped[str] = mapped_column(String(PLACE))
    """The initiative's, repeated here so tag facets per village read one covering index."""

    __table_args__ = (
        Index("ix_initiative_tags_tag", "tag", "label", "initiative_id"),
        Index("ix_initiative_tags_village", "village_key", "tag", "label", "initiative_id"),
    )


class InitiativeAllyRow(Base):
    __tablename__ = "initiative_allies"

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    offer: Mapped[str] = mapped_column(Text)
    organisation_id: Mapped[str | None] = mapped_column(String(ID))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_initiative_allies_person", "person_id", "role"),)


class InitiativeNeedRow(Base):
    __tablename__ = "initiative_needs"

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    need_id: Mapped[str] = mapped_column(String(ITEM_ID), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    skill: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(200))
    fulfilled: Mapped[bool] = mapped_column(Boolean)
    amount_cents: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(ID))

    __table_args__ = (Index("ix_initiative_needs_kind", "kind", "fulfilled", "initiative_id"),)


class InitiativeTaskRow(Base):
    __tablename__ = "initiative_tasks"

    initiative_id: Mapped[str] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    task_id: Mapped[str] = mapped_column(String(ITEM_ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(ID))
    status: Mapped[str] = mapped_column(String(8))
    due: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_initiative_tasks_owner", "owner", "status"),)


class DiscussionRow(Base):
    __tablename__ = "discussions"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text)  # the first part only: lists show an excerpt
    initiative_id: Mapped[str | None] = mapped_column(String(ID), index=True)
    village: Mapped[str] = mapped_column(String(PLACE))
    village_key: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood_key: Mapped[str] = mapped_column(String(PLACE))
    tags: Mapped[list[str]] = mapped_column(JSON)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment_count: Mapped[int] = mapped_column(Integer)
    last_activity: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_discussions_activity", "last_activity", "id"),
        Index("ix_discussions_village_activity", "village_key", "last_activity", "id"),
    )


class DiscussionTagRow(Base):
    __tablename__ = "discussion_tags"

    discussion_id: Mapped[str] = mapped_column(
        ForeignKey("discussions.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(40), primary_key=True)
    label: Mapped[str] = mapped_column(String(40))

    __table_args__ = (Index("ix_discussion_tags_tag", "tag", "discussion_id"),)


class CommentRow(Base):
    __tablename__ = "comments"

    discussion_id: Mapped[str] = mapped_column(
        ForeignKey("discussions.id", ondelete="CASCADE"), primary_key=True
    )
    comment_id: Mapped[str] = mapped_column(String(ITEM_ID), primary_key=True)
    by: Mapped[str] = mapped_column(String(ID))
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)
    reply_to: Mapped[str | None] = mapped_column(String(ITEM_ID))
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_comments_by", "by", "at"),)


class VillageRow(Base):
    """A node's name, from its catalog document: the home village pages name for documents from
    that node."""

    __tablename__ = "villages"

    node_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    catalog_id: Mapped[str] = mapped_column(String(ID), unique=True)
    documents: Mapped[int] = mapped_column(Integer)


class PersonRow(Base):
    """Public profile fields only: what the person chose to show in their profile document."""

    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(80))
    village: Mapped[str] = mapped_column(String(PLACE))
    village_key: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood_key: Mapped[str] = mapped_column(String(PLACE))
    skills: Mapped[list[str]] = mapped_column(JSON)
    offers: Mapped[list[str]] = mapped_column(JSON)
    about: Mapped[str] = mapped_column(Text)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    in_alliance: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    """The person chose to show their skills in the alliances' skills directory."""

    __table_args__ = (Index("ix_people_place", "village_key", "neighbourhood_key"),)


class PersonTermRow(Base):
    """A person's skills and offers in matching form (see content.terms), for "who has what we
    need"."""

    __tablename__ = "person_terms"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(8), primary_key=True)  # "skill" or "offer"
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(200))

    __table_args__ = (Index("ix_person_terms_term", "term"),)


class OrganisationRow(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(24))
    about: Mapped[str] = mapped_column(Text)  # the first part only
    village: Mapped[str] = mapped_column(String(PLACE))
    village_key: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood_key: Mapped[str] = mapped_column(String(PLACE))
    website: Mapped[str] = mapped_column(String(300))
    member_count: Mapped[int] = mapped_column(Integer)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_organisations_village", "village_key", "name"),)


class OrganisationMemberRow(Base):
    __tablename__ = "organisation_members"

    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    role: Mapped[str] = mapped_column(String(8))
    since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_organisation_members_person", "person_id"),)


class GrantCallRow(Base):
    """A micro-grant call, for the list of calls: open ones (a round still taking applications)
    first."""

    __tablename__ = "grant_calls"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    about: Mapped[str] = mapped_column(Text)  # the first part only
    organisation_id: Mapped[str | None] = mapped_column(String(ID))
    max_grant_cents: Mapped[int] = mapped_column(Integer)
    neighbourhoods: Mapped[list[str]] = mapped_column(JSON)
    last_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    """The latest deadline of its rounds: the call takes applications until then."""
    round_count: Mapped[int] = mapped_column(Integer)
    application_count: Mapped[int] = mapped_column(Integer)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JobRow(Base):
    """A Doe-plek job, for the list of jobs: open ones with the soonest shift first."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    about: Mapped[str] = mapped_column(Text)  # the first part only
    organisation_id: Mapped[str | None] = mapped_column(String(ID))
    village: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood: Mapped[str] = mapped_column(String(PLACE))
    size: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    first_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_end: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    """The end of its last shift: after that the job is over."""
    hands: Mapped[int] = mapped_column(Integer)
    hands_taken: Mapped[int] = mapped_column(Integer)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PollRow(Base):
    """A poll, for the polls of a discussion or initiative and the list of open decisions."""

    __tablename__ = "polls"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    about: Mapped[str | None] = mapped_column(String(ID), index=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed: Mapped[bool] = mapped_column(Boolean)
    """Closed early by its starter (a poll past its closing time is closed too)."""
    vote_count: Mapped[int] = mapped_column(Integer)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventRow(Base):
    """An event, for the list of upcoming and past events and the sections of its organiser."""

    __tablename__ = "events"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    time_zone: Mapped[str] = mapped_column(String(64))
    organiser_id: Mapped[str] = mapped_column(String(ID), index=True)
    organiser_type: Mapped[str] = mapped_column(String(16))
    location: Mapped[str] = mapped_column(String(200))
    """The room and place as the event names them, or the location in words."""
    place_id: Mapped[str | None] = mapped_column(String(ID))
    capacity: Mapped[int | None] = mapped_column(Integer)
    registration_count: Mapped[int] = mapped_column(Integer)
    """Registrations with a seat; the waiting list is `waiting_count`."""
    seats_taken: Mapped[int] = mapped_column(Integer)
    waiting_count: Mapped[int] = mapped_column(Integer)
    cancelled: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ContributionRow(Base):
    """One figure an initiative's impact is made of, from whichever document holds it: hours a
    job's helpers gave (confirmed), a grant decided, what the initiators report (people reached,
    money raised). `initiative_id` is None for what counts only for the node as a whole (hours of
    a job for no initiative). Amounts: minutes, euro cents or people, as `kind` says."""

    __tablename__ = "impact_contributions"

    doc_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(ITEM_ID), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    initiative_id: Mapped[str | None] = mapped_column(String(ID), index=True)
    amount: Mapped[int] = mapped_column(Integer)


class AllianceRow(Base):
    """An alliance of villages this node holds, for the list of alliances."""

    __tablename__ = "alliances"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    member_count: Mapped[int] = mapped_column(Integer)
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SearchEntryRow(Base):
    """What full-text search sees of one document; kind is the document type."""

    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(ID), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)


_search_table: Table = SearchEntryRow.__table__  # type: ignore[assignment]

_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, content='search_entries', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
_POSTGRES_TSVECTOR = (
    "ALTER TABLE search_entries ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector('{SEARCH_CONFIG}', coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX ix_search_entries_document ON search_entries USING GIN (document)",
)

for _statement in _SQLITE_FTS:
    event.listen(_search_table, "after_create", DDL(_statement).execute_if(dialect="sqlite"))  # type: ignore[no-untyped-call]
for _statement in _POSTGRES_TSVECTOR:
    event.listen(_search_table, "after_create", DDL(_statement).execute_if(dialect="postgresql"))  # type: ignore[no-untyped-call]
event.listen(
    _search_table,
    "before_drop",
    DDL("DROP TABLE IF EXISTS search_fts").execute_if(dialect="sqlite"),  # type: ignore[no-untyped-call]
)


class PlaceRow(Base):
    """A place with rooms (zalenzoeker), for the list of places."""

    __tablename__ = "places"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24), index=True)
    about: Mapped[str] = mapped_column(Text)  # the first part only
    address: Mapped[str] = mapped_column(String(200))
    village: Mapped[str] = mapped_column(String(PLACE))
    village_key: Mapped[str] = mapped_column(String(PLACE), index=True)
    neighbourhood: Mapped[str] = mapped_column(String(PLACE))
    neighbourhood_key: Mapped[str] = mapped_column(String(PLACE))
    step_free: Mapped[bool] = mapped_column(Boolean)
    room_count: Mapped[int] = mapped_column(Integer)
    max_capacity: Mapped[int] = mapped_column(Integer)
    """The largest room's capacity (0 without rooms): "a room for 40 people"."""
    origin_node: Mapped[str] = mapped_column(String(ID))
    created_by: Mapped[str] = mapped_column(String(ID))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlaceBookingRow(Base):
    """A booking request of a place, to find a person's own bookings across places."""

    __tablename__ = "place_bookings"

    place_id: Mapped[str] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), primary_key=True
    )
    booking_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(ID))
    person_id: Mapped[str] = mapped_column(String(ID))
    start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_place_bookings_person", "person_id"),)


PROJECTION_TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        InitiativeRow,
        InitiativeTagRow,
        InitiativeAllyRow,
        InitiativeNeedRow,
        InitiativeTaskRow,
        DiscussionRow,
        DiscussionTagRow,
        CommentRow,
        PersonRow,
        PersonTermRow,
        OrganisationRow,
        OrganisationMemberRow,
        GrantCallRow,
        JobRow,
        PollRow,
        PlaceRow,
        PlaceBookingRow,
        EventRow,
        ContributionRow,
        AllianceRow,
        VillageRow,
        SearchEntryRow,
    )
)
"""Every table `reindex` drops and rebuilds; none of them holds anything but projected data."""
