"""Small helpers every feature's handlers share."""

from __future__ import annotations

from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec
from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.plugins.htmx import HTMXRequest
from litestar.response import Redirect, Template

from node import projection
from node.errors import Invalid
from node.phrases import Phrase
from node.runtime import Node


async def home_village(node: Node, origin_node: str) -> str | None:
    """The name of the village a document comes from (None: from here, or not known yet)."""
    if origin_node == node.identity.node_id:
        return None
    async with node.sessions() as session:
        return (await projection.village_names(session)).get(origin_node)


def safe_next(target: str | None) -> str:
    """Only paths on this site: never a redirect to somewhere else."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def see_other(path: str) -> Redirect:
    """After a form post: go to the page that shows the result (POST/redirect/GET)."""
    return Redirect(path, status_code=303)


def wants_partial(request: HTMXRequest) -> bool:
    """htmx asks for a piece of the page; a history restore (back button) needs all of it."""
    return bool(request.htmx) and not request.htmx.history_restore_request


K = TypeVar("K", bound=msgspec.Struct)


def with_action_key(request: Request[Any, Any, Any], form: K) -> K:
    """The form's idempotency key, or the `Idempotency-Key` header when the form had none (a replay
    from a phone's outbox may carry it only there; docs/offline.md)."""
    if getattr(form, "idempotency_key", "x"):
        return form
    return msgspec.structs.replace(form, idempotency_key=request.headers.get("idempotency-key", ""))


FORM = Body(media_type=RequestEncodingType.URL_ENCODED)
"""A request body from an HTML form (urlencoded) parsed into the handler's msgspec.Struct."""


def login_first(request: Request[Any, Any, Any]) -> Redirect:
    """Pages that need a person send visitors to log in, and back here afterwards."""
    return see_other("/inloggen?" + urlencode({"next": request.url.path}))


def form_page(
    template: str,
    form: Any,
    errors: dict[str, str | Phrase] | None = None,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    """A page with a form: `form` is what it shows (None: empty), `errors` the message per field."""
    context = {"form": form, "errors": errors or {}, **context}
    return Template(template, context=context, status_code=status_code)


def refused(template: str, form: Any, exc: Invalid, **context: Any) -> Template:
    """Invalid input: the same form again (400), everything typed kept, the message at its field.
    The handler rolls back first, so nothing of the attempt is committed."""
    return form_page(template, form, {exc.field: exc.phrase}, status_code=400, **context)
