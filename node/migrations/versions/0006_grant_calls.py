"""grant_calls: the projection of micro-grant calls (issue 7), for the list of calls.

A projection table: rebuilt by `mekaar reindex` like the others, so nothing is migrated into it.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "grant_calls" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all on a node's first run
    op.create_table(
        "grant_calls",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=True),
        sa.Column("max_grant_cents", sa.Integer(), nullable=False),
        sa.Column("neighbourhoods", sa.JSON(), nullable=False),
        sa.Column("last_deadline", UTCDateTime(), nullable=True),
        sa.Column("round_count", sa.Integer(), nullable=False),
        sa.Column("application_count", sa.Integer(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_grant_calls_last_deadline", "grant_calls", ["last_deadline"])


def downgrade() -> None:
    op.drop_index("ix_grant_calls_last_deadline", table_name="grant_calls")
    op.drop_table("grant_calls")
