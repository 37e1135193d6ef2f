"""Jinja setup: autoescape everywhere, gettext per request, and the few filters pages share.

Texts people write are shown in two ways, both by the `richtext` filter. Long texts from documents
made on this node go through nh3 (a small allow-list of tags). Anything from another village (a
document whose `origin_node` is not this node) is shown as escaped paragraphs: nothing it holds is
ever taken as markup.

A node refusal (a `Phrase`: Dutch msgid plus values) put in a template's context, such as a form's
`errors`, is shown in the request's language wherever it is output (`{{ errors.title }}`): the
environment's `finalize` translates it, so templates need nothing special for it.
"""

from __future__ import annotations

import functools
import re
import uuid
from datetime import date, datetime
from typing import Any

import nh3
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from litestar.plugins.jinja import JinjaTemplateEngine
from markupsafe import Markup, escape

from node.jobs.rules import LOCAL_TIME
from node.ledger.minutes import as_hours
from node.phrases import Phrase

from .i18n import CATALOG, Catalogs, request_language

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL = re.compile(r"(https?://[^\s<>\"']+)")


def N_(text: str) -> str:
    return text


STATUS_STEPS = (
    ("idea", N_("Agenderen")),
    ("looking_for_allies", N_("Medestanders vinden")),
    ("joining", N_("Aansluiten")),
    ("active", N_("Aan de slag")),
)
STATUS_LABELS = {
    "idea": N_("Op de agenda"),
    "looking_for_allies": N_("Zoekt medestanders"),
    "active": N_("Aan de slag"),
    "done": N_("Klaar"),
    "paused": N_("Gepauzeerd"),
}
NEED_KINDS = {
    "skills": N_("Kennis of vaardigheid"),
    "hands": N_("Handen"),
    "materials": N_("Spullen"),
    "room": N_("Ruimte"),
    "money": N_("Geld"),
}
ALLY_ROLES = {
    "initiator": N_("Initiatiefnemer"),
    "coordinator": N_("Coördinator"),
    "joiner": N_("Doet mee"),
    "supporter": N_("Steunt"),
}
TASK_STATUS = {"open": N_("Open"), "taken": N_("Opgepakt"), "done": N_("Klaar")}
TASK_BUTTONS = {
    "open": (("oppakken", N_("Ik pak dit op")), ("klaar", N_("Klaar"))),
    "taken": (("klaar", N_("Klaar")), ("teruggeven", N_("Geef terug"))),
    "done": (("heropenen", N_("Toch niet klaar")),),
}
"""The buttons on a task in each column of the board: (path word, label)."""
ORGANISATION_KINDS = {
    "municipality": N_("Gemeente"),
    "broadcaster": N_("Lokale omroep"),
    "association": N_("Vereniging"),
    "social_organisation": N_("Sociale organisatie"),
    "shop": N_("Winkel of bedrijf"),
    "other": N_("Andere organisatie"),
}

PLACE_KINDS = {
    "community_centre": N_("Buurthuis of gemeenschapscentrum"),
    "open_house": N_("Open Huis"),
    "give_box": N_("Weggeefkast"),
    "repair_cafe": N_("Repair Café"),
    "garden": N_("Tuin"),
    "other": N_("Andere plek"),
}
BOOKING_STATES = {
    "requested": N_("Gevraagd"),
    "confirmed": N_("Bevestigd"),
    "declined": N_("Geweigerd"),
    "cancelled": N_("Geannuleerd"),
}
ACCESSIBILITY = {
    "step_free": N_("Drempelvrije ingang"),
    "accessible_toilet": N_("Toegankelijk toilet"),
    "hearing_loop": N_("Ringleiding"),
    "accessible_parking": N_("Parkeerplaats voor mensen met een beperking"),
}


def step_index(initiative: Any) -> int:
    """Where an initiative (an InitiativeView) stands on the path, 0 to 3: 'aansluiten' once
    someone has joined while it is looking for allies."""
    if initiative.status in ("active", "done"):
        return 3
    if initiative.status == "looking_for_allies":
        joined = any(a.role in ("joiner", "coordinator") for a in initiative.allies)
        return 2 if joined else 1
    return 0


def paragraphs(text: str | None) -> list[str]:
    """Blank-line separated paragraphs, for templates that escape each one."""
    return [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]


def richtext(text: str | None, local: bool) -> Markup:
    """A long text as paragraphs. From this node's documents: with links, sanitised by nh3. From
    another village: each paragraph escaped, no markup of its own."""
    if not local:
        return Markup("".join(f"<p>{escape(para)}</p>" for para in paragraphs(text)))
    parts = []
    for para in paragraphs(text):
        html = URL.sub(r'<a href="\1">\1</a>', para).replace("\n", "<br>")
        parts.append(f"<p>{html}</p>")
    cleaned = nh3.clean(
        "".join(parts),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="nofollow noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )
    return Markup(cleaned)


@pass_context
def _current_lang(context: Context) -> str:
    request = context.get("request")
    return request_language(request) if request is not None else "nl"


def _catalog(context: Context) -> Any:
    request = context.get("request")
    state = request.scope.setdefault("state", {}) if request is not None else {}
    catalog = state.get(CATALOG)
    if catalog is None:
        catalogs: Catalogs = context.environment.globals["_catalogs"]  # type: ignore[assignment]
        catalog = state[CATALOG] = catalogs[_current_lang(context)]
    return catalog


@pass_context
def _gettext(context: Context, text: str | Phrase) -> Markup:
    """The translated text, escaped. Jinja's i18n extension marks whatever this returns as safe
    (and escapes the %(variables)s it fills in), so a text that is not a catalog message (a
    label from a document, a message quoting what someone typed) must never arrive raw.
    A node Phrase is translated and then filled in with its values."""
    return escape(_translated(context, text))


def _translated(context: Context, text: str | Phrase) -> str:
    gettext = _catalog(context).gettext
    return text.render(gettext) if isinstance(text, Phrase) else str(gettext(text))


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    """Every `{{ value }}`: a node Phrase in the request's language, anything else unchanged
    (autoescaping happens after this, on the translated text)."""
    return _translated(context, value) if isinstance(value, Phrase) else value


@pass_context
def _ngettext(context: Context, one: str, many: str, n: int) -> Markup:
    return escape(_catalog(context).ngettext(one, many, n))


@functools.cache
def _locale(lang: str) -> Locale:
    """Parsed once: Babel parses a locale name on every call, half the cost of a date (a page
    of a long thread formats a hundred)."""
    return Locale.parse(lang)


@pass_context
def _when(context: Context, value: datetime | date | str | None, with_time: bool = False) -> str:
    if value is None or value == "":
        return ""
    lang = _current_lang(context)
    if isinstance(value, str):
        try:
            parsed: date = (
                date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
            )
        except ValueError:
            return value
        value = parsed
    if isinstance(value, datetime):
        pattern = "d MMMM y, HH:mm" if with_time else "d MMMM y"
        return format_datetime(value, pattern, locale=_locale(lang))
    return format_date(value, "d MMMM y", locale=_locale(lang))


def _local(value: datetime | None) -> datetime | None:
    """A moment in the time of Flanders and the Netherlands (shifts, rounds): as people there
    read a clock, whatever zone the server runs in."""
    return value.astimezone(LOCAL_TIME) if isinstance(value, datetime) else value


@pass_context
def _euros(context: Context, cents: int | None) -> str:
    if cents is None:
        return ""
    return format_currency(cents / 100, "EUR", locale=_locale(_current_lang(context)))


@pass_context
def _number(context: Context, value: float | None, pattern: str = "#,##0.#") -> str:
    """A figure as people read it in their language: 1.234,5 in Dutch, 1,234.5 in English."""
    if value is None:
        return ""
    return format_decimal(value, pattern, locale=_locale(_current_lang(context)))


def build_environment(
    directory: Any, catalogs: Catalogs, node_id: str, node_name: str
) -> Environment:
    env = Environment(
        loader=FileSystemLoader(directory),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_finalize,
    )
    env.globals["_catalogs"] = catalogs
    env.globals["node_id"] = node_id
    env.globals["node_name"] = node_name
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        paragraphs=paragraphs,
        richtext=richtext,
        when=_when,
        euros=_euros,
        number=_number,
        hours=as_hours,
        local=_local,
    )
    env.globals.update(
        STATUS_STEPS=STATUS_STEPS,
        STATUS_LABELS=STATUS_LABELS,
        NEED_KINDS=NEED_KINDS,
        ALLY_ROLES=ALLY_ROLES,
        TASK_STATUS=TASK_STATUS,
        TASK_BUTTONS=TASK_BUTTONS,
        ORGANISATION_KINDS=ORGANISATION_KINDS,
        PLACE_KINDS=PLACE_KINDS,
        BOOKING_STATES=BOOKING_STATES,
        ACCESSIBILITY=ACCESSIBILITY,
        step_index=step_index,
        current_lang=_current_lang,
        escape=escape,
        action_key=_action_key,
    )
    return env


def _action_key() -> str:
    """A fresh idempotency key for an action form (templates/_action_key.html)."""
    return str(uuid.uuid4())


def make_engine(
    directory: Any, catalogs: Catalogs, node_id: str, node_name: str
) -> JinjaTemplateEngine:
    env = build_environment(directory, catalogs, node_id, node_name)
    return JinjaTemplateEngine.from_environment(env)
