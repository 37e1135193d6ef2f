"""The migrations build the same schema as the models, search included, on both databases."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncSession

from node import migrations
from node import projection as p
from node.db import Base, create_tables, make_engine
from node.migrations import include_name


def _url(database_url: str, tmp_path: Path) -> str:
    return database_url or f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}"


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"include_name": include_name, "compare_type": True}
    )
    return list(compare_metadata(context, Base.metadata))


def test_an_empty_database_migrates_to_the_models_schema(database_url: str, tmp_path: Path) -> None:
    async def check() -> None:
        engine = make_engine(_url(database_url, tmp_path), null_pool=True)
        try:
            assert await migrations.current(engine) is None
            await migrations.prepare(engine)
            assert await migrations.current(engine) == migrations.heads()[0]
            async with engine.connect() as connection:
                assert await connection.run_sync(_differences) == []
                await connection.execute(
                    text(
                        "INSERT INTO search_entries (doc_id, kind, title, body) "
                        "VALUES ('d1', 'initiative', 'Moestuin', 'samen')"
                    )
                )
                await connection.commit()
            async with engine.connect() as connection, AsyncSession(bind=connection) as session:
                hits = await p.search(session, "moestuin", include_hidden=True)
                assert [h.id for h in hits] == ["d1"]
        finally:
            await engine.dispose()

    asyncio.run(check())


def test_a_database_made_by_create_all_is_stamped_not_rebuilt(
    database_url: str, tmp_path: Path
) -> None:
    async def check() -> None:
        engine = make_engine(_url(database_url, tmp_path), null_pool=True)
        try:
            await create_tables(engine)
            async with engine.begin() as connection:
                await connection.execute(
                    text(
                        "INSERT INTO moderation_records (doc_id, by, reason, at) "
                        "VALUES ('d1', 'p1', 'kept', CURRENT_TIMESTAMP)"
                    )
                )
            await migrations.prepare(engine)
            await migrations.prepare(engine)  # twice is harmless
            async with engine.connect() as connection:
                kept = await connection.scalar(text("SELECT reason FROM moderation_records"))
                assert kept == "kept"
                assert await connection.run_sync(_differences) == []
            assert await migrations.current(engine) == migrations.heads()[0]
        finally:
            await engine.dispose()

    asyncio.run(check())
