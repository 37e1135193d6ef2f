"""About this node: what the platform is, who keeps the data, and the code that puts the widget
on another site."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.response import Template
from markupsafe import escape

from ..public import absolute, translator


def widget_snippet(request: Request[Any, Any, Any]) -> str:
    """The iframe tag to copy (shown escaped): sized for a sidebar, titled for screen readers."""
    _ = translator(request)
    title = _("Initiatieven in %(village)s") % {"village": request.app.state.node.identity.name}
    src = absolute(request, "/widget")
    return (
        f'<iframe src="{escape(src)}" title="{escape(title)}" width="100%" height="480" '
        'loading="lazy"></iframe>'
    )


@get("/over", name="about", include_in_schema=False)
async def about(request: Request[Any, Any, Any]) -> Template:
    return Template("about.html", context={"widget_snippet": widget_snippet(request)})


ROUTES = [about]
