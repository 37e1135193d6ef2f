"""Small helpers every feature's handlers share."""

from __future__ import annotations

from typing import Any

from litestar import Request
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
