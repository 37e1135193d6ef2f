"""What residents fill in about initiatives (request bodies for web/ as well). Free text arrives as
typed; the services trim, bound and refuse it with Dutch messages."""

from __future__ import annotations

import msgspec


class InitiativeForm(msgspec.Struct, kw_only=True):
    """The core fields. tags: a list, or one string separated by commas.

    version: the hidden field of an edit form (InitiativeView.version): the description is merged
    with what others saved since the form was opened instead of overwriting it.
    """

    title: str
    summary: str = ""
    description: str = ""
    village: str = ""
    neighbourhood: str = ""
    tags: list[str] | str = ""
    version: str = ""


class NewInitiative(InitiativeForm, kw_only=True):
    """Putting an initiative on the agenda: as an idea, or already looking for allies.
    organisation: post on behalf of an organisation the poster is a member of."""

    status: str = "idea"
    organisation: str = ""


class NeedForm(msgspec.Struct, kw_only=True):
    """kind: skills, hands, materials, room or money. amount: euros as typed ("2.500" or
    "12,50"), for money; skill: the skill asked for, for skills."""

    kind: str
    description: str
    skill: str = ""
    amount: str | int = ""


class JoinForm(msgspec.Struct, kw_only=True):
    """offer: what the ally brings ("ik heb een aanhanger"); organisation: join on behalf of it."""

    offer: str = ""
    organisation: str = ""


class TaskForm(msgspec.Struct, kw_only=True):
    title: str
    due: str = ""
    """an ISO date (2025-06-14), or empty"""
    idempotency_key: str = ""
    """the form's action key: the same key twice adds one task (node.ids.item_id_for)"""


class UpdateForm(msgspec.Struct, kw_only=True):
    title: str
    body: str
