"""Notifications: the list (/mijn/meldingen), marking all read, the settings, and the
unsubscribe link of a digest, which works without logging in."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from node import notifications
from node.errors import Invalid, NotFound
from node.notifications import KINDS, PreferencesForm
from node.phrases import N_
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep
from .common import FORM, form_page, login_first, refused, see_other

SETTINGS_PAGE = "notifications/settings.html"
DIGEST_CHOICES = (
    ("off", N_("Nooit")),
    ("daily", N_("Eén keer per dag")),
    ("weekly", N_("Eén keer per week")),
)


@get("/mijn/meldingen", name="notices", include_in_schema=False)
async def notices_page(
    request: Request[Any, Any, Any], db: Db, acting: ActingDep
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    groups = await notifications.notices(db, acting.person_id)
    context = {
        "groups": groups,
        "kinds": KINDS,
        "unread": await notifications.unread_count(db, acting.person_id),
    }
    return Template("notifications/list.html", context=context)


@post("/mijn/meldingen/gelezen", include_in_schema=False)
async def all_read(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, acting: ActingDep
) -> Redirect:
    if acting is None:
        return login_first(request)
    await notifications.mark_all_read(db, acting.person_id, node.clock())
    return see_other("/mijn/meldingen")


def _settings_form(choices: notifications.inbox.Preferences) -> PreferencesForm:
    return PreferencesForm(digest=choices.digest, hear=[k for k in KINDS if k not in choices.muted])


def _settings_context(node: Node) -> dict[str, Any]:
    return {"digests": DIGEST_CHOICES, "kinds": KINDS, "mail_on": node.settings.sends_mail}


@get("/mijn/meldingen/instellingen", include_in_schema=False)
async def settings_page(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, acting: ActingDep
) -> Template | Redirect:
    if acting is None:
        return login_first(request)
    choices = await notifications.preferences(db, acting.person_id)
    return form_page(SETTINGS_PAGE, _settings_form(choices), **_settings_context(node))


@post("/mijn/meldingen/instellingen", include_in_schema=False)
async def save_settings(
    node: NodeDep, db: Db, acting: ActingDep, data: Annotated[PreferencesForm, FORM]
) -> Template | Redirect:
    try:
        await notifications.save_preferences(db, acting, data)
    except Invalid as exc:
        await db.rollback()
        return refused(SETTINGS_PAGE, data, exc, **_settings_context(node))
    return see_other("/mijn/meldingen/instellingen?bewaard=1")


def _check(node: Node, person_id: str, token: str) -> None:
    if not notifications.valid_token(node.identity.session_secret, person_id, token):
        raise NotFound(N_("afmeldlink"))


@get("/meldingen/uitschrijven/{person_id:str}/{token:str}", include_in_schema=False)
async def unsubscribe_page(
    node: NodeDep, person_id: FromPath[str], token: FromPath[str]
) -> Template:
    """A page with one button: mail scanners open links, only a person presses buttons."""
    _check(node, person_id, token)
    return Template("notifications/unsubscribe.html", context={"done": False})


@post("/meldingen/uitschrijven/{person_id:str}/{token:str}", include_in_schema=False)
async def unsubscribe(
    node: NodeDep, db: Db, person_id: FromPath[str], token: FromPath[str]
) -> Template:
    """Also the one-click unsubscribe of mail programs (RFC 8058): no CSRF token, the link's
    own token is the proof, and all it can do is switch that person's e-mail off."""
    _check(node, person_id, token)
    await notifications.stop_mail(db, person_id)
    return Template("notifications/unsubscribe.html", context={"done": True})


ROUTES = [notices_page, all_read, settings_page, save_settings, unsubscribe_page, unsubscribe]
