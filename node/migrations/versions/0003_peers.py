"""peers and quarantine (local-only tables of replication), villages (projected from catalogs).

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "peers" not in existing:
        op.create_table(
            "peers",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("name", sa.String(length=80), nullable=False),
            sa.Column("direction", sa.String(length=8), nullable=False),
            sa.Column("url", sa.String(length=500), nullable=True),
            sa.Column("token", sa.String(length=128), nullable=True),
            sa.Column("token_hash", sa.String(length=64), nullable=True),
            sa.Column("created_at", UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("name"),
            sa.UniqueConstraint("token_hash"),
        )
    if "villages" not in existing:
        op.create_table(
            "villages",
            sa.Column("node_id", sa.String(length=64), nullable=False),
            sa.Column("name", sa.String(length=80), nullable=False),
            sa.Column("catalog_id", sa.String(length=64), nullable=False),
            sa.Column("documents", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("node_id"),
            sa.UniqueConstraint("catalog_id"),
        )
    if "followed_documents" not in existing:
        op.create_table(
            "followed_documents",
            sa.Column("document_id", sa.String(length=64), nullable=False),
            sa.Column("at", UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("document_id"),
        )
    if "quarantine" not in existing:
        op.create_table(
            "quarantine",
            sa.Column("document_id", sa.String(length=64), nullable=False),
            sa.Column("reason", sa.String(length=1000), nullable=False),
            sa.Column("peer", sa.String(length=80), nullable=False),
            sa.Column("at", UTCDateTime(), nullable=False),
            sa.PrimaryKeyConstraint("document_id"),
        )


def downgrade() -> None:
    op.drop_table("quarantine")
    op.drop_table("followed_documents")
    op.drop_table("villages")
    op.drop_table("peers")
