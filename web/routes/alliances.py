"""Alliances of villages (docs/dialogue.md, Alliance): the list, an alliance's overview (figures
of every member village rolled up, the skills directory across villages with a search), and the
host's page of this node's memberships (made with `mekaar alliance`)."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from node.alliance.service import memberships
from node.alliance.views import get_alliance, list_alliances
from node.errors import NotFound, PermissionDenied
from node.phrases import N_

from ..deps import ActingDep, Db, NodeDep


@get("/allianties", include_in_schema=False)
async def alliances_page(db: Db, acting: ActingDep) -> Template:
    return Template(
        "alliances/list.html", context={"alliances": await list_alliances(db), "acting": acting}
    )


@get("/alliantie/{alliance_id:str}", include_in_schema=False)
async def alliance_page(
    node: NodeDep, acting: ActingDep, alliance_id: FromPath[str], q: FromQuery[str] = ""
) -> Template:
    alliance = await get_alliance(node, alliance_id, q)
    village_bars = [(m.village, m.figures["initiatives"]) for m in alliance.members]
    context = {
        "alliance": alliance,
        "village_bars": village_bars,
        "acting": acting,
        "here": node.identity.node_id,
    }
    return Template("alliances/detail.html", context=context)


@get("/beheer/allianties", include_in_schema=False)
async def host_page(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, acting: ActingDep
) -> Template:
    if acting is None or "host" not in acting.roles:
        raise PermissionDenied(N_("Alleen de beheerder van deze node ziet de allianties."))
    rows = await memberships(db)
    held = {}
    for row in rows:
        try:
            held[row.alliance_id] = await get_alliance(node, row.alliance_id)
        except NotFound:  # not held yet: a peer has still to send it
            held[row.alliance_id] = None
    return Template("alliances/host.html", context={"rows": rows, "held": held, "acting": acting})


ROUTES = [alliances_page, alliance_page, host_page]
