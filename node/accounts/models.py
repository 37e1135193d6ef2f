"""Local-only tables: they never leave this node and are not rebuilt from documents.

An account is keyed by the person's id (the id of their profile document), so the id a web session
keeps is the same one every document uses for that person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from ..projection.types import UTCDateTime

ID = 64
EMAIL = 254
ADDRESS = 64


class Account(Base):
    __tablename__ = "accounts"

    person_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL), unique=True)
    """Trimmed and lowercased before it is stored or looked up."""
    password_hash: Mapped[str] = mapped_column(String(255))
    """argon2id, in the PHC string format argon2-cffi writes (parameters included)."""
    actor: Mapped[bytes] = mapped_column(LargeBinary(16), unique=True)
    """This person's Automerge actor on this node: 16 random bytes, never reused."""
    display_name: Mapped[str] = mapped_column(String(80))
    """The name given at registration; the profile document is the authority after that."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login: Mapped[datetime | None] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(8))
    """The language the person last chose (nl, en): pages follow them to every device."""

    roles: Mapped[list[AccountRole]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class AccountRole(Base):
    __tablename__ = "account_roles"

    person_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.person_id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(24), primary_key=True)
    """One of node.acting.ROLES."""

    __table_args__ = (Index("ix_account_roles_role", "role"),)


class LoginFailure(Base):
    """One refused login, kept for the throttling window (older rows are deleted as they go)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(EMAIL))
    client: Mapped[str] = mapped_column(String(ADDRESS))
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    __table_args__ = (
        Index("ix_login_failures_email", "email", "at"),
        Index("ix_login_failures_client", "client", "at"),
    )


class ModerationRecord(Base):
    """A moderator hid a document (item_id None) or one item in it (a comment, an update).

    Never deleted: undoing sets undone_at, so what happened stays on record.
    """

    __tablename__ = "moderation_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(ID))
    item_id: Mapped[str | None] = mapped_column(String(32))
    by: Mapped[str] = mapped_column(String(ID))
    """The moderator's person id."""
    reason: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(ID))

    __table_args__ = (Index("ix_moderation_records_doc", "doc_id", "item_id", "undone_at"),)
