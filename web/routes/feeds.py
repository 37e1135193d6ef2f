"""News feeds (RSS 2.0 and Atom) of what happens on the node, for the local broadcaster and for
residents' feed readers: the whole node (`/nieuws.rss`, `/nieuws.atom`, optionally `?wijk=`) and
one initiative (`/initiatieven/{id}/nieuws.rss`, `.atom`).

Every title and text comes from residents or from other villages. It goes to feedgen as plain
text, which lxml escapes; nothing here builds markup by joining strings, and no item is marked
as HTML. Links are absolute (web/public.py). ROUTES also mounts the other outward-facing
resources: calendars, the widget and posters.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import urlencode

from feedgen.feed import FeedGenerator  # type: ignore[import-untyped]
from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery
from litestar.types import ControllerRouterHandler

from node.initiatives.news import NewsItem, initiative_news, latest_news
from node.runtime import Node

from ..deps import Db, NodeDep
from ..feed_cache import kept
from ..i18n import request_language
from ..public import PUBLIC_OPT, absolute, count, place, plain, translator
from ..rendering import STATUS_LABELS
from . import calendar, poster, widget

Format = Literal["rss", "atom"]
MEDIA_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
FEED_ITEMS = 30
"""Items in a feed unless `?aantal=` asks for another number (1 to 50)."""


def item_id(node_id: str, key: str) -> str:
    """A permanent id for an item (Atom id, RSS guid) that does not change with the address the
    node is reached at: a name-based UUID of the node and the item's key."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"mekaar:{node_id}:{key}").urn


def item_link(request: Request[Any, Any, Any], item: NewsItem) -> str:
    anchor = {"initiative": "", "update": "#nieuws", "status": ""}[item.kind]
    return absolute(request, f"/initiatieven/{item.initiative_id}{anchor}")


def item_title(item: NewsItem, _: Callable[[str], str]) -> str:
    if item.kind == "initiative":
        return _("Nieuw initiatief: %(title)s") % {"title": item.title}
    if item.kind == "update":
        return _("%(initiative)s: %(title)s") % {
            "initiative": item.initiative_title,
            "title": item.title,
        }
    status = _(STATUS_LABELS.get(item.status, item.status))
    return _("%(initiative)s: nu %(status)s") % {
        "initiative": item.initiative_title,
        "status": status.lower(),
    }


def item_text(item: NewsItem, _: Callable[[str], str]) -> str:
    if item.kind == "status":
        status = _(STATUS_LABELS.get(item.status, item.status))
        return _("De stand van dit initiatief is veranderd in: %(status)s.") % {"status": status}
    return item.text


def render_feed(
    request: Request[Any, Any, Any],
    fmt: Format,
    *,
    title: str,
    description: str,
    page: str,
    items: list[NewsItem],
) -> Response[bytes]:
    """The feed as bytes: `page` is the path of the HTML page the feed follows."""
    node: Node = request.app.state.node
    _ = translator(request)
    self_url = absolute(request, request.url.path)
    if request.url.query:
        self_url += "?" + request.url.query
    feed = FeedGenerator()
    feed.id(item_id(node.identity.node_id, self_url.split("://", 1)[-1]))
    feed.title(plain(title))
    feed.description(plain(description))
    feed.link(href=self_url, rel="self")
    feed.link(href=absolute(request, page), rel="alternate")  # the last link is RSS's <link>
    feed.author({"name": plain(node.identity.name)})
    feed.language(request_language(request))
    feed.generator("Mekaar")
    feed.updated(items[0].at if items else datetime(2000, 1, 1, tzinfo=UTC))
    for item in items:  # newest first, kept in that order
        entry = feed.add_entry(order="append")
        entry.id(item_id(node.identity.node_id, item.key))
        entry.title(plain(item_title(item, _)))
        entry.link(href=item_link(request, item))
        entry.description(plain(item_text(item, _)), isSummary=True)
        entry.published(item.at)
        entry.updated(item.at)
        if item.neighbourhood:
            entry.category(term=plain(item.neighbourhood))
    body = feed.rss_str(pretty=True) if fmt == "rss" else feed.atom_str(pretty=True)
    return Response(body, media_type=MEDIA_TYPES[fmt])


async def _node_feed(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    fmt: Format,
    wijk: str,
    aantal: int,
) -> Response[bytes]:
    _ = translator(request)
    neighbourhood = place(wijk)
    items = await latest_news(
        node, db, neighbourhood=neighbourhood, limit=count(aantal, FEED_ITEMS)
    )
    if neighbourhood:
        title = _("Voor Mekaar %(village)s: %(neighbourhood)s") % {
            "village": node.identity.name,
            "neighbourhood": neighbourhood,
        }
        page = "/?" + urlencode({"wijk": neighbourhood})
    else:
        title = _("Voor Mekaar %(village)s") % {"village": node.identity.name}
        page = "/"
    description = _("Nieuwe initiatieven en nieuws van bewoners.")
    return render_feed(request, fmt, title=title, description=description, page=page, items=items)


async def _initiative_feed(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, fmt: Format, initiative_id: str
) -> Response[bytes]:
    _ = translator(request)
    news = await initiative_news(node, db, initiative_id)
    return render_feed(
        request,
        fmt,
        title=_("%(title)s · Voor Mekaar %(village)s")
        % {"title": news.title, "village": node.identity.name},
        description=news.summary or news.title,
        page=f"/initiatieven/{news.id}",
        items=news.items,
    )


@get("/nieuws.rss", name="feed_rss", include_in_schema=False, opt=PUBLIC_OPT)
async def node_rss(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    wijk: FromQuery[str] = "",
    aantal: FromQuery[int] = 0,
) -> Response[bytes]:
    """New initiatives and news of the whole node, or of one neighbourhood (`?wijk=`)."""
    return await kept(request, db, lambda: _node_feed(request, node, db, "rss", wijk, aantal))


@get("/nieuws.atom", name="feed_atom", include_in_schema=False, opt=PUBLIC_OPT)
async def node_atom(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    wijk: FromQuery[str] = "",
    aantal: FromQuery[int] = 0,
) -> Response[bytes]:
    return await kept(request, db, lambda: _node_feed(request, node, db, "atom", wijk, aantal))


@get("/initiatieven/{initiative_id:str}/nieuws.rss", include_in_schema=False, opt=PUBLIC_OPT)
async def initiative_rss(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, initiative_id: FromPath[str]
) -> Response[bytes]:
    """One initiative: when it was posted, its news and its status changes."""
    return await kept(
        request, db, lambda: _initiative_feed(request, node, db, "rss", initiative_id)
    )


@get("/initiatieven/{initiative_id:str}/nieuws.atom", include_in_schema=False, opt=PUBLIC_OPT)
async def initiative_atom(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, initiative_id: FromPath[str]
) -> Response[bytes]:
    return await kept(
        request, db, lambda: _initiative_feed(request, node, db, "atom", initiative_id)
    )


ROUTES: list[ControllerRouterHandler] = [
    node_rss,
    node_atom,
    initiative_rss,
    initiative_atom,
    *calendar.ROUTES,
    *widget.ROUTES,
    *poster.ROUTES,
]
