"""Decision pages: putting a poll to a discussion or initiative, voting (again, to change one's
vote), and closing with an outcome. Forms work without JavaScript; a refused vote comes back with
the reason and what was chosen."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from node.acting import Acting
from node.errors import Invalid
from node.polls import service
from node.polls.forms import OutcomeForm, PollForm, VoteForm
from node.polls.views import get_poll
from node.projection.polls import decisions
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, login_first, refused, see_other

PollId = FromPath[str]


async def _detail(
    node: Node, acting: Acting | None, poll_id: str, status_code: int = 200, **extra: Any
) -> Template:
    poll = await get_poll(node, poll_id, acting.person_id if acting else None)
    context = {
        "poll": poll,
        "acting": acting,
        "local": poll.origin_node == node.identity.node_id,
        "errors": {},
        **extra,
    }
    return Template("polls/detail.html", context=context, status_code=status_code)


@get("/peilingen", include_in_schema=False)
async def polls_page(node: NodeDep, db: Db) -> Template:
    """Every open decision on this node and the latest closed: one place to see what is being
    decided, whichever discussion or initiative it belongs to."""
    opened, closed = await decisions(db, node.clock())
    return Template("polls/list.html", context={"opened": opened, "closed": closed})


@get("/peilingen/nieuw", include_in_schema=False)
async def new_poll_page(
    request: Request[Any, Any, Any], acting: ActingDep, over: FromQuery[str] = ""
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    return form_page("polls/form.html", PollForm(title="", about=over))


@post("/peilingen", include_in_schema=False)
async def start_poll(
    node: NodeDep, db: Db, acting: ActingDep, data: Annotated[PollForm, FORM]
) -> Template | Redirect:
    try:
        poll_id = await service.start_poll(node, db, acting, data)
    except Invalid as exc:
        await db.rollback()
        return refused("polls/form.html", data, exc)
    return see_other(f"/peilingen/{poll_id}")


@get("/peilingen/{poll_id:str}", name="poll", include_in_schema=False)
async def poll_page(node: NodeDep, acting: ActingDep, poll_id: PollId) -> Template:
    return await _detail(node, acting, poll_id)


@post("/peilingen/{poll_id:str}/stem", include_in_schema=False)
async def vote(
    node: NodeDep, db: Db, acting: ActingDep, poll_id: PollId, data: Annotated[VoteForm, FORM]
) -> Template | Redirect:
    try:
        await service.vote(node, db, acting, poll_id, data)
    except Invalid as exc:
        await db.rollback()
        return await _detail(node, acting, poll_id, 400, errors={exc.field: exc.phrase})
    return see_other(f"/peilingen/{poll_id}")


@post("/peilingen/{poll_id:str}/sluiten", include_in_schema=False)
async def close_poll(
    node: NodeDep, db: Db, acting: ActingDep, poll_id: PollId, data: Annotated[OutcomeForm, FORM]
) -> Template | Redirect:
    try:
        await service.close_poll(node, db, acting, poll_id, data)
    except Invalid as exc:
        await db.rollback()
        return await _detail(node, acting, poll_id, 400, errors={exc.field: exc.phrase})
    return see_other(f"/peilingen/{poll_id}")


ROUTES = [polls_page, new_poll_page, start_poll, poll_page, vote, close_poll]
