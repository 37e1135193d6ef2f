"""Local-only tables of notifications: what is news for whom, each person's choices, and the
digests sent. Never replicated, never exported; a backup keeps them (node/archive/local_tables.py).

A notice is written once per person and thing that happened (`kind`, `doc_id`, `item_id` are
unique per person), so a change that arrives twice, or through a second village, is one notice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..accounts import models as _accounts  # noqa: F401  (the foreign key's table)
from ..db import Base
from ..projection.types import UTCDateTime

ID = 64
ITEM = 64
KIND = 16
SUMMARY = 200


class Notice(Base):
    """One piece of news for one person: something that happened in a thing they follow."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("accounts.person_id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(KIND))
    """One of node.notifications.kinds.KINDS."""
    doc_id: Mapped[str] = mapped_column(String(ID))
    """The document it happened in (a discussion, an initiative, a poll)."""
    item_id: Mapped[str] = mapped_column(String(ITEM))
    """What in that document: a comment id, an ally's person id, a task id, the poll id."""
    subject_id: Mapped[str] = mapped_column(String(ID))
    """The initiative or discussion the news is grouped under."""
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject_title: Mapped[str] = mapped_column(String(200))
    actor_id: Mapped[str] = mapped_column(String(ID))
    """Who did it ("" when nobody is named): shown by their profile's current name."""
    summary: Mapped[str] = mapped_column(String(SUMMARY))
    """The first words of a comment, a task's or poll's title."""
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    """When it happened, as the document says (never later than when it arrived here)."""
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("person_id", "kind", "doc_id", "item_id", name="uq_notices_what"),
        Index("ix_notices_unread", "person_id", "read_at"),
        Index("ix_notices_person_at", "person_id", "at"),
    )


class NoticeSettings(Base):
    """A person's choices; without a row the defaults hold (weekly digest, every kind on)."""

    __tablename__ = "notice_settings"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.person_id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(8))
    """off, daily or weekly."""
    muted: Mapped[list[str]] = mapped_column(JSON)
    """The kinds this person does not want to hear about."""
    seen_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """Everything that happened before this is old news for them (set by "alles gelezen")."""
    digested_id: Mapped[int] = mapped_column(Integer)
    """Notices up to this id went into a digest (or were decided not to)."""


class Digest(Base):
    """A digest made for one person in one period: at most one per period, whatever arrives.

    Written (and committed) before the mail goes out, so a crash or a second run never sends
    the same digest twice; `sent_at` stays empty when the mail server refused it.
    """

    __tablename__ = "notice_digests"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.person_id", ondelete="CASCADE"), primary_key=True
    )
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    """2031-06-02 for a daily digest, 2031-W23 for a weekly one (local time)."""
    up_to_id: Mapped[int] = mapped_column(Integer)
    notices: Mapped[int] = mapped_column(Integer)
    made_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
