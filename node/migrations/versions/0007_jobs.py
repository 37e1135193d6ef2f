"""jobs: the projection of Doe-plek jobs (issue 7), for the list of jobs.

A projection table: rebuilt by `mekaar reindex` like the others, so nothing is migrated into it.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "jobs" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all on a node's first run
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood", sa.String(length=100), nullable=False),
        sa.Column("size", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("first_start", UTCDateTime(), nullable=True),
        sa.Column("last_end", UTCDateTime(), nullable=True),
        sa.Column("hands", sa.Integer(), nullable=False),
        sa.Column("hands_taken", sa.Integer(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_jobs_last_end", "jobs", ["last_end"])


def downgrade() -> None:
    op.drop_index("ix_jobs_last_end", table_name="jobs")
    op.drop_table("jobs")
