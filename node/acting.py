"""Who is acting in a request or CLI job: the logged-in person on this node, or nobody."""

from __future__ import annotations

from dataclasses import dataclass, field

from .documents.repository import Author
from .errors import PermissionDenied
from .phrases import N_

ROLES = ("resident", "organisation_member", "moderator", "host")


@dataclass(frozen=True)
class Acting:
    """A logged-in person: their public id, their Automerge actor on this node, their node roles."""

    person_id: str
    actor: bytes
    display_name: str
    roles: frozenset[str] = field(default_factory=lambda: frozenset({"resident"}))
    language: str | None = None
    """The language the person chose for the pages, if any."""

    @property
    def author(self) -> Author:
        return Author(self.person_id, self.actor)

    @property
    def moderates(self) -> bool:
        return bool(self.roles & {"moderator", "host"})


def require_login(acting: Acting | None) -> Acting:
    if acting is None:
        raise PermissionDenied(N_("Log eerst in om dit te doen."))
    return acting
