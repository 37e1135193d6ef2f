"""What happened to initiatives, newest first: the read model behind the node's news feeds.

Three kinds of item: an initiative was posted, its allies posted news (an update), or its status
moved (derived from the document's history, see history.py; only in one initiative's own feed,
because reading every history for the whole node's feed would cost too much).

The node-wide and per-neighbourhood lists read the most recently active initiatives from the
projection, a page of `limit` at a time, and then their documents. Posting news makes an
initiative active (the projection's `updated_at` is the latest moment in the document), so no
initiative left unread holds an item newer than the last one read: once `limit` items are newer
than that moment, they are exactly the newest items. Otherwise the next page is read.

Titles and texts are what residents (here or in another village) wrote: plain text, which callers
must escape or hand to a serialiser that does.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts import hidden_items
from ..errors import NotFound
from ..fields import document_id
from ..phrases import N_
from ..projection import list_initiatives
from ..service import read_document
from .history import status_changes

if TYPE_CHECKING:
    from ..runtime import Node

MAX_ITEMS = 100
"""The most items a list holds (and the projection's largest page)."""
MAX_PAGES = 3
"""Pages of initiatives read at most for one list; past that the list may miss an item or two
of a busy moment (each page is `limit` documents)."""

Kind = Literal["initiative", "update", "status"]


class NewsItem(msgspec.Struct, frozen=True, kw_only=True):
    key: str
    """Stable and unique within the node: the initiative id, then `/nieuws/<update id>` or
    `/stand/<change hash>` (feeds build their item ids from it)."""
    kind: Kind
    initiative_id: str
    initiative_title: str
    title: str
    """The initiative's title, the update's heading, or '' for a status change."""
    text: str
    """The initiative's summary or the update's body ('' for a status change)."""
    status: str
    """For a status change the new status; otherwise the initiative's current one."""
    neighbourhood: str
    village: str
    origin_node: str
    at: datetime


class InitiativeNews(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    summary: str
    items: list[NewsItem]
    """Newest first."""


def _moment(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime(1970, 1, 1, tzinfo=UTC)


def _items(content: dict[str, Any], hidden: frozenset[str | None]) -> list[NewsItem]:
    """The initiative itself and its updates, in no particular order."""
    place = content.get("place") or {}
    common: dict[str, Any] = {
        "initiative_id": content["id"],
        "initiative_title": str(content.get("title", "")),
        "status": str(content.get("status", "")),
        "neighbourhood": str(place.get("neighbourhood", "")),
        "village": str(place.get("village", "")),
        "origin_node": str(content.get("origin_node", "")),
    }
    items = [
        NewsItem(
            key=content["id"],
            kind="initiative",
            title=common["initiative_title"],
            text=str(content.get("summary", "")),
            at=_moment(content.get("created_at")),
            **common,
        )
    ]
    updates: dict[str, Any] = content.get("updates") or {}
    items.extend(
        NewsItem(
            key=f"{content['id']}/nieuws/{update_id}",
            kind="update",
            title=str(update.get("title", "")),
            text=str(update.get("body", "")),
            at=_moment(update.get("at")),
            **common,
        )
        for update_id, update in updates.items()
        if update_id not in hidden
    )
    return items


async def _read_all(node: Node, ids: list[str]) -> list[dict[str, Any]]:
    def read() -> list[dict[str, Any]]:
        found = []
        for doc_id in ids:
            try:
                found.append(node.documents.read(doc_id))
            except NotFound:  # in the projection but its file is gone: nothing to tell
                continue
        return found

    return await asyncio.to_thread(read)


def _newest_first(items: list[NewsItem]) -> list[NewsItem]:
    return sorted(items, key=lambda i: (i.at, i.key), reverse=True)


async def latest_news(
    node: Node,
    session: AsyncSession,
    *,
    neighbourhood: str | None = None,
    limit: int = 30,
) -> list[NewsItem]:
    """The newest `limit` items of the whole node, or of one neighbourhood (compared as the
    list page's filter does). Hidden initiatives and hidden updates are left out. Raises Invalid
    for a neighbourhood name no initiative can have (too long)."""
    limit = max(1, min(limit, MAX_ITEMS))
    items: list[NewsItem] = []
    for number in range(1, MAX_PAGES + 1):
        page = await list_initiatives(
            session, neighbourhood=neighbourhood or None, per_page=limit, page=number
        )
        for content in await _read_all(node, [summary.id for summary in page.items]):
            items.extend(_items(content, await hidden_items(session, content["id"])))
        if not page.has_next or not page.items:
            break
        # initiatives not read yet were last active at or before this moment: newer items are
        # all here, older ones may still be missing
        settled = [item for item in items if item.at > page.items[-1].updated_at]
        if len(settled) >= limit:
            items = settled
            break
    return _newest_first(items)[:limit]


async def initiative_news(node: Node, session: AsyncSession, initiative_id: str) -> InitiativeNews:
    """One initiative's items (posted, news, status changes), newest first. NotFound when this
    node does not hold it or a moderator hid it."""
    initiative_id = document_id(initiative_id, N_("initiatief"))
    content = await read_document(node, initiative_id, "initiative")
    hidden = await hidden_items(session, initiative_id)
    if None in hidden:
        raise NotFound(N_("initiatief"))
    items = _items(content, hidden)
    base = items[0]
    items.extend(
        msgspec.structs.replace(
            base,
            key=f"{initiative_id}/stand/{change.change}",
            kind="status",
            title="",
            text="",
            status=change.status,
            at=max(change.at, base.at),  # whole seconds: never before the posting itself
        )
        for change in await status_changes(node, initiative_id)
    )
    return InitiativeNews(
        id=initiative_id,
        title=base.initiative_title,
        summary=base.text,
        items=_newest_first(items),
    )
