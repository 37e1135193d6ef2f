"""The first schema: projection tables with full-text search, accounts, roles, login failures
and moderation records (what create_all made before migrations existed).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5("
    "title, body, content='search_entries', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ai AFTER INSERT ON search_entries BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_ad AFTER DELETE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_entries_au AFTER UPDATE ON search_entries BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
)
POSTGRES_SEARCH = (
    "ALTER TABLE search_entries ADD COLUMN document tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('dutch', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('dutch', coalesce(body, '')), 'B')) STORED",
    "CREATE INDEX ix_search_entries_document ON search_entries USING GIN (document)",
)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("actor", sa.LargeBinary(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("person_id"),
        sa.UniqueConstraint("actor"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "discussions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("initiative_id", sa.String(length=64), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=False),
        sa.Column("village_key", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood_key", sa.String(length=100), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("comment_count", sa.Integer(), nullable=False),
        sa.Column("last_activity", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_discussions_activity", "discussions", ["last_activity", "id"], unique=False)
    op.create_index(op.f("ix_discussions_created_by"), "discussions", ["created_by"], unique=False)
    op.create_index(
        op.f("ix_discussions_initiative_id"), "discussions", ["initiative_id"], unique=False
    )
    op.create_index(
        "ix_discussions_village_activity",
        "discussions",
        ["village_key", "last_activity", "id"],
        unique=False,
    )
    op.create_table(
        "initiatives",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("village", sa.String(length=100), nullable=False),
        sa.Column("village_key", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood_key", sa.String(length=100), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supporter_count", sa.Integer(), nullable=False),
        sa.Column("joiner_count", sa.Integer(), nullable=False),
        sa.Column("tasks_done", sa.Integer(), nullable=False),
        sa.Column("tasks_total", sa.Integer(), nullable=False),
        sa.Column("open_needs", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_initiatives_created_by"), "initiatives", ["created_by"], unique=False)
    op.create_index(
        "ix_initiatives_hood_label",
        "initiatives",
        ["village_key", "neighbourhood_key", "neighbourhood"],
        unique=False,
    )
    op.create_index(
        "ix_initiatives_place_updated",
        "initiatives",
        ["village_key", "neighbourhood_key", "updated_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_initiatives_status_updated", "initiatives", ["status", "updated_at", "id"], unique=False
    )
    op.create_index("ix_initiatives_updated", "initiatives", ["updated_at", "id"], unique=False)
    op.create_index(
        "ix_initiatives_village_label", "initiatives", ["village_key", "village"], unique=False
    )
    op.create_index(
        "ix_initiatives_village_updated",
        "initiatives",
        ["village_key", "updated_at", "id"],
        unique=False,
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_login_failures_at"), "login_failures", ["at"], unique=False)
    op.create_index("ix_login_failures_client", "login_failures", ["client", "at"], unique=False)
    op.create_index("ix_login_failures_email", "login_failures", ["email", "at"], unique=False)
    op.create_table(
        "moderation_records",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=32), nullable=True),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_moderation_records_doc",
        "moderation_records",
        ["doc_id", "item_id", "undone_at"],
        unique=False,
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("village", sa.String(length=100), nullable=False),
        sa.Column("village_key", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood_key", sa.String(length=100), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=False),
        sa.Column("member_count", sa.Integer(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_organisations_village", "organisations", ["village_key", "name"], unique=False
    )
    op.create_table(
        "people",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=80), nullable=False),
        sa.Column("village", sa.String(length=100), nullable=False),
        sa.Column("village_key", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood", sa.String(length=100), nullable=False),
        sa.Column("neighbourhood_key", sa.String(length=100), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("offers", sa.JSON(), nullable=False),
        sa.Column("about", sa.Text(), nullable=False),
        sa.Column("origin_node", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_people_place", "people", ["village_key", "neighbourhood_key"], unique=False)
    op.create_table(
        "search_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("doc_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("doc_id"),
    )
    op.create_table(
        "account_roles",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["accounts.person_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "role"),
    )
    op.create_index("ix_account_roles_role", "account_roles", ["role"], unique=False)
    op.create_table(
        "comments",
        sa.Column("discussion_id", sa.String(length=64), nullable=False),
        sa.Column("comment_id", sa.String(length=32), nullable=False),
        sa.Column("by", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(length=32), nullable=True),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["discussion_id"], ["discussions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("discussion_id", "comment_id"),
    )
    op.create_index("ix_comments_by", "comments", ["by", "at"], unique=False)
    op.create_table(
        "discussion_tags",
        sa.Column("discussion_id", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["discussion_id"], ["discussions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("discussion_id", "tag"),
    )
    op.create_index(
        "ix_discussion_tags_tag", "discussion_tags", ["tag", "discussion_id"], unique=False
    )
    op.create_table(
        "initiative_allies",
        sa.Column("initiative_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("offer", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.String(length=64), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("initiative_id", "person_id"),
    )
    op.create_index(
        "ix_initiative_allies_person", "initiative_allies", ["person_id", "role"], unique=False
    )
    op.create_table(
        "initiative_needs",
        sa.Column("initiative_id", sa.String(length=64), nullable=False),
        sa.Column("need_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("skill", sa.String(length=60), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("fulfilled", sa.Boolean(), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("initiative_id", "need_id"),
    )
    op.create_index(
        "ix_initiative_needs_kind",
        "initiative_needs",
        ["kind", "fulfilled", "initiative_id"],
        unique=False,
    )
    op.create_table(
        "initiative_tags",
        sa.Column("initiative_id", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("village_key", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("initiative_id", "tag"),
    )
    op.create_index(
        "ix_initiative_tags_tag", "initiative_tags", ["tag", "label", "initiative_id"], unique=False
    )
    op.create_index(
        "ix_initiative_tags_village",
        "initiative_tags",
        ["village_key", "tag", "label", "initiative_id"],
        unique=False,
    )
    op.create_table(
        "initiative_tasks",
        sa.Column("initiative_id", sa.String(length=64), nullable=False),
        sa.Column("task_id", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["initiative_id"], ["initiatives.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("initiative_id", "task_id"),
    )
    op.create_index(
        "ix_initiative_tasks_owner", "initiative_tasks", ["owner", "status"], unique=False
    )
    op.create_table(
        "organisation_members",
        sa.Column("organisation_id", sa.String(length=64), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organisation_id", "person_id"),
    )
    op.create_index(
        "ix_organisation_members_person", "organisation_members", ["person_id"], unique=False
    )
    op.create_table(
        "person_terms",
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("person_id", "source", "position"),
    )
    op.create_index("ix_person_terms_term", "person_terms", ["term"], unique=False)

    dialect = op.get_bind().dialect.name
    for statement in SQLITE_SEARCH if dialect == "sqlite" else ():
        op.execute(statement)
    for statement in POSTGRES_SEARCH if dialect == "postgresql" else ():
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    op.drop_table("person_terms")
    op.drop_table("organisation_members")
    op.drop_table("initiative_tasks")
    op.drop_table("initiative_tags")
    op.drop_table("initiative_needs")
    op.drop_table("initiative_allies")
    op.drop_table("discussion_tags")
    op.drop_table("comments")
    op.drop_table("account_roles")
    op.drop_table("search_entries")
    op.drop_table("people")
    op.drop_table("organisations")
    op.drop_table("moderation_records")
    op.drop_table("login_failures")
    op.drop_table("initiatives")
    op.drop_table("discussions")
    op.drop_table("accounts")
