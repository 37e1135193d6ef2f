"""Public profiles: created for a new account, edited only by their person, nothing private."""

from __future__ import annotations

import os

import pytest

from node.errors import Invalid, NotFound, PermissionDenied
from node.people import ProfileForm, create_profile, display_names, edit_profile, get_person
from node.projection import list_people
from tests.node.residents import UNKNOWN_ID, Town


def test_a_new_profile_is_its_own_creator_and_written_by_the_persons_actor(town: Town) -> None:
    actor = os.urandom(16)
    person = town.act(
        create_profile,
        ProfileForm(
            display_name=" Henk Bosman ",
            village="Wezep",
            skills="fietsen repareren, Elektra\nsolderen, elektra",
            offers="Ik repareer fietsen op zaterdag\nIk leen mijn boormachine uit",
            about="Gepensioneerd elektricien.",
        ),
        actor=actor,
    )
    content = town.content(person)
    assert content["created_by"] == person
    assert content["contributors"] == {actor.hex(): person}
    changes = town.changes(person)
    assert [(c.message, c.actor) for c in changes] == [("Profiel aangemaakt", actor)]
    view = town.read(get_person, person)
    assert (view.display_name, view.village, view.about) == (
        "Henk Bosman",
        "Wezep",
        "Gepensioneerd elektricien.",
    )
    assert view.skills == ["fietsen repareren", "Elektra", "solderen"]
    assert view.offers == ["Ik repareer fietsen op zaterdag", "Ik leen mijn boormachine uit"]
    assert [p.id for p in town.query(list_people).items] == [person]


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (ProfileForm(display_name=""), "display_name"),
        (ProfileForm(display_name="x" * 81), "display_name"),
        (ProfileForm(display_name="Henk", village="x" * 101), "village"),
        (ProfileForm(display_name="Henk", skills=["x" * 61]), "skills"),
        (ProfileForm(display_name="Henk", skills=[f"s{i}" for i in range(41)]), "skills"),
        (ProfileForm(display_name="Henk", offers="x" * 201), "offers"),
        (ProfileForm(display_name="Henk", about="x" * 2001), "about"),
    ],
)
def test_a_bad_profile_is_refused_and_nothing_is_stored(
    town: Town, form: ProfileForm, field: str
) -> None:
    with pytest.raises(Invalid) as refused:
        town.act(create_profile, form, actor=os.urandom(16))
    assert refused.value.field == field
    assert town.document_count() == 0


def test_a_profile_needs_a_real_actor(town: Town) -> None:
    for actor in (b"", os.urandom(33)):
        with pytest.raises(Invalid):
            town.act(create_profile, ProfileForm(display_name="Henk"), actor=actor)
    assert town.document_count() == 0


def test_people_edit_their_own_profile(town: Town) -> None:
    henk = town.resident("Henk", skills="fietsen")
    town.act(
        edit_profile,
        henk,
        henk.person_id,
        ProfileForm(display_name="Henk B.", village="Wezep", skills="fietsen, koken"),
    )
    view = town.read(get_person, henk.person_id)
    assert (view.display_name, view.village, view.skills) == (
        "Henk B.",
        "Wezep",
        ["fietsen", "koken"],
    )
    assert town.changes(henk.person_id)[-1].message == "Profiel bijgewerkt"


def test_nobody_edits_someone_elses_profile(town: Town) -> None:
    henk, anna = town.resident("Henk"), town.resident("Anna")
    form = ProfileForm(display_name="Overgenomen")
    town.unchanged(
        henk.person_id, lambda: town.act(edit_profile, anna, henk.person_id, form), PermissionDenied
    )
    town.unchanged(
        henk.person_id, lambda: town.act(edit_profile, None, henk.person_id, form), PermissionDenied
    )


def test_a_bad_edit_leaves_the_profile_as_it_was(town: Town) -> None:
    henk = town.resident("Henk")
    form = ProfileForm(display_name="  ")
    town.unchanged(
        henk.person_id, lambda: town.act(edit_profile, henk, henk.person_id, form), Invalid
    )


def test_unknown_people_are_not_found_and_named_as_unknown(town: Town) -> None:
    henk = town.resident("Henk")
    initiative = town.initiative(henk)
    for missing in (UNKNOWN_ID, initiative, ""):
        with pytest.raises(NotFound):
            town.read(get_person, missing)
    names = display_names(town.node, [henk.person_id, UNKNOWN_ID, initiative])
    assert names == {
        henk.person_id: "Henk",
        UNKNOWN_ID: "Onbekende bewoner",
        initiative: "Onbekende bewoner",
    }


def test_a_profile_holds_no_email_or_password(town: Town) -> None:
    """Registration goes through node.accounts: what it writes to the profile is public only."""
    from node.accounts import RegisterForm, register

    acting = town.act(
        register,
        RegisterForm(
            email="henk@example.nl", password="lang-genoeg-wachtwoord", display_name="Henk"
        ),
    )
    stored = town.stored(acting.person_id)
    assert b"henk@example.nl" not in stored and b"wachtwoord" not in stored
    assert set(town.content(acting.person_id)) == {
        "type", "schema_version", "id", "origin_node", "created_at", "created_by",
        "contributors", "display_name", "place", "skills", "offers", "about",
    }  # fmt: skip
