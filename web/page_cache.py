"""Rendered pages for visitors who are not logged in, kept per process until the projection
changes (`node.projection.generation`): no time-to-live, no stale content after a change.

Only pages that are the same for every anonymous visitor are kept: the body holds no CSRF token
(base.html sends one only to people who are logged in) and the handler sets no cookie. While one
request renders a page anew after a change, others get the previous version instead of all
rendering at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from litestar import Request, Response
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from node.projection.generation import BUMPED, generation

from .i18n import request_language

LIMIT = 1_000  # pages per process (path, query, language, htmx headers)
HTML = "text/html; charset=utf-8"
HIT = "x-mekaar-cache"

Key = tuple[str, ...]


class PageCache:
    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self.pages: OrderedDict[Key, tuple[int, bytes]] = OrderedDict()
        self.refreshing: set[Key] = set()

    def keep(self, key: Key, current: int, body: bytes) -> None:
        self.pages[key] = (current, body)
        self.pages.move_to_end(key)
        while len(self.pages) > self.limit:
            self.pages.popitem(last=False)


def _page(body: bytes, hit: str) -> Response[bytes]:
    return Response(body, media_type=HTML, headers={HIT: hit})


async def anonymous_page(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    build: Callable[[], Awaitable[Template]],
) -> Template | Response[bytes]:
    """The page `build()` makes, from the cache when the visitor is not logged in."""
    if request.method != "GET" or request.state.acting is not None or request.session:
        return await build()
    cache: PageCache = request.app.state.setdefault("page_cache", PageCache())
    key: Key = (
        request.url.path,
        request.url.query,
        request_language(request),
        *(
            request.headers.get(name, "")
            for name in ("hx-request", "hx-boosted", "hx-target", "hx-history-restore-request")
        ),
    )
    current = await generation(db)
    kept = cache.pages.get(key)
    if kept is not None and (kept[0] == current or key in cache.refreshing):
        return _page(kept[1], "hit" if kept[0] == current else "stale")
    cache.refreshing.add(key)
    try:
        template = await build()
        if template.cookies or template.status_code != 200 or template.template_name is None:
            return template
        context = template.create_template_context(request)
        engine = request.app.template_engine
        body = engine.get_template(template.template_name).render(**context).encode()
        if not db.info.get(BUMPED):
            cache.keep(key, current, body)
        return _page(body, "miss")
    finally:
        cache.refreshing.discard(key)
