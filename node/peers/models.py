"""Local-only tables of peering: never replicated, never rebuilt from documents."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..projection.types import UTCDateTime

ID = 64
NODE_ID = 60
NAME = 80
URL = 500
REASON = 1000


class PeerRow(Base):
    """One neighbouring node. `inbound`: it dials us with a token we issued (only the token's hash
    is kept). `outbound`: we dial its URL with the token it issued to us (kept as given: we must
    present it).

    `kind`: a `node` proves its key in every handshake and `node_id` pins it (set by the host,
    or on first use); an `app` (an automerge-repo client such as a browser app) has only its
    token; a `relay` is a plain automerge-repo sync server we dial, which has no key."""

    __tablename__ = "peers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    direction: Mapped[str] = mapped_column(String(8))
    url: Mapped[str | None] = mapped_column(String(URL))
    token: Mapped[str | None] = mapped_column(String(128))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(8), default="node", server_default="node")
    node_id: Mapped[str | None] = mapped_column(String(NODE_ID))
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    person_id: Mapped[str | None] = mapped_column(String(ID))
    """For an app or relay: the local person this node vouches for its new actors as."""


class FollowedRow(Base):
    """A document this node asks every peer it dials for, though no peer announces it (one made
    by an automerge-repo app on a plain sync server, say)."""

    __tablename__ = "followed_documents"

    document_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class QuarantineRow(Base):
    """A document that arrived from a peer but breaks its schema: kept in the store, not shown."""

    __tablename__ = "quarantine"

    document_id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    reason: Mapped[str] = mapped_column(String(REASON))
    peer: Mapped[str] = mapped_column(String(NAME))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
