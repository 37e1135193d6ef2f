"""notices, notice_settings, notice_digests: calm notifications and e-mail digests (issue 8).

Local-only tables (never rebuilt from documents): what is news for whom, each person's choices,
and the digests made. Revises 0009 here; the 0010 revision lands on main in parallel, and
whoever merges sets down_revision to it.

Revision ID: 0011
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tables = sa.inspect(op.get_bind()).get_table_names()
    if "notices" not in tables:
        op.create_table(
            "notices",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("person_id", sa.String(length=64), nullable=False),
            sa.Column("kind", sa.String(length=16), nullable=False),
            sa.Column("doc_id", sa.String(length=64), nullable=False),
            sa.Column("item_id", sa.String(length=64), nullable=False),
            sa.Column("subject_id", sa.String(length=64), nullable=False),
            sa.Column("subject_kind", sa.String(length=16), nullable=False),
            sa.Column("subject_title", sa.String(length=200), nullable=False),
            sa.Column("actor_id", sa.String(length=64), nullable=False),
            sa.Column("summary", sa.String(length=200), nullable=False),
            sa.Column("at", UTCDateTime(), nullable=False),
            sa.Column("recorded_at", UTCDateTime(), nullable=False),
            sa.Column("read_at", UTCDateTime(), nullable=True),
            sa.ForeignKeyConstraint(["person_id"], ["accounts.person_id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("person_id", "kind", "doc_id", "item_id", name="uq_notices_what"),
        )
        op.create_index("ix_notices_unread", "notices", ["person_id", "read_at"])
        op.create_index("ix_notices_person_at", "notices", ["person_id", "at"])
    if "notice_settings" not in tables:
        op.create_table(
            "notice_settings",
            sa.Column("person_id", sa.String(length=64), nullable=False),
            sa.Column("digest", sa.String(length=8), nullable=False),
            sa.Column("muted", sa.JSON(), nullable=False),
            sa.Column("seen_until", UTCDateTime(), nullable=True),
            sa.Column("digested_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["person_id"], ["accounts.person_id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("person_id"),
        )
    if "notice_digests" not in tables:
        op.create_table(
            "notice_digests",
            sa.Column("person_id", sa.String(length=64), nullable=False),
            sa.Column("period", sa.String(length=10), nullable=False),
            sa.Column("up_to_id", sa.Integer(), nullable=False),
            sa.Column("notices", sa.Integer(), nullable=False),
            sa.Column("made_at", UTCDateTime(), nullable=False),
            sa.Column("sent_at", UTCDateTime(), nullable=True),
            sa.ForeignKeyConstraint(["person_id"], ["accounts.person_id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("person_id", "period"),
        )


def downgrade() -> None:
    op.drop_table("notice_digests")
    op.drop_table("notice_settings")
    op.drop_index("ix_notices_person_at", table_name="notices")
    op.drop_index("ix_notices_unread", table_name="notices")
    op.drop_table("notices")
