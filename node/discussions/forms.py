"""What residents fill in to talk things over (request bodies for web/ as well)."""

from __future__ import annotations

import msgspec


class DiscussionForm(msgspec.Struct, kw_only=True):
    """A current topic. version: the hidden field of an edit form (DiscussionView.version)."""

    title: str
    intro: str = ""
    village: str = ""
    neighbourhood: str = ""
    tags: list[str] | str = ""
    version: str = ""


class ThreadForm(msgspec.Struct, kw_only=True):
    """An initiative's own conversation; the title defaults to one naming the initiative."""

    title: str = ""
    intro: str = ""


class CommentForm(msgspec.Struct, kw_only=True):
    body: str
    reply_to: str = ""
    """the id of the comment this one answers, or empty"""
    idempotency_key: str = ""
    """the form's action key: the same key twice posts one comment (node.ids.item_id_for)"""
