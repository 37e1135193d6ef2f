"""The local-only tables of a backup: dumped as JSON in one read transaction, inserted on restore.

Local-only tables are every table that is not part of the projection, except the ones in SKIPPED
(what a restored node rebuilds or does without). So a local table added later is backed up unless
someone decides otherwise here. Values are written as JSON (timestamps ISO 8601, bytes hex) and
read back by each column's type, which is what lets a backup taken on SQLite restore onto
PostgreSQL and the other way round.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Integer, Table, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import TypeDecorator, TypeEngine

from ..accounts import models as _accounts  # noqa: F401  (their tables join the metadata)
from ..alliance import models as _alliance  # noqa: F401
from ..db import Base
from ..notifications import models as _notices  # noqa: F401
from ..peers import models as _peers  # noqa: F401
from ..projection.models import PROJECTION_TABLES

SKIPPED = {
    "projection_state": "volgt uit de documenten (mekaar reindex)",
    "login_failures": "mislukte inlogpogingen: alleen voor de wachttijd, na een kwartier weg",
}

Rows = dict[str, list[dict[str, Any]]]


def local_tables() -> list[Table]:
    """The tables a backup holds, parents before children."""
    projection = set(PROJECTION_TABLES)
    return [
        table
        for table in Base.metadata.sorted_tables
        if table not in projection and table.name not in SKIPPED
    ]


def _to_json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def _from_json(table: Table, name: str, value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(table.c[name].type)
    if kind is bytes:
        return bytes.fromhex(value)
    if kind is datetime:
        return datetime.fromisoformat(value)
    if kind is date:
        return date.fromisoformat(value)
    return value


def _python_type(kind: TypeEngine[Any]) -> type:
    """What a column holds in Python; a TypeDecorator (UTCDateTime) by the type it wraps."""
    while isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    return kind.python_type


async def dump(engine: AsyncEngine) -> Rows:
    """Every row of the local-only tables, as one consistent snapshot (a single read transaction:
    REPEATABLE READ on PostgreSQL, an explicit BEGIN on SQLite, whose driver would otherwise run
    each SELECT on its own)."""
    async with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.exec_driver_sql("BEGIN")
            try:
                return await _read(connection)
            finally:
                await connection.exec_driver_sql("COMMIT")
        connection = await connection.execution_options(isolation_level="REPEATABLE READ")
        async with connection.begin():
            return await _read(connection)


async def _read(connection: AsyncConnection) -> Rows:
    rows: Rows = {}
    for table in local_tables():
        key = list(table.primary_key.columns)
        result = await connection.execute(select(table).order_by(*key))
        rows[table.name] = [
            {name: _to_json(value) for name, value in row._mapping.items()} for row in result
        ]
    return rows


async def count_rows(engine: AsyncEngine) -> int:
    """How many rows the local-only tables hold (restore refuses to mix two nodes' accounts)."""
    async with engine.connect() as connection:
        total = 0
        for table in local_tables():
            total += int(await connection.scalar(select(func.count()).select_from(table)) or 0)
        return total


def check(rows: Any) -> Rows:
    """The dumped rows, once every table and column is one this version knows: refused rather
    than dropped silently (a backup from a newer Mekaar). ValueError says what is wrong."""
    if not isinstance(rows, dict):
        raise ValueError("de tabellen zijn geen JSON-object")
    tables = {table.name: table for table in local_tables()}
    unknown = set(rows) - set(tables)
    if unknown:
        raise ValueError(f"onbekende tabellen: {', '.join(sorted(unknown))}")
    for name, values in rows.items():
        if not isinstance(values, list) or not all(isinstance(row, dict) for row in values):
            raise ValueError(f"tabel {name} is geen lijst van rijen")
        columns = {column for row in values for column in row}
        extra = columns - set(tables[name].c.keys())
        if extra:
            raise ValueError(f"onbekende kolommen in {name}: {', '.join(sorted(extra))}")
    return rows


async def load(engine: AsyncEngine, rows: Rows, *, replace: bool = False) -> dict[str, int]:
    """Insert rows that passed `check` in one transaction; with `replace`, the tables' rows go
    first. Returns rows inserted per table."""
    tables = local_tables()
    inserted: dict[str, int] = {}
    async with engine.begin() as connection:
        if replace:
            for table in reversed(tables):
                await connection.execute(delete(table))
        for table in tables:
            values = [
                {name: _from_json(table, name, value) for name, value in row.items()}
                for row in rows.get(table.name, [])
            ]
            if values:
                await connection.execute(insert(table), values)
            inserted[table.name] = len(values)
        if engine.dialect.name == "postgresql":
            await connection.run_sync(_advance_sequences, tables)
    return inserted


def _advance_sequences(connection: Connection, tables: list[Table]) -> None:
    """Rows inserted with their ids leave PostgreSQL's serial sequences behind; move them on, or
    the next peer or moderation record would collide with a restored one."""
    for table in tables:
        key = list(table.primary_key.columns)
        if len(key) == 1 and isinstance(key[0].type, Integer):
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{key[0].name}'), "
                    f"COALESCE(MAX({key[0].name}), 1), MAX({key[0].name}) IS NOT NULL) "
                    f"FROM {table.name}"
                )
            )
