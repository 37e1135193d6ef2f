"""Read models of organisations, built from the documents."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING

import msgspec

from ..fields import encode_version
from ..people.views import display_names
from ..service import read_with_heads

if TYPE_CHECKING:
    from ..runtime import Node


class MemberView(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    display_name: str
    role: str
    since: datetime


class OrganisationView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    kind: str
    about: str
    village: str
    neighbourhood: str
    website: str
    members: list[MemberView]
    """Admins first, then by name."""
    origin_node: str
    created_at: datetime
    version: str
    """Put it in edit forms (OrganisationForm.version)."""

    def role_of(self, person_id: str | None) -> str | None:
        return next((m.role for m in self.members if m.person_id == person_id), None)


async def get_organisation(node: Node, organisation_id: str) -> OrganisationView:
    content, heads = await read_with_heads(node, organisation_id, "organisation")
    members = content.get("members", {})
    names = await asyncio.to_thread(display_names, node, members)
    place = content.get("place") or {}
    return OrganisationView(
        id=content["id"],
        name=content["name"],
        kind=content["kind"],
        about=content.get("about", ""),
        village=place.get("village", ""),
        neighbourhood=place.get("neighbourhood", ""),
        website=content.get("website", ""),
        members=sorted(
            (
                MemberView(person_id=pid, display_name=names[pid], role=m["role"], since=m["since"])
                for pid, m in members.items()
            ),
            key=lambda m: (m.role != "admin", m.display_name.casefold(), m.person_id),
        ),
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        version=encode_version(heads),
    )
