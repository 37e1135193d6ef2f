"""projection_state: the generation counter per-process caches key on.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "projection_state" in sa.inspect(op.get_bind()).get_table_names():
        return  # made by create_all on a node's first run, which is then stamped at 0001
    op.create_table(
        "projection_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("projection_state")
