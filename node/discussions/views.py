"""The read model of a discussion: comments in thread order (each reply under what it answers),
flat with a depth, so a page renders it without recursion however deep a peer nested it."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..fields import encode_version
from ..people.views import display_names
from ..service import read_field, read_with_heads

if TYPE_CHECKING:
    from ..runtime import Node

MAX_DEPTH = 4
"""Replies deeper than this are shown at this depth (still after what they answer)."""


class CommentView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    by: str
    by_name: str
    at: datetime
    body: str
    reply_to: str | None
    edited_at: datetime | None
    depth: int


class DiscussionView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    intro: str
    initiative: str | None
    initiative_title: str | None
    village: str
    neighbourhood: str
    tags: list[str]
    origin_node: str
    created_at: datetime
    created_by: str
    created_by_name: str
    comments: list[CommentView]
    """Thread order: top-level comments oldest first, each followed by its replies."""
    version: str
    """Put it in edit forms (DiscussionForm.version) so concurrent edits merge."""


def thread_order(comments: dict[str, Any]) -> list[tuple[str, int]]:
    """(comment id, depth) in reading order. Replies to comments this node does not hold, and
    reply cycles a peer might send, still appear (as top-level comments)."""

    def when(cid: str) -> tuple[Any, str]:
        return (comments[cid]["at"], cid)

    children: dict[str | None, list[str]] = defaultdict(list)
    for cid, c in comments.items():
        parent = c.get("reply_to")
        children[parent if parent in comments and parent != cid else None].append(cid)
    for kids in children.values():
        kids.sort(key=when)
    order: list[tuple[str, int]] = []
    seen: set[str] = set()
    for root in [*children[None], *sorted(comments, key=when)]:
        stack = [(root, 0)]
        while stack:
            cid, depth = stack.pop()
            if cid in seen:
                continue
            seen.add(cid)
            order.append((cid, depth))
            stack.extend((kid, depth + 1) for kid in reversed(children.get(cid, [])))
    return order


def _build(content: dict[str, Any], heads: list[bytes], node: Node) -> DiscussionView:
    """The view, kept by heads while the names and the initiative's title it shows stay the
    same: a thread of 5,000 comments takes tens of milliseconds to order and wrap, where one
    page of it renders in a few."""
    comments: dict[str, Any] = content.get("comments", {})
    names = display_names(node, {c["by"] for c in comments.values()} | {content["created_by"]})
    initiative = content.get("initiative")
    initiative_title = (
        read_field(node, [initiative], "initiative", "title")[initiative] if initiative else None
    )
    key, inputs = ("discussion", content["id"], tuple(heads)), (names, initiative_title)
    kept: DiscussionView | None = node.built.get(key, inputs)
    if kept is not None:
        return kept
    place = content.get("place") or {}
    view = DiscussionView(
        id=content["id"],
        title=content["title"],
        intro=content.get("intro", ""),
        initiative=initiative,
        initiative_title=initiative_title,
        village=place.get("village", ""),
        neighbourhood=place.get("neighbourhood", ""),
        tags=list(content.get("tags", [])),
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        created_by=content["created_by"],
        created_by_name=names[content["created_by"]],
        comments=[
            CommentView(
                id=cid,
                by=comments[cid]["by"],
                by_name=names[comments[cid]["by"]],
                at=comments[cid]["at"],
                body=comments[cid]["body"],
                reply_to=comments[cid].get("reply_to"),
                edited_at=comments[cid].get("edited_at"),
                depth=min(depth, MAX_DEPTH),
            )
            for cid, depth in thread_order(comments)
        ],
        version=encode_version(heads),
    )
    node.built.keep(key, inputs, view)
    return view


async def get_discussion(node: Node, discussion_id: str) -> DiscussionView:
    """The discussion as a page shows it; NotFound when this node does not hold it."""
    content, heads = await read_with_heads(node, discussion_id, "discussion", shared=True)
    return await asyncio.to_thread(_build, content, heads, node)
