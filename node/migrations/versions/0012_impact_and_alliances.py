"""impact_contributions, alliances, alliance_memberships, people.in_alliance (issue 8: impact
made visible, an alliance of villages).

impact_contributions and alliances are projection tables, and people.in_alliance a projected
column: `mekaar reindex` fills them from the documents, so nothing is migrated into them.
alliance_memberships is local-only (what the host asked for with `mekaar alliance`).

Numbered 0012 and set after 0009 while it was made; whoever merges renumbers it.

Revision ID: 0012
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    tables = inspector.get_table_names()
    if "impact_contributions" not in tables:  # else made by create_all on a node's first run
        op.create_table(
            "impact_contributions",
            sa.Column("doc_id", sa.String(length=64), nullable=False),
            sa.Column("item_id", sa.String(length=32), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("initiative_id", sa.String(length=64), nullable=True),
            sa.Column("amount", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("doc_id", "item_id", "kind"),
        )
        op.create_index(
            "ix_impact_contributions_initiative_id", "impact_contributions", ["initiative_id"]
        )
    if "alliances" not in tables:
        op.create_table(
            "alliances",
            sa.Column("id", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("description", sa.Text(), nullable=False),
            sa.Column("member_count", sa.Integer(), nullable=False),
            sa.Column("origin_node", sa.String(length=64), nullable=False),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "alliance_memberships" not in tables:
        op.create_table(
            "alliance_memberships",
            sa.Column("alliance_id", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=True),
            sa.Column("founding", sa.Boolean(), nullable=False),
            sa.Column("state", sa.String(length=8), nullable=False),
            sa.Column("at", UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("alliance_id"),
        )
    if "in_alliance" not in {c["name"] for c in inspector.get_columns("people")}:
        with op.batch_alter_table("people") as batch:
            batch.add_column(
                sa.Column("in_alliance", sa.Boolean(), nullable=False, server_default="0")
            )


def downgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.drop_column("in_alliance")
    op.drop_table("alliance_memberships")
    op.drop_table("alliances")
    op.drop_index("ix_impact_contributions_initiative_id", table_name="impact_contributions")
    op.drop_table("impact_contributions")
