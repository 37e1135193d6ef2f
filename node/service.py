"""What every domain service does around its one Automerge change: find the document (of the right
type), check the acting person's rights against its current state, make the change, and refresh the
SQL projection for that document.

The rights check and the change run under the document's lock, in one worker thread (the engine is
synchronous), so a check never approves a change against a version that has meanwhile moved on.
Services flush; committing is the caller's (the request, or the CLI job).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT

from .documents.repository import Author, Edit
from .errors import NotFound
from .fields import document_id
from .phrases import N_
from .projection import project
from .replication.catalog import record
from .trust.judged import JUDGED

if TYPE_CHECKING:
    from .runtime import Node

Check = Callable[[dict[str, Any]], None]
"""Looks at a document's current content and raises (PermissionDenied, Invalid, NotFound)."""

NOUNS = {
    "initiative": N_("initiatief"),
    "discussion": N_("gesprek"),
    "person": N_("persoon"),
    "organisation": N_("organisatie"),
    "grant_call": N_("subsidieoproep"),
    "job": N_("klus"),
    "ledger": N_("grootboek"),
    "poll": N_("peiling"),
    "place": N_("plek"),
    "event": N_("activiteit"),
    "alliance": N_("alliantie"),
}
"""What a NotFound calls each document type: Dutch msgids, translated where it is shown."""


def now() -> datetime:
    return datetime.now(UTC)


def _read_typed(node: Node, doc_id: str, doc_type: str, *, shared: bool = False) -> dict[str, Any]:
    what = NOUNS[doc_type]
    content = node.documents.read(document_id(doc_id, what), shared=shared)
    if content.get("type") != doc_type:
        raise NotFound(what)
    return content


async def read_document(node: Node, doc_id: str, doc_type: str) -> dict[str, Any]:
    """The document's content (`to_py`), or NotFound when the id is malformed, unknown here, or
    names a document of another type."""
    return await asyncio.to_thread(_read_typed, node, doc_id, doc_type)


async def read_with_heads(
    node: Node, doc_id: str, doc_type: str, *, shared: bool = False
) -> tuple[dict[str, Any], list[bytes]]:
    """Content and the heads it was read at, consistently (for forms that edit texts).
    `shared`: the caller only reads the content (see DocumentRepository.content)."""

    def read() -> tuple[dict[str, Any], list[bytes]]:
        doc_key = document_id(doc_id, NOUNS[doc_type])
        with node.documents.lock(doc_key):
            content = _read_typed(node, doc_key, doc_type, shared=shared)
            return content, node.documents.open(doc_key).get_heads()

    return await asyncio.to_thread(read)


async def create_document(
    node: Node,
    session: AsyncSession,
    doc_type: str,
    author: Author,
    message: str,
    fill: Edit,
    *,
    self_authored: bool = False,
) -> str:
    """A new document written in one change; returns its id."""

    def create() -> tuple[dict[str, Any], dict[str, Any]]:
        new_id = node.documents.create(doc_type, author, message, fill, self_authored=self_authored)
        return node.documents.read(new_id), record(node, new_id, doc_type)

    from .notifications import news  # here: accounts (which notices read) import this module

    content, catalog = await asyncio.to_thread(create)
    built = {content["id"]: await project(session, content)}
    await project(session, catalog)
    await news.find(
        session, news.Snapshot(), [content], actor=author.person_id, now=node.clock(), rows=built
    )
    return str(content["id"])


async def change_document(
    node: Node,
    session: AsyncSession,
    doc_id: str,
    doc_type: str,
    author: Author,
    message: str,
    edit: Edit,
    *,
    check: Check | None = None,
    base_heads: list[bytes] | None = None,
) -> None:
    """Check, then change, under the document's lock, then refresh the projection. An edit that
    writes nothing (supporting twice, saving an unchanged form) makes no change at all.

    `edit` must read what it needs from the document it is given (with base_heads that is the
    version the person saw, not the newest), and must not raise for input that `check` or the
    caller's validation could have refused first.
    """

    def apply() -> dict[str, Any] | None:
        doc_key = document_id(doc_id, NOUNS[doc_type])
        with node.documents.lock(doc_key):  # checks and the projection only read: shared
            content = _read_typed(node, doc_key, doc_type, shared=True)
            if check is not None:
                check(content)
            before = node.documents.open(doc_key).get_heads()
            after = node.documents.change(doc_key, author, message, edit, base_heads)
            return None if after == before else node.documents.read(doc_key, shared=True)

    from .notifications import news  # here: accounts (which notices read) import this module

    changed = await asyncio.to_thread(apply)
    if changed is not None:
        before = await news.snapshot(session, [(doc_id, doc_type)])
        built = {changed["id"]: await project(session, changed)}
        await news.find(
            session, before, [changed], actor=author.person_id, now=node.clock(), rows=built
        )


def read_field(
    node: Node, doc_ids: Iterable[str], doc_type: str, key: str
) -> dict[str, str | None]:
    """One top-level string field of each document (a person's display name, an organisation's
    name), as the rights across nodes show it; None for documents this node does not hold.
    Synchronous: call it from a worker thread."""
    found: dict[str, str | None] = {}
    for doc_id in set(doc_ids):
        try:
            doc = node.documents.open(doc_id)
        except NotFound:
            found[doc_id] = None
            continue
        with node.documents.lock(doc_id):
            if doc.get(ROOT, "type") != doc_type:
                value = None
            elif doc_type in JUDGED:  # as the rights across nodes show it (cached by heads)
                value = node.documents.content(doc_id, doc, shared=True).get(key)
            else:
                value = doc.get(ROOT, key)
        found[doc_id] = value if isinstance(value, str) else None
    return found
