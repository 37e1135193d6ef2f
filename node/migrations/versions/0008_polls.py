"""polls: the projection of polls (issue 8), for the polls of a discussion or initiative.

A projection table: rebuilt by `mekaar reindex` like the others, so nothing is migrated into it.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "polls" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all on a node's first run
    op.create_table(
        "polls",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("about", sa.String(length=64), nullable=True),
        sa.Column("closes_at", UTCDateTime(), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_polls_about", "polls", ["about"])


def downgrade() -> None:
    op.drop_index("ix_polls_about", table_name="polls")
    op.drop_table("polls")
