"""Organisations: ordinary participants whose admins edit their own document and members."""

from __future__ import annotations

from functools import partial

import pytest

from node.acting import Acting
from node.errors import Invalid, NotFound, PermissionDenied
from node.organisations import (
    MemberForm,
    OrganisationForm,
    add_member,
    create_organisation,
    edit_organisation,
    get_organisation,
    remove_member,
)
from node.projection import list_organisations
from tests.node.residents import UNKNOWN_ID, Town

OMROEP = OrganisationForm(
    name="Lokale Omroep Oldebroek",
    kind="broadcaster",
    about="Radio en tv van en voor het dorp.",
    village="Oldebroek",
    website="https://omroep.example",
)


def omroep(town: Town) -> tuple[str, Acting]:
    lotte = town.resident("Lotte")
    return town.act(create_organisation, lotte, OMROEP), lotte


def members(town: Town, organisation: str) -> list[tuple[str, str]]:
    return [(m.display_name, m.role) for m in town.read(get_organisation, organisation).members]


def edit_form(town: Town, organisation: str, **changes: object) -> OrganisationForm:
    view = town.read(get_organisation, organisation)
    fields = {
        "name": view.name,
        "kind": view.kind,
        "about": view.about,
        "village": view.village,
        "neighbourhood": view.neighbourhood,
        "website": view.website,
        "version": view.version,
        **changes,
    }
    return OrganisationForm(**fields)


def test_whoever_creates_an_organisation_becomes_its_admin(town: Town) -> None:
    organisation, lotte = omroep(town)
    view = town.read(get_organisation, organisation)
    assert (view.name, view.kind, view.about, view.website) == (
        "Lokale Omroep Oldebroek",
        "broadcaster",
        "Radio en tv van en voor het dorp.",
        "https://omroep.example",
    )
    assert members(town, organisation) == [("Lotte", "admin")]
    assert view.role_of(lotte.person_id) == "admin"
    assert town.changes(organisation)[0].message == "Organisatie Lokale Omroep Oldebroek aangemaakt"
    assert [o.id for o in town.query(list_organisations).items] == [organisation]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (OrganisationForm(name=""), "name"),
        (OrganisationForm(name="x" * 121), "name"),
        (OrganisationForm(name="Omroep", kind="government"), "kind"),
        (OrganisationForm(name="Omroep", website="javascript:alert(1)"), "website"),
        (OrganisationForm(name="Omroep", website="omroep.nl"), "website"),
        (OrganisationForm(name="Omroep", website="https://" + "x" * 300), "website"),
    ],
)
def test_a_bad_organisation_is_refused_and_nothing_is_stored(
    town: Town, form: OrganisationForm, field: str
) -> None:
    lotte = town.resident("Lotte")
    with pytest.raises(Invalid) as refused:
        town.act(create_organisation, lotte, form)
    assert refused.value.field == field
    assert town.document_count() == 1
    with pytest.raises(PermissionDenied):
        town.act(create_organisation, None, OMROEP)


def test_admins_edit_the_organisation_and_members_do_not(town: Town) -> None:
    organisation, lotte = omroep(town)
    sanne = town.resident("Sanne")
    town.act(add_member, lotte, organisation, MemberForm(person_id=sanne.person_id))
    form = edit_form(town, organisation, about="Ook podcasts.", website="")
    town.unchanged(
        organisation,
        lambda: town.act(edit_organisation, sanne, organisation, form),
        PermissionDenied,
    )
    town.act(edit_organisation, lotte, organisation, form)
    view = town.read(get_organisation, organisation)
    assert (view.about, view.website) == ("Ook podcasts.", "")
    assert town.changes(organisation)[-1].message == "Organisatie bijgewerkt"


def test_two_admins_editing_the_about_text_at_once_both_keep_their_edits(town: Town) -> None:
    organisation, lotte = omroep(town)
    sanne = town.resident("Sanne")
    town.act(add_member, lotte, organisation, MemberForm(person_id=sanne.person_id, role="admin"))
    opened = edit_form(town, organisation)
    opened.about = "Radio en tv van en voor het hele dorp."
    town.act(edit_organisation, lotte, organisation, opened)
    opened.about = "Radio en tv van en voor het dorp. Elke zaterdag live."
    town.act(edit_organisation, sanne, organisation, opened)
    assert town.read(get_organisation, organisation).about == (
        "Radio en tv van en voor het hele dorp. Elke zaterdag live."
    )


def test_admins_add_members_and_change_their_role(town: Town) -> None:
    organisation, lotte = omroep(town)
    sanne, piet = town.resident("Sanne"), town.resident("Piet")
    town.act(add_member, lotte, organisation, MemberForm(person_id=sanne.person_id))
    assert members(town, organisation) == [("Lotte", "admin"), ("Sanne", "member")]
    town.unchanged(
        organisation,
        lambda: town.act(add_member, sanne, organisation, MemberForm(person_id=piet.person_id)),
        PermissionDenied,
    )
    town.act(add_member, lotte, organisation, MemberForm(person_id=sanne.person_id, role="admin"))
    assert members(town, organisation) == [("Lotte", "admin"), ("Sanne", "admin")]


def test_adding_an_unknown_person_or_role_is_refused(town: Town) -> None:
    organisation, lotte = omroep(town)
    for form, error in (
        (MemberForm(person_id=UNKNOWN_ID), NotFound),
        (MemberForm(person_id=organisation), NotFound),
        (MemberForm(person_id="../x"), NotFound),
        (MemberForm(person_id=lotte.person_id, role="owner"), Invalid),
    ):
        town.unchanged(
            organisation,
            partial(town.act, add_member, lotte, organisation, form),
            error,
        )


def test_the_last_admin_stays(town: Town) -> None:
    organisation, lotte = omroep(town)
    demote = MemberForm(person_id=lotte.person_id, role="member")
    for action in (
        lambda: town.act(add_member, lotte, organisation, demote),
        lambda: town.act(remove_member, lotte, organisation, lotte.person_id),
    ):
        error = town.unchanged(organisation, action, Invalid)
        assert "minstens één beheerder" in str(error)


def test_admins_remove_members_and_members_may_leave(town: Town) -> None:
    organisation, lotte = omroep(town)
    sanne, piet = town.resident("Sanne"), town.resident("Piet")
    for person in (sanne, piet):
        town.act(add_member, lotte, organisation, MemberForm(person_id=person.person_id))
    town.unchanged(
        organisation,
        lambda: town.act(remove_member, sanne, organisation, piet.person_id),
        PermissionDenied,
    )
    town.act(remove_member, sanne, organisation, sanne.person_id)
    assert town.changes(organisation)[-1].message == "Lid vertrokken"
    town.act(remove_member, lotte, organisation, piet.person_id)
    assert town.changes(organisation)[-1].message == "Lid verwijderd"
    assert members(town, organisation) == [("Lotte", "admin")]
    town.unchanged(
        organisation,
        lambda: town.act(remove_member, lotte, organisation, piet.person_id),
        Invalid,
    )


def test_an_organisation_is_not_found_under_another_documents_id(town: Town) -> None:
    _organisation, lotte = omroep(town)
    with pytest.raises(NotFound):
        town.read(get_organisation, lotte.person_id)
    with pytest.raises(NotFound):
        town.act(edit_organisation, lotte, lotte.person_id, OMROEP)
