"""Organisations: ordinary participants with a visible label and members, never owners."""

from ..vocabulary import ORGANISATION_KINDS as KINDS
from .forms import MEMBER_ROLES, MemberForm, OrganisationForm
from .service import (
    add_member,
    create_organisation,
    edit_organisation,
    member_role,
    on_behalf_of,
    remove_member,
    require_member,
)
from .views import MemberView, OrganisationView, get_organisation

__all__ = [
    "KINDS",
    "MEMBER_ROLES",
    "MemberForm",
    "MemberView",
    "OrganisationForm",
    "OrganisationView",
    "add_member",
    "create_organisation",
    "edit_organisation",
    "get_organisation",
    "member_role",
    "on_behalf_of",
    "remove_member",
    "require_member",
]
