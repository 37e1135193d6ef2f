"""What an organisation's admins fill in (request bodies for web/ as well)."""

from __future__ import annotations

import msgspec

MEMBER_ROLES = ("admin", "member")


class OrganisationForm(msgspec.Struct, kw_only=True):
    """version: the hidden field of an edit form (OrganisationView.version), so that two admins
    editing `about` at once both keep their edits; empty when creating."""

    name: str
    kind: str = "other"
    about: str = ""
    village: str = ""
    neighbourhood: str = ""
    website: str = ""
    version: str = ""


class MemberForm(msgspec.Struct, kw_only=True):
    person_id: str
    role: str = "member"
