"""The embeddable widget (`/widget`): the latest initiatives as a small page of its own, for an
iframe on a broadcaster's or the municipality's site.

It is the one page other sites may frame (`opt["embeddable"]`, see web/security.py), so it holds
nothing that a framing page could trick a visitor into: no forms, no login, no cookies set
(PUBLIC_OPT), no session looked up. Every link opens the node in a new tab, so a resident who
follows one arrives on the real site with its own address bar.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get
from litestar.params import FromQuery
from litestar.response import Template
from litestar.types import ControllerRouterHandler

from node import projection
from node.projection import listing

from ..deps import Db, NodeDep
from ..public import PUBLIC_OPT, absolute, count, place
from ..security import EMBEDDABLE

WIDGET_ITEMS = 5
"""Initiatives the widget shows unless `?aantal=` asks for another number (1 to 50)."""


@get("/widget", name="widget", include_in_schema=False, opt={**PUBLIC_OPT, EMBEDDABLE: True})
async def widget(
    request: Request[Any, Any, Any],
    node: NodeDep,
    db: Db,
    wijk: FromQuery[str] = "",
    aantal: FromQuery[int] = 0,
) -> Template:
    """Most recently active initiatives of the node, or of one neighbourhood (`?wijk=`)."""
    neighbourhood = place(wijk)
    results = await listing.list_initiatives(
        db, neighbourhood=neighbourhood, per_page=count(aantal, WIDGET_ITEMS)
    )
    more = "/?" + urlencode({"wijk": neighbourhood}) if neighbourhood else "/"
    context = {
        "results": results,
        "neighbourhood": neighbourhood,
        "base": absolute(request, ""),
        "more_url": absolute(request, more),
        "villages": await projection.village_names(db),
    }
    return Template("widget.html", context=context)


ROUTES: list[ControllerRouterHandler] = [widget]
