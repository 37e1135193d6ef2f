"""The errors node services raise; web/errors.py maps them to pages, partials and JSON.

Each carries `phrase`, the sentence a resident reads as a translatable `Phrase` (node/phrases.py):
web/ shows it in the request's language. The Dutch rendering stays available as `message`
(Invalid), `reason` (PermissionDenied) and `what` (NotFound), and in `str(exc)`, for the CLI and
logs. Services pass a msgid marked with `N_` and its values:
`Invalid("title", N_("Een titel is hoogstens %(max)d tekens lang."), max=200)`.
"""

from __future__ import annotations

from .phrases import N_, Phrase, Value, phrase


class NodeError(Exception):
    """Base of every error a caller should show to a person instead of a traceback."""

    phrase: Phrase
    """What to tell the person, translatable."""


class NotFound(NodeError):
    """`what` names the missing thing with a Dutch noun (a msgid: "initiatief", "reactie")."""

    def __init__(self, what: str | Phrase, /, **params: Value) -> None:
        noun = phrase(what, **params)
        self.what = str(noun)
        self.phrase = Phrase(N_("Niet gevonden: %(what)s."), what=noun)
        super().__init__(f"{self.what} not found")


class PermissionDenied(NodeError):
    def __init__(self, reason: str | Phrase, /, **params: Value) -> None:
        self.phrase = phrase(reason, **params)
        self.reason = str(self.phrase)
        super().__init__(self.reason)


class Invalid(NodeError):
    """Input that cannot be accepted: names the field and says why in words a resident reads."""

    def __init__(self, field: str, message: str | Phrase, /, **params: Value) -> None:
        self.field = field
        self.phrase = phrase(message, **params)
        self.message = str(self.phrase)
        super().__init__(f"{field}: {self.message}")
