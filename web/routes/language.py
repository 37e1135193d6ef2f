"""The language switch in the footer: a small form that sets a cookie and goes back."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from ..i18n import COOKIE, LANGUAGES
from .common import safe_next


class LanguageForm(msgspec.Struct):
    lang: str
    next: str = "/"


@post("/taal", name="language", include_in_schema=False)
async def set_language(
    data: Annotated[LanguageForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Redirect:
    response = Redirect(safe_next(data.next), status_code=303)
    if data.lang in LANGUAGES:
        response.set_cookie(COOKIE, data.lang, max_age=60 * 60 * 24 * 365, samesite="lax")
    return response


ROUTES = [set_language]
