"""The language switch in the footer: plain links that set a cookie and go back to the page.

A link (GET), not a form: it must work on every page, error pages without a CSRF token included,
and choosing a language changes only how this browser (and, logged in, the person on any device)
is spoken to.
"""

from __future__ import annotations

from litestar import get
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from node import accounts

from ..deps import ActingDep, Db
from ..i18n import COOKIE, LANGUAGES
from .common import safe_next, see_other


@get("/taal/{lang:str}", name="language", include_in_schema=False)
async def set_language(
    db: Db, acting: ActingDep, lang: FromPath[str], next: FromQuery[str] = "/"
) -> Redirect:
    """Logged in, the choice is also kept on the account, so other devices follow it."""
    response = see_other(safe_next(next))
    if lang in LANGUAGES:
        response.set_cookie(COOKIE, lang, max_age=60 * 60 * 24 * 365, samesite="lax")
        if acting is not None:
            await accounts.choose_language(db, acting, lang)
    return response


ROUTES = [set_language]
