"""What leaves the site (feeds, calendars, the widget, posters): absolute links, the request's
language outside templates, and the route options such resources share.

Absolute links start from MEKAAR_PUBLIC_URL when it is set: behind a proxy the request may only
know an internal address, and a QR code printed on paper must keep pointing at the address
residents use. Without it they start from the address this request came to.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from typing import Any

from litestar import Request

from node.errors import Invalid
from node.phrases import N_
from node.runtime import Node

from .i18n import request_language

PUBLIC_OPT: dict[str, Any] = {"exclude_from_csrf": True, "skip_session": True, "acting": False}
"""Route options for resources anyone may fetch and embed: no cookie is ever set (neither the
CSRF cookie nor a renewed session: a feed reader or a broadcaster's page has no use for one, and
a cookie-less answer can be shared by caches) and nobody's session is read (the answer is the
same for everyone)."""

NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
"""Control characters: XML 1.0 cannot carry them (lxml refuses them) and calendars choke on them;
a peer's document might still hold some."""

MAX_PLACE = 100
MAX_COUNT = 50


def public_base(request: Request[Any, Any, Any]) -> str:
    """The site's address without a trailing slash: `https://wezep.example`."""
    node: Node = request.app.state.node
    configured = node.settings.public_url.strip()
    if configured:
        return configured.rstrip("/")
    return str(request.base_url).rstrip("/")


def absolute(request: Request[Any, Any, Any], path: str) -> str:
    """An absolute URL for a path on this site (`/initiatieven/…`)."""
    return public_base(request) + path


def translator(request: Request[Any, Any, Any]) -> Callable[[str], str]:
    """gettext in the request's language, for texts made outside templates (feed titles)."""
    engine: Any = request.app.template_engine
    catalogs: dict[str, gettext.NullTranslations] = engine.engine.globals["_catalogs"]
    return catalogs[request_language(request)].gettext


def count(value: int, default: int = 10) -> int:
    """How many items a visitor asked for (`?aantal=`): 1 to MAX_COUNT, or Invalid (400)."""
    if value == 0:
        return default
    if not 1 <= value <= MAX_COUNT:
        raise Invalid("aantal", N_("Kies een aantal van 1 tot %(max)d."), max=MAX_COUNT)
    return value


def place(value: str) -> str | None:
    """A neighbourhood from the query (`?wijk=`): at most MAX_PLACE characters, or Invalid."""
    if len(value) > MAX_PLACE:
        raise Invalid("wijk", N_("Een wijknaam is hoogstens %(max)d tekens lang."), max=MAX_PLACE)
    return value.strip() or None


def plain(text: str) -> str:
    """Resident text fit for XML and iCalendar: control characters removed, nothing else."""
    return NOT_TEXT.sub("", text)
