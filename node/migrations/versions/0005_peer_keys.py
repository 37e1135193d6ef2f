"""peers.kind, node_id, pinned_at: the key a neighbouring node proves in every handshake;
peers.person_id: whom this node vouches for an app's actors as.

Peers made before this revision are nodes whose key is pinned on their next connection.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from node.projection.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("peers")}
    with op.batch_alter_table("peers") as batch:
        if "kind" not in columns:  # made by create_all on a node's first run
            batch.add_column(
                sa.Column("kind", sa.String(length=8), nullable=False, server_default="node")
            )
        if "node_id" not in columns:
            batch.add_column(sa.Column("node_id", sa.String(length=60), nullable=True))
        if "pinned_at" not in columns:
            batch.add_column(sa.Column("pinned_at", UTCDateTime(), nullable=True))
        if "person_id" not in columns:
            batch.add_column(sa.Column("person_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("peers") as batch:
        batch.drop_column("person_id")
        batch.drop_column("pinned_at")
        batch.drop_column("node_id")
        batch.drop_column("kind")
