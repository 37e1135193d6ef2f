"""Feeds and calendars kept until the projection changes, with ETags for polling readers.

Feed readers and calendar apps ask every few minutes, and a broadcaster's site may ask for
every visitor; building a node feed reads up to 50 documents, an initiative feed walks its
history. So a built body is kept per process, keyed by the request (path, query, language, public
address, the day) and valid while `node.projection.generation` has not moved: every change and
every moderation decision moves it, so nothing stale is served and nothing needs a time-to-live.
The ETag (a hash of the body) lets a reader that already has this version get a 304 without it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from litestar import Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from node.projection.generation import BUMPED, generation

from .i18n import request_language
from .public import public_base

LIMIT = 500
"""Bodies kept per process (for each path, query and language)."""
CACHE_CONTROL = "public, max-age=300"
"""Five minutes: readers may reuse a feed that long, and revalidate cheaply after."""

Key = tuple[str, ...]


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _answer(
    request: Request[Any, Any, Any], body: bytes, media_type: str, etag: str
) -> Response[bytes]:
    headers = {"etag": etag, "cache-control": CACHE_CONTROL}
    wanted = request.headers.get("if-none-match", "")
    if etag in (tag.strip() for tag in wanted.split(",")):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


async def kept(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    build: Callable[[], Awaitable[Response[bytes]]],
) -> Response[bytes]:
    """The response `build()` makes, from the cache while the projection has not changed."""
    cache: OrderedDict[Key, tuple[int, bytes, str, str]] = request.app.state.setdefault(
        "feed_cache", OrderedDict()
    )
    key: Key = (
        request.url.path,
        request.url.query,
        request_language(request),
        public_base(request),
        datetime.now(UTC).date().isoformat(),  # the node calendar starts a year before today
    )
    current = await generation(db)
    found = cache.get(key)
    if found is not None and found[0] == current:
        cache.move_to_end(key)
        return _answer(request, found[1], found[2], found[3])
    response = await build()
    body = response.content if isinstance(response.content, bytes) else b""
    media_type = str(response.media_type)
    etag = _etag(body)
    if response.status_code == 200 and not db.info.get(BUMPED):
        cache[key] = (current, body, media_type, etag)
        while len(cache) > LIMIT:
            cache.popitem(last=False)
    return _answer(request, body, media_type, etag)
