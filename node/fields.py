"""Cleaning what a person typed before it goes near a document: trimmed, bounded, and refused with a
message naming the field (`Invalid(field, message)`) when it cannot be stored. A `label`
("De titel") is a Dutch msgid the caller marks with `N_`: it is translated along with the message.

The bounds are the schemas' (schemas/common.v1.json), checked here first so that a resident reads
"De titel mag hoogstens 200 tekens lang zijn" instead of a schema error, and so that nothing is
changed on bad input. Markup is not special: `<script>` is stored as the characters typed; escaping
is the renderer's job.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from sync.document_id import is_document_id

from .errors import Invalid, NotFound
from .phrases import N_, Phrase

SHORT_TEXT = 200
MEDIUM_TEXT = 2000
LONG_TEXT = 100_000
PLACE_TEXT = 100
TAG_TEXT = 40
MAX_TAGS = 20

_ITEM_ID = re.compile(r"^[1-9A-HJ-NP-Za-km-z]{6,24}$")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f\u2028\u2029]+")
_HEAD = re.compile(r"^[0-9a-f]{64}$")
MAX_HEADS = 32


def _printable(field: str, value: str, *, multiline: bool) -> str:
    """Drop control characters (keeping line breaks and tabs in multi-line texts); refuse lone
    surrogates, which no document encoding can hold."""
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise Invalid(field, N_("Deze tekst bevat tekens die we niet kunnen opslaan."))
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    else:
        value = _LINE_BREAKS.sub(" ", value)
    keep = "\n\t" if multiline else ""
    return "".join(ch for ch in value if ch in keep or unicodedata.category(ch) != "Cc")


def clean_text(
    field: str,
    value: str | None,
    *,
    label: str,
    max_len: int,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Trimmed text of at most `max_len` characters; `label` starts the message ("De titel")."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(field, N_("%(label)s moet tekst zijn."), label=Phrase(label))
    value = _printable(field, value, multiline=multiline).strip()
    if required and not value:
        raise Invalid(field, N_("%(label)s is verplicht."), label=Phrase(label))
    if len(value) > max_len:
        raise Invalid(
            field,
            N_("%(label)s mag hoogstens %(max)d tekens lang zijn (nu %(length)d)."),
            label=Phrase(label),
            max=max_len,
            length=len(value),
        )
    return value


def clean_list(
    field: str,
    value: list[str] | str | None,
    *,
    label: str,
    max_items: int,
    max_len: int,
    separators: str = ",\n",
    lowercase: bool = False,
) -> list[str]:
    """A list from a form field (one string, split on `separators`) or from JSON (a list):
    trimmed, empty entries dropped, duplicates (ignoring case) dropped, order kept."""
    if value is None:
        items: list[str] = []
    elif isinstance(value, str):
        items = re.split("[" + re.escape(separators) + "]", value)
    elif isinstance(value, list):
        items = value
    else:
        raise Invalid(field, N_("%(label)s: geef een lijst."), label=Phrase(label))
    cleaned: list[str] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, str):
            raise Invalid(field, N_("%(label)s: geef tekst."), label=Phrase(label))
        text = _printable(field, item, multiline=False).strip().lstrip("#").strip()
        if lowercase:
            text = text.lower()
        if not text or text.casefold() in seen:
            continue
        if len(text) > max_len:
            raise Invalid(
                field,
                N_("%(label)s: '%(start)s…' is langer dan %(max)d tekens."),
                label=Phrase(label),
                start=text[:20],
                max=max_len,
            )
        seen.add(text.casefold())
        cleaned.append(text)
    if len(cleaned) > max_items:
        raise Invalid(
            field,
            N_("%(label)s: hoogstens %(max)d, nu %(count)d."),
            label=Phrase(label),
            max=max_items,
            count=len(cleaned),
        )
    return cleaned


def clean_tags(value: list[str] | str | None) -> list[str]:
    return clean_list(
        "tags", value, label=N_("Trefwoorden"), max_items=MAX_TAGS, max_len=TAG_TEXT, lowercase=True
    )


def clean_place(village: str | None, neighbourhood: str | None) -> dict[str, str]:
    """The place map as documents hold it: only the parts that were filled in."""
    place = {
        "village": clean_text("village", village, label=N_("Het dorp"), max_len=PLACE_TEXT),
        "neighbourhood": clean_text(
            "neighbourhood", neighbourhood, label=N_("De wijk"), max_len=PLACE_TEXT
        ),
    }
    return {key: value for key, value in place.items() if value}


def clean_date(field: str, value: str | None) -> str | None:
    """An ISO date (2025-06-14) between the years 2000 and 2100, or None when left empty."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or len(text) != 10 or not 2000 <= parsed.year <= 2100:
        raise Invalid(field, N_("Geef een geldige datum, bijvoorbeeld 2025-06-14."))
    return parsed.isoformat()


def whole_number(field: str, value: str | int, *, label: str, low: int, high: int) -> int:
    """A whole number from a form field or JSON, from `low` to `high`, or refused with the label
    ("Grootte van de jury: geef een getal van 1 tot 25.")."""
    try:
        number = int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise Invalid(
            field,
            N_("%(label)s: geef een getal van %(low)d tot %(high)d."),
            label=Phrase(label),
            low=low,
            high=high,
        )
    return number


def choice(field: str, value: str | None, allowed: tuple[str, ...], *, label: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise Invalid(field, N_("%(label)s: kies een van de mogelijkheden."), label=Phrase(label))
    return value


def parse_euros(field: str, value: str | int | None) -> int | None:
    """An amount in whole cents from what a resident types ("2.500", "€ 12,50", "40"), or None
    when empty. Dutch notation: a dot groups thousands, a comma starts the cents."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 100
    if not isinstance(value, str):
        raise Invalid(field, N_("Geef een bedrag in euro, bijvoorbeeld 250 of 12,50."))
    text = value.strip().removeprefix("€").replace(" ", "").replace("\u00a0", "")
    match = re.fullmatch(r"(\d{1,3}(?:\.\d{3})+|\d{1,9})(?:,(\d{1,2}))?", text)
    if match is None:
        raise Invalid(field, N_("Geef een bedrag in euro, bijvoorbeeld 250 of 12,50."))
    euros = int(match.group(1).replace(".", ""))
    cents = int((match.group(2) or "0").ljust(2, "0"))
    return euros * 100 + cents


def document_id(value: str | None, what: str) -> str:
    """A document id from a URL or form; anything else is simply not found."""
    if not isinstance(value, str) or not is_document_id(value):
        raise NotFound(what)
    return value


def item_id(value: str | None, what: str) -> str:
    if not isinstance(value, str) or not _ITEM_ID.match(value):
        raise NotFound(what)
    return value


def encode_version(heads: list[bytes]) -> str:
    """The version a form was rendered with, as a hidden field: the heads in hex."""
    return ".".join(head.hex() for head in sorted(heads))


def parse_version(value: str | None) -> list[bytes] | None:
    """Heads from a form's hidden version field; None when the form sent none."""
    text = (value or "").strip()
    if not text:
        return None
    parts = text.split(".")
    if len(parts) > MAX_HEADS or not all(_HEAD.match(part) for part in parts):
        raise Invalid("version", N_("Deze versie van het document is hier onbekend."))
    return [bytes.fromhex(part) for part in parts]
