"""Read models of profiles, built from the documents."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..service import read_document, read_field

if TYPE_CHECKING:
    from ..runtime import Node

UNKNOWN_PERSON = "Onbekende bewoner"
"""Shown for a person whose profile has not reached this node (yet)."""


class PersonView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    display_name: str
    village: str
    neighbourhood: str
    skills: list[str]
    offers: list[str]
    about: str
    origin_node: str
    created_at: datetime
    in_alliance_directory: bool = False
    """They chose to show their name and skills in the alliances' skills directory."""


def person_view(content: dict[str, Any]) -> PersonView:
    place = content.get("place") or {}
    return PersonView(
        id=content["id"],
        display_name=content["display_name"],
        village=place.get("village", ""),
        neighbourhood=place.get("neighbourhood", ""),
        skills=list(content.get("skills", [])),
        offers=list(content.get("offers", [])),
        about=content.get("about", ""),
        in_alliance_directory=content.get("in_alliance_directory") is True,
        origin_node=content["origin_node"],
        created_at=content["created_at"],
    )


async def get_person(node: Node, person_id: str) -> PersonView:
    return person_view(await read_document(node, person_id, "person"))


def display_names(node: Node, person_ids: Iterable[str]) -> dict[str, str]:
    """The display name of each person whose profile this node holds; UNKNOWN_PERSON otherwise.
    Synchronous: call it from a worker thread."""
    names = read_field(node, person_ids, "person", "display_name")
    return {pid: name or UNKNOWN_PERSON for pid, name in names.items()}
