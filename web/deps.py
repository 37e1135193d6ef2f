"""Per-request dependencies: the node, one database session, and who is acting (looked up in a
`before_request` hook, so pages whose handler does not ask for it still know).

The database session is the request's unit of work: node services flush, and it is committed here
when the handler returns (rolled back when it raises), so a request either happens or it does not.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from litestar.di import NamedDependency
from sqlalchemy.ext.asyncio import AsyncSession

from node import accounts, notifications
from node.acting import Acting
from node.runtime import Node

SESSION_PERSON = "person_id"

NodeDep = NamedDependency[Node]
Db = NamedDependency[AsyncSession]
ActingDep = NamedDependency[Acting | None]


def provide_node(request: Request[Any, Any, Any]) -> Node:
    node: Node = request.app.state.node
    return node


async def provide_db(node: NodeDep) -> AsyncGenerator[AsyncSession, None]:
    async with node.sessions() as session:
        try:
            yield session
        except BaseException:
            await session.rollback()
            raise
        else:
            await session.commit()


async def resolve_acting(request: Request[Any, Any, Any]) -> None:
    """Before every handler: who is logged in, kept in `request.state.acting`.

    Every page's header (base.html) shows it, also on pages whose handler never asks for `acting`
    (/over, an error page). A session for an account that is gone is cleared. Routes with
    `opt={"acting": False}` (the static files) skip the look-up.
    """
    request.state.acting = None
    request.state.unread = 0
    if request.route_handler.opt.get("acting", True) is False or not request.session:
        return
    person_id = request.session.get(SESSION_PERSON)
    if not isinstance(person_id, str):
        return
    node: Node = request.app.state.node
    async with node.sessions() as db:
        acting = await accounts.acting_for(db, person_id)
        if acting is not None:  # the header's count: one indexed query, stopped at 100
            request.state.unread = await notifications.unread_count(db, person_id)
    if acting is None:
        request.clear_session()
    request.state.acting = acting


def provide_acting(request: Request[Any, Any, Any]) -> Acting | None:
    """The logged-in person, or None (looked up once per request by `resolve_acting`)."""
    acting: Acting | None = request.state.acting
    return acting
