"""Small helpers every feature's handlers share."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template


def safe_next(target: str | None) -> str:
    """Only paths on this site: never a redirect to somewhere else."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def see_other(path: str) -> Redirect:
    """After a form post: go to the page that shows the result (POST/redirect/GET)."""
    return Redirect(path, status_code=303)


def page(
    request: Request[Any, Any, Any],
    template: str,
    partial: str | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """The full page, or for htmx only the partial that the page includes."""
    name = partial if partial and getattr(request, "htmx", False) else template
    return Template(name, context=context, status_code=status_code)


FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
"""A request body from an HTML form (urlencoded) parsed into the handler's msgspec.Struct."""


def login_first(request: Request[Any, Any, Any]) -> Redirect:
    """Pages that need a person send visitors to log in, and back here afterwards."""
    return see_other("/inloggen?" + urlencode({"next": request.url.path}))
