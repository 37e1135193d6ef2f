"""The local-only record of which alliances this node takes part in: what the host asked for
with `mekaar alliance create/join/leave`. Never replicated; the running node acts on it (the
keeper, node/alliance/keeper.py), so the CLI never writes documents behind a running node's back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base
from ..projection.types import UTCDateTime

JOINED = "joined"
LEAVING = "leaving"


class AllianceMembershipRow(Base):
    """One alliance this node is (or was asked to be) a member of. `name`: for one this node
    founds, the name to make it with (the document is made by the running node, with this id);
    `state`: joined, or leaving (its entry is taken out, then the row goes)."""

    __tablename__ = "alliance_memberships"

    alliance_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    founding: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
