"""Alembic environment: runs on the connection node.migrations hands over (never a URL of its own,
so settings stay the one source of the database address)."""

from __future__ import annotations

from alembic import context

from node.accounts import models as _accounts  # noqa: F401 - registers the tables
from node.alliance import models as _alliance  # noqa: F401
from node.db import Base
from node.migrations import include_name
from node.notifications import models as _notices  # noqa: F401
from node.peers import models as _peers  # noqa: F401
from node.projection import generation as _generation  # noqa: F401
from node.projection import models as _projection  # noqa: F401

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through node.migrations (prepare, or the revision tool)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    include_name=include_name,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
