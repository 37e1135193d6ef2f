"""The English catalog for mail, read where the pages read it (web/translations), so a digest
speaks the person's language also when `mekaar digest send` runs it without the web app. A data
file read by path, not an import: node/ stays independent of web/."""

from __future__ import annotations

import gettext
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parents[2] / "web" / "translations"
LANGUAGES = ("nl", "en")

Catalogs = dict[str, gettext.NullTranslations]


def load_catalogs(folder: Path = TRANSLATIONS) -> Catalogs:
    """Dutch is the source language; a missing catalog leaves that language in Dutch."""
    catalogs: Catalogs = {"nl": gettext.NullTranslations()}
    for lang in LANGUAGES[1:]:
        po = folder / lang / "LC_MESSAGES" / "messages.po"
        if not po.is_file():
            continue
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
        buffer = BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        catalogs[lang] = Translations(buffer)
    return catalogs
