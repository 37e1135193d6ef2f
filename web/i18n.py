"""Languages: Dutch is the source language of every text; English comes from a Babel catalog.

The catalogs (`web/translations/<lang>/LC_MESSAGES/messages.po`) are compiled in memory when the
app is built, so a fresh clone needs no build step. A person picks a language with the switch in
the page footer (a cookie); otherwise the browser's Accept-Language decides, then the node setting.

node/ refuses things with a `Phrase` (a Dutch msgid and its values, node/phrases.py); `translate`
shows one in the request's language. The node's msgids are extracted into the same catalog.
"""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from node.phrases import Phrase

TRANSLATIONS = Path(__file__).resolve().parent / "translations"
LANGUAGES = ("nl", "en")
COOKIE = "mekaar_lang"
CATALOG = "mekaar.catalog"
"""Where the request's catalog is kept in its scope state: found once, asked for by every text."""

Catalogs = dict[str, gettext.NullTranslations]


def load_catalogs() -> Catalogs:
    """Dutch needs no catalog (texts are written in Dutch); every other language is compiled."""
    catalogs: Catalogs = {"nl": gettext.NullTranslations()}
    for lang in LANGUAGES[1:]:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogs[lang] = Translations(buffer)
    return catalogs


def choose_language(
    cookie: str | None, accept_language: str | None, default: str, chosen: str | None = None
) -> str:
    """This browser's explicit choice, then the person's (logged in, chosen on another device),
    then what the browser asks for, then the node's default."""
    if cookie in LANGUAGES:
        return cookie
    if chosen in LANGUAGES:
        return chosen
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "nl"


def request_language(request: Any) -> str:
    """The language of this request, decided once and kept on the request's state.

    Read from the scope's state dict itself: templates ask for every text they translate, and
    `request.state` builds a new State object on each access.
    """
    state = request.scope.setdefault("state", {})
    lang = state.get("lang")
    if lang is None:
        default = request.app.state.node.settings.language
        acting = state.get("acting")
        lang = choose_language(
            request.cookies.get(COOKIE),
            request.headers.get("accept-language"),
            default,
            getattr(acting, "language", None),
        )
        state["lang"] = lang
    return str(lang)


def request_catalog(request: Any) -> gettext.NullTranslations:
    """The catalog of this request's language, found once and kept on the request's state
    (`app.state.catalogs` holds one per language)."""
    state = request.scope.setdefault("state", {})
    catalog = state.get(CATALOG)
    if catalog is None:
        catalogs: Catalogs = request.app.state.catalogs
        catalog = state[CATALOG] = catalogs[request_language(request)]
    return catalog  # type: ignore[no-any-return]


def translate(request: Any, text: str | Phrase) -> str:
    """A msgid or a node Phrase in the request's language; text that is no msgid stays as is."""
    gettext = request_catalog(request).gettext
    return text.render(gettext) if isinstance(text, Phrase) else gettext(text)
