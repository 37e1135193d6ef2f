"""Talking things over: current topics anyone logged in may start, an initiative's own threads,
comments and replies. Everyone logged in may comment; people edit only their own words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_list, put_map, put_new, replace_list, set_place, set_text
from ..errors import NotFound, PermissionDenied
from ..fields import (
    LONG_TEXT,
    SHORT_TEXT,
    clean_place,
    clean_tags,
    clean_text,
    item_id,
    parse_version,
)
from ..ids import item_id_for
from ..phrases import N_
from ..service import change_document, create_document, now, read_document
from .forms import CommentForm, DiscussionForm, ThreadForm

if TYPE_CHECKING:
    from ..runtime import Node

BODY_TEXT = 10_000


def _fill(values: dict[str, Any], initiative: str | None) -> Any:
    def fill(tx: Transaction, doc: Document) -> None:
        tx.put(ROOT, "title", values["title"])
        set_text(tx, doc, ROOT, "intro", values["intro"])
        tx.put(ROOT, "initiative", initiative)
        put_map(tx, ROOT, "place", values["place"])
        put_list(tx, ROOT, "tags", values["tags"])
        tx.put_object(ROOT, "comments", ObjType.MAP)

    return fill


def _title(value: str) -> str:
    return clean_text("title", value, label=N_("De titel"), max_len=SHORT_TEXT, required=True)


def _intro(value: str) -> str:
    return clean_text("intro", value, label=N_("De inleiding"), max_len=LONG_TEXT, multiline=True)


def _body(value: str) -> str:
    return clean_text(
        "body", value, label=N_("Je reactie"), max_len=BODY_TEXT, required=True, multiline=True
    )


def _clean(form: DiscussionForm) -> dict[str, Any]:
    return {
        "title": _title(form.title),
        "intro": _intro(form.intro),
        "place": clean_place(form.village, form.neighbourhood),
        "tags": clean_tags(form.tags),
    }


async def start_discussion(
    node: Node, session: AsyncSession, acting: Acting | None, form: DiscussionForm
) -> str:
    """Open a current topic for the village; returns the discussion's id."""
    me = require_login(acting)
    return await create_document(
        node, session, "discussion", me.author, "Gesprek gestart", _fill(_clean(form), None)
    )


async def start_thread(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    initiative_id: str,
    form: ThreadForm,
) -> str:
    """Open a conversation about an initiative (its place and tags carry over)."""
    me = require_login(acting)
    initiative = await read_document(node, initiative_id, "initiative")
    title = form.title
    if not (title or "").strip():
        title = f"Gesprek: {initiative['title']}"[:SHORT_TEXT]
    values = {
        "title": _title(title),
        "intro": _intro(form.intro),
        "place": dict(initiative.get("place") or {}),
        "tags": list(initiative.get("tags", [])),
    }
    return await create_document(
        node,
        session,
        "discussion",
        me.author,
        "Gesprek over initiatief gestart",
        _fill(values, initiative["id"]),
    )


async def edit_discussion(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    discussion_id: str,
    form: DiscussionForm,
) -> None:
    """Its starter rewords a topic; the intro merges with concurrent edits (form.version)."""
    me = require_login(acting)
    values = _clean(form)
    base_heads = parse_version(form.version)

    def check(content: dict[str, Any]) -> None:
        if content["created_by"] != me.person_id:
            raise PermissionDenied(N_("Alleen wie het gesprek begon kan het onderwerp aanpassen."))

    def edit(tx: Transaction, doc: Document) -> None:
        put_new(tx, ROOT, "title", values["title"])
        set_text(tx, doc, ROOT, "intro", values["intro"])
        set_place(tx, ROOT, values["place"])
        replace_list(tx, tx.get(ROOT, "tags"), values["tags"])

    await change_document(
        node,
        session,
        discussion_id,
        "discussion",
        me.author,
        "Onderwerp bijgewerkt",
        edit,
        check=check,
        base_heads=base_heads,
    )


async def comment(
    node: Node, session: AsyncSession, acting: Acting | None, discussion_id: str, form: CommentForm
) -> str:
    """Add a comment, or a reply when form.reply_to names an existing comment; returns its id."""
    me = require_login(acting)
    body = _body(form.body)
    reply_to = item_id(form.reply_to, N_("reactie")) if form.reply_to else None
    comment_id = item_id_for(form.idempotency_key, discussion_id, me.person_id)

    def check(content: dict[str, Any]) -> None:
        if reply_to is not None and reply_to not in content["comments"]:
            raise NotFound(N_("reactie"))

    def edit(tx: Transaction, _doc: Document) -> None:
        comments = tx.get(ROOT, "comments")
        if tx.get(comments, comment_id) is None:  # a replay of the same post: already there
            values = {"by": me.person_id, "at": now(), "body": body, "reply_to": reply_to}
            put_map(tx, comments, comment_id, values)

    await change_document(
        node,
        session,
        discussion_id,
        "discussion",
        me.author,
        "Reactie geplaatst" if reply_to is None else "Antwoord geplaatst",
        edit,
        check=check,
    )
    return comment_id


async def reply(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    discussion_id: str,
    comment_id: str,
    form: CommentForm,
) -> str:
    """Answer the comment `comment_id`; returns the reply's id."""
    answer = CommentForm(body=form.body, reply_to=item_id(comment_id, N_("reactie")))
    return await comment(node, session, acting, discussion_id, answer)


async def edit_comment(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    discussion_id: str,
    comment_id: str,
    form: CommentForm,
) -> None:
    """Reword one's own comment; it shows as edited."""
    me = require_login(acting)
    body = _body(form.body)
    comment_id = item_id(comment_id, N_("reactie"))

    def check(content: dict[str, Any]) -> None:
        found = content["comments"].get(comment_id)
        if not isinstance(found, dict):
            raise NotFound(N_("reactie"))
        if found["by"] != me.person_id:
            raise PermissionDenied(N_("Je kunt alleen je eigen reacties aanpassen."))

    def edit(tx: Transaction, _doc: Document) -> None:
        target = tx.get(tx.get(ROOT, "comments"), comment_id)
        if tx.get(target, "body") != body:
            tx.put(target, "body", body)
            tx.put(target, "edited_at", now())

    await change_document(
        node,
        session,
        discussion_id,
        "discussion",
        me.author,
        "Reactie aangepast",
        edit,
        check=check,
    )
