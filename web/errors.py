"""Errors become pages a resident can read: node errors (NotFound, PermissionDenied, Invalid) and
HTTP errors map to `errors/<status>.html`, to the `errors/_message.html` partial for htmx (shown
in the page's message area), or to JSON under /api. Never a traceback unless settings.debug.

Every message is shown in the request's language (web/i18n.py: the language cookie, else
Accept-Language, else the node's MEKAAR_LANGUAGE), the JSON API's `message` as well: an API
client asks for English with `Accept-Language: en` and otherwise gets the node's language (Dutch
unless the host chose English). `error` and `field` are the same in every language, for programs
to act on. A node error's message is its `phrase`, a Dutch msgid with values (node/phrases.py),
translated and then filled in.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.response import Template
from litestar.types import ExceptionHandlersMap

from node.errors import Invalid, NotFound, PermissionDenied
from node.phrases import Phrase

from .i18n import translate
from .rendering import N_

log = logging.getLogger("mekaar.web")

CSRF_FAILED = "CSRF token verification failed"
TITLES = {
    400: N_("Dat ging niet goed"),
    403: N_("Dat mag niet"),
    404: N_("Niet gevonden"),
    405: N_("Dat kan hier niet"),
    413: N_("Te veel tekst"),
    429: N_("Even geduld"),
    500: N_("Er ging iets mis"),
}
MESSAGES = {
    400: N_("Er klopt iets niet aan wat u stuurde. Ga terug en probeer het nog eens."),
    403: N_("U mag dit niet doen."),
    404: N_("Deze pagina bestaat niet (meer). Misschien is de link oud."),
    405: N_("Dat kan hier niet."),
    413: N_("U stuurde te veel tekst in één keer. Maak het korter en probeer het opnieuw."),
    429: N_("U probeerde het te vaak. Wacht een paar minuten."),
    500: N_(
        "Er ging bij ons iets mis. Uw gegevens zijn niet veranderd. Probeer het later nog eens."
    ),
}
CSRF_MESSAGE = N_(
    "Dit formulier is verlopen of kwam niet van deze website. Ga terug, laad de pagina "
    "opnieuw en probeer het nog eens."
)


def render_error(
    request: Request[Any, Any, Any],
    status: int,
    message: str | Phrase,
    *,
    field: str | None = None,
    code: str | None = None,
) -> Response[Any]:
    """The error as JSON under /api, as a partial for htmx, else as a page; `message` (a msgid or a
    node Phrase) in the request's language."""
    code = code or {400: "invalid", 403: "forbidden", 404: "not_found"}.get(status, "error")
    message = translate(request, message)
    if request.url.path.startswith("/api"):
        body: dict[str, Any] = {"error": code, "message": message}
        if field:
            body["field"] = field
        return Response(body, status_code=status, media_type=MediaType.JSON)
    template = status if status in TITLES and status != 405 else (500 if status >= 500 else 400)
    title = translate(request, TITLES.get(status, TITLES[400]))
    context = {"status": status, "title": title, "message": message}
    if getattr(request, "htmx", False):
        return Template(
            "errors/_message.html",
            context=context,
            status_code=status,
            headers={"HX-Retarget": "#meldingen", "HX-Reswap": "innerHTML"},
        )
    return Template(f"errors/{template}.html", context=context, status_code=status)


def _not_found(request: Request[Any, Any, Any], exc: NotFound) -> Response[Any]:
    if request.url.path.startswith("/api"):
        return render_error(request, 404, exc.phrase)
    return render_error(request, 404, MESSAGES[404])


def _denied(request: Request[Any, Any, Any], exc: PermissionDenied) -> Response[Any]:
    return render_error(request, 403, exc.phrase)


def _invalid(request: Request[Any, Any, Any], exc: Invalid) -> Response[Any]:
    return render_error(request, 400, exc.phrase, field=exc.field)


def _http(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status >= 500 and not request.app.debug:
        return _server_error(request, exc)
    if isinstance(exc, PermissionDeniedException) and exc.detail == CSRF_FAILED:
        return render_error(request, 403, CSRF_MESSAGE, code="csrf")
    return render_error(request, status, MESSAGES.get(status, MESSAGES[400]))


def _server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.error("error while serving %s %s", request.method, request.url.path, exc_info=exc)
    return render_error(request, 500, MESSAGES[500])


def handlers(debug: bool) -> ExceptionHandlersMap:
    """With debug on, unexpected errors fall through to Litestar's traceback page."""
    mapped: ExceptionHandlersMap = {
        NotFound: _not_found,
        PermissionDenied: _denied,
        Invalid: _invalid,
        HTTPException: _http,
    }
    if not debug:
        mapped[Exception] = _server_error
    return mapped
