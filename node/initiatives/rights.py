"""Who may do what on an initiative (node/README.md, "Rights"): initiators and coordinators edit the
core fields and needs; every ally who joined (initiator, coordinator, joiner) works on the plan;
supporters cheer. Any logged-in person may support, join or leave. The same rules serve the
services (raising) and the read model (`InitiativeView.can_edit`)."""

from __future__ import annotations

from typing import Any

from ..errors import PermissionDenied
from ..phrases import N_

EDITORS = frozenset({"initiator", "coordinator"})
WORKERS = frozenset({"initiator", "coordinator", "joiner"})
ROLE_ORDER = ("initiator", "coordinator", "joiner", "supporter")


def role_in(content: dict[str, Any], person_id: str) -> str | None:
    ally = content.get("allies", {}).get(person_id)
    return ally.get("role") if isinstance(ally, dict) else None


def require_editor(content: dict[str, Any], person_id: str) -> None:
    if role_in(content, person_id) not in EDITORS:
        raise PermissionDenied(
            N_("Alleen de initiatiefnemers en coördinatoren kunnen dit initiatief aanpassen.")
        )


def require_worker(content: dict[str, Any], person_id: str) -> None:
    if role_in(content, person_id) not in WORKERS:
        raise PermissionDenied(
            N_("Sluit je eerst aan bij dit initiatief om aan het plan te werken.")
        )


def require_initiator(content: dict[str, Any], person_id: str) -> None:
    if role_in(content, person_id) != "initiator":
        raise PermissionDenied(N_("Alleen initiatiefnemers kunnen iemand coördinator maken."))
