"""Where a page's time goes (benchmarks/web.py --profile): the app is built in this process and
driven through httpx's ASGI transport, one request at a time, so the figures are per request and
free of server and network costs. Per page: wall and CPU time (all threads, SQLite's included),
template rendering, each SQL statement, and the Python functions with the most time of their own
(cProfile, event-loop thread only). "rest" is wall time outside rendering and SQL: the framework,
middleware, dependencies, and work done in threads (documents are read in one)."""

from __future__ import annotations

import asyncio
import cProfile
import logging
import pstats
import random
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import httpx
import jinja2
from rich.console import Console
from rich.table import Table
from sqlalchemy import event

from benchmarks.web_load import Page

REPO = Path(__file__).resolve().parent.parent
WARMUP = 20
TOP_FUNCTIONS = 12
STATEMENT = 120  # characters of a statement shown (and told apart by: IN lists vary)
_WAITS = ("poll' of 'select.epoll", "acquire' of '_thread.lock", "get' of '_queue")


@dataclass
class Costs:
    """Milliseconds per request."""

    wall: float = 0.0
    cpu: float = 0.0
    render: float = 0.0
    sql: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    own: list[tuple[float, str]] = field(default_factory=list)
    """functions with the most time of their own"""
    ours: list[tuple[float, str]] = field(default_factory=list)
    """functions of web/, node/, sync/ and the templates with the most time, callees included"""


def profile_pages(data_dir: Path, pages: list[Page], requests: int, console: Console) -> None:
    logging.disable(logging.INFO)  # the node's migrations and httpx log every step
    costs = asyncio.run(_measure(data_dir, pages, requests))
    table = Table(title=f"In-process, one request at a time, {requests} requests per page (ms)")
    for column in ("page", "wall", "CPU", "render", "SQL", "statements", "rest"):
        table.add_column(column, justify="left" if column == "page" else "right", no_wrap=True)
    for page, cost in costs.items():
        sql = sum(cost.sql.values())
        table.add_row(
            page,
            f"{cost.wall:.2f}",
            f"{cost.cpu:.2f}",
            f"{cost.render:.2f}",
            f"{sql:.2f}",
            str(len(cost.sql)),
            f"{cost.wall - cost.render - sql:.2f}",
        )
    console.print(table)
    for page, cost in costs.items():
        console.print(f"\n[bold]{page}[/bold], ms per request")
        lines = [
            ("SQL statements (as the driver sees them)", sorted(cost.sql.items(), key=_slowest)),
            ("our code, callees included (cProfile, event-loop thread)", cost.ours),
            ("own time, any code (cProfile, event-loop thread)", cost.own),
        ]
        for title, rows in lines:
            console.print(f"  {title}")
            for first, second in rows[:TOP_FUNCTIONS]:
                ms, what = (second, first) if isinstance(first, str) else (first, second)
                console.print(f"    {ms:6.2f}  {what}", soft_wrap=True)


async def _measure(data_dir: Path, pages: list[Page], requests: int) -> dict[str, Costs]:
    from node.settings import Settings
    from web.app import create_app

    app = create_app(Settings(data_dir=str(data_dir)))
    results: dict[str, Costs] = {}
    async with app.lifespan():
        transport = httpx.ASGITransport(app=cast(Any, app))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            for page in pages:
                paths = _paths(page, requests + WARMUP)
                for path in paths[:WARMUP]:
                    response = await client.get(path)
                    response.raise_for_status()
                results[page.name] = await _page(app, client, paths[WARMUP:])
    return results


async def _page(app: Any, client: httpx.AsyncClient, paths: list[str]) -> Costs:
    cost = Costs()
    count = len(paths)
    with _sql_timer(app.state.node.engine.sync_engine, cost), _render_timer(cost):
        wall, cpu = time.perf_counter(), time.process_time()
        for path in paths:
            await client.get(path)
        cost.wall = (time.perf_counter() - wall) * 1e3 / count
        cost.cpu = (time.process_time() - cpu) * 1e3 / count
    cost.render = cost.render * 1e3 / count
    cost.sql = {k: v * 1e3 / count for k, v in cost.sql.items()}
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        await client.get(path)
    profiler.disable()
    cost.own, cost.ours = _top(profiler, count)
    return cost


def _slowest(item: tuple[str, float]) -> float:
    return -item[1]


def _paths(page: Page, count: int) -> list[str]:
    if page.ids_file is None:
        return [page.path] * count
    ids = page.ids_file.read_text().split()
    return [page.path + doc_id for doc_id in random.Random(1).choices(ids, k=count)]


@contextmanager
def _sql_timer(engine: Any, cost: Costs) -> Iterator[None]:
    """Statement times as the driver sees them (for aiosqlite: including the hop to its thread)."""

    def before(conn: Any, *_args: Any) -> None:
        conn.info["mekaar_bench_started"] = time.perf_counter()

    def after(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        elapsed = time.perf_counter() - conn.info.pop("mekaar_bench_started", time.perf_counter())
        cost.sql[" ".join(statement.split())[:STATEMENT]] += elapsed

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


@contextmanager
def _render_timer(cost: Costs) -> Iterator[None]:
    original = jinja2.Template.render

    def render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        started = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            cost.render += time.perf_counter() - started

    jinja2.Template.render = render  # type: ignore[method-assign]
    try:
        yield
    finally:
        jinja2.Template.render = original  # type: ignore[method-assign]


def _top(
    profiler: cProfile.Profile, count: int
) -> tuple[list[tuple[float, str]], list[tuple[float, str]]]:
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    own, ours = [], []
    for (path, line, name), (_cc, _nc, own_time, cumulative, _callers) in stats.items():
        where = f"{_short(path)}:{line}({name})" if line else name
        if any(wait in where for wait in _WAITS):
            continue
        own.append((own_time * 1e3 / count, where))
        if path.startswith(f"{REPO}/") and "/.venv/" not in path and "benchmarks" not in path:
            ours.append((cumulative * 1e3 / count, where))
    return sorted(own, reverse=True), sorted(ours, reverse=True)


def _short(path: str) -> str:
    path = re.sub(r"^.*/site-packages/", "", path)
    path = re.sub(r"^.*/lib/python3\.\d+/", "", path)
    return path.removeprefix(f"{REPO}/")
