"""Moderators hide and show content on this node. Never a change to a document: a local record,
reversible, and the author still sees their own content marked as hidden."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.response import Redirect

from node import accounts

from ..deps import ActingDep, Db
from .common import FORM, safe_next, see_other


class ModerationForm(msgspec.Struct, kw_only=True):
    doc_id: str
    item_id: str = ""
    reason: str = ""
    next: str = "/"


@post("/moderatie/verbergen", include_in_schema=False)
async def hide(db: Db, acting: ActingDep, data: Annotated[ModerationForm, FORM]) -> Redirect:
    await accounts.hide(db, acting, data.doc_id, item_id=data.item_id or None, reason=data.reason)
    return see_other(safe_next(data.next))


@post("/moderatie/tonen", include_in_schema=False)
async def unhide(db: Db, acting: ActingDep, data: Annotated[ModerationForm, FORM]) -> Redirect:
    await accounts.unhide(db, acting, data.doc_id, item_id=data.item_id or None)
    return see_other(safe_next(data.next))


ROUTES = [hide, unhide]
