"""About this node: what the platform is and who keeps the data."""

from __future__ import annotations

from litestar import get
from litestar.response import Template


@get("/over", name="about", include_in_schema=False)
async def about() -> Template:
    return Template("about.html")


ROUTES = [about]
