"""Sentences a resident reads, kept translatable across the node/web boundary.

node/ speaks Dutch and knows nothing of requests or languages, yet its refusals end up on English
pages too. So a refusal carries a `Phrase`: the Dutch msgid (a gettext template, marked with `N_`
so that `pybabel extract` finds it in node/) and the values to fill in. web/ looks the msgid up
in the request's catalog and then fills in the values; everyone else (the CLI, logs, tests)
reads `str(phrase)`, the Dutch sentence.

Values stay out of the msgid (`N_("hoogstens %(max)d tekens")`, max=200), so one translation
serves every value. A value may itself be a Phrase (a field's label, a noun), translated with
the same catalog before it is filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

Value: TypeAlias = "str | int | Phrase"
Gettext = Callable[[str], str]


def N_(msgid: str) -> str:
    """Marks a Dutch text for extraction into the catalog; returns it unchanged."""
    return msgid


def _dutch(msgid: str) -> str:
    return msgid


class Phrase:
    """A Dutch gettext msgid and the values for its `%(name)s` placeholders.

    A msgid without values is shown as is: a `%` in it is not a placeholder. Text that is not a
    catalog message (an English jsonschema message, what someone typed) may be a Phrase too: a
    catalog lookup that finds nothing returns it unchanged.
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, /, **params: Value) -> None:
        self.msgid = msgid
        self.params = params

    def render(self, gettext: Gettext = _dutch) -> str:
        """The sentence in the language of `gettext` (Dutch without one). A translation whose
        placeholders do not fit the values falls back to the Dutch rather than failing the page."""
        text = gettext(self.msgid)
        if not self.params:
            return text
        values = {
            name: value.render(gettext) if isinstance(value, Phrase) else value
            for name, value in self.params.items()
        }
        try:
            return text % values
        except (KeyError, ValueError, TypeError):
            if gettext is _dutch:
                raise
            return self.render()

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Phrase({self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Phrase):
            return NotImplemented
        return (self.msgid, self.params) == (other.msgid, other.params)

    def __hash__(self) -> int:
        return hash((self.msgid, tuple(sorted(self.params))))


def phrase(text: str | Phrase, /, **params: Value) -> Phrase:
    """`text` as a Phrase: a msgid with `params`, or a Phrase that is already one."""
    if isinstance(text, Phrase):
        if params:
            raise TypeError("a Phrase carries its own values")
        return text
    return Phrase(text, **params)
