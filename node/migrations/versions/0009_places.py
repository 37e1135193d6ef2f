"""places, place_bookings: the projection of places with rooms (issue 7, zalenzoeker).

Projection tables: rebuilt by `mekaar reindex` like the others, so nothing is migrated into them.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables = sa.inspect(op.get_bind()).get_table_names()
    if "places" not in tables:  # else made by create_all on a node's first run
        op.create_table(
            "places",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("kind", sa.String(length=24), nullable=False),
            sa.Column("about", sa.Text(), nullable=False),
            sa.Column("address", sa.String(length=200), nullable=False),
            sa.Column("village", sa.String(length=100), nullable=False),
            sa.Column("village_key", sa.String(length=100), nullable=False),
            sa.Column("neighbourhood", sa.String(length=100), nullable=False),
            sa.Column("neighbourhood_key", sa.String(length=100), nullable=False),
            sa.Column("step_free", sa.Boolean(), nullable=False),
            sa.Column("room_count", sa.Integer(), nullable=False),
            sa.Column("max_capacity", sa.Integer(), nullable=False),
            sa.Column("origin_node", sa.String(length=64), nullable=False),
            sa.Column("created_by", sa.String(length=64), nullable=False),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
        op.create_index("ix_places_kind", "places", ["kind"])
        op.create_index("ix_places_village_key", "places", ["village_key"])
    if "place_bookings" not in tables:
        op.create_table(
            "place_bookings",
            sa.Column("place_id", sa.String(length=64), nullable=False),
            sa.Column("booking_id", sa.String(length=64), nullable=False),
            sa.Column("room_id", sa.String(length=64), nullable=False),
            sa.Column("person_id", sa.String(length=64), nullable=False),
            sa.Column("start", UTCDateTime(), nullable=True),
            sa.Column("end", UTCDateTime(), nullable=True),
            sa.ForeignKeyConstraint(["place_id"], ["places.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("place_id", "booking_id"),
        )
        op.create_index("ix_place_bookings_person", "place_bookings", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_place_bookings_person", table_name="place_bookings")
    op.drop_table("place_bookings")
    op.drop_index("ix_places_village_key", table_name="places")
    op.drop_index("ix_places_kind", table_name="places")
    op.drop_table("places")
