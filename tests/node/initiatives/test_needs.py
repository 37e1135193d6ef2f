"""Needs: skills, hands, materials, a room, money — added and marked met by those who lead."""

from __future__ import annotations

import pytest

from node.errors import Invalid, NotFound, PermissionDenied
from node.initiatives import (
    JoinForm,
    NeedForm,
    add_need,
    get_initiative,
    join_initiative,
    make_coordinator,
    mark_need,
    remove_need,
)
from tests.node.residents import Town


def test_a_wijk_aan_zet_grant_need_is_stored_in_cents(town: Town) -> None:
    fatima = town.resident("Fatima")
    initiative = town.initiative(fatima, "Straatfeest in de Brugse Poort")
    need_id = town.act(
        add_need,
        fatima,
        initiative,
        NeedForm(kind="money", description="Wijk aan Zet-budget", amount="2.500"),
    )
    need = town.read(get_initiative, initiative).needs[0]
    assert (need.id, need.kind, need.amount_cents, need.fulfilled) == (
        need_id,
        "money",
        250_000,
        False,
    )
    assert need.created_by == fatima.person_id
    assert town.changes(initiative)[-1].message == "Behoefte toegevoegd"


def test_a_skills_need_names_the_skill(town: Town) -> None:
    henk = town.resident("Henk")
    initiative = town.initiative(henk)
    town.act(
        add_need,
        henk,
        initiative,
        NeedForm(kind="skills", description="Iemand voor naaimachines", skill="naaien"),
    )
    town.act(add_need, henk, initiative, NeedForm(kind="room", description="Een zaal"))
    needs = {n.kind: n.skill for n in town.read(get_initiative, initiative).needs}
    assert needs == {"skills": "naaien", "room": ""}


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (NeedForm(kind="money", description="Subsidie"), "amount"),
        (NeedForm(kind="money", description="Subsidie", amount="0"), "amount"),
        (NeedForm(kind="money", description="Subsidie", amount="veel"), "amount"),
        (NeedForm(kind="money", description="Subsidie", amount="1.000.001"), "amount"),
        (NeedForm(kind="hands", description="Handen", amount="40"), "amount"),
        (NeedForm(kind="volunteers", description="Handen"), "kind"),
        (NeedForm(kind="hands", description=""), "description"),
        (NeedForm(kind="hands", description="x" * 201), "description"),
        (NeedForm(kind="skills", description="Iets", skill="x" * 61), "skill"),
    ],
)
def test_a_bad_need_is_refused_and_changes_nothing(town: Town, form: NeedForm, field: str) -> None:
    henk = town.resident("Henk")
    initiative = town.initiative(henk)
    error = town.unchanged(initiative, lambda: town.act(add_need, henk, initiative, form), Invalid)
    assert isinstance(error, Invalid) and error.field == field


def test_only_initiators_and_coordinators_add_needs(town: Town) -> None:
    henk, jan = town.resident("Henk"), town.resident("Jan")
    initiative = town.initiative(henk)
    town.act(join_initiative, jan, initiative, JoinForm())
    form = NeedForm(kind="materials", description="Planken")
    town.unchanged(initiative, lambda: town.act(add_need, jan, initiative, form), PermissionDenied)
    town.act(make_coordinator, henk, initiative, jan.person_id)
    town.act(add_need, jan, initiative, form)
    assert [n.description for n in town.read(get_initiative, initiative).needs] == ["Planken"]


def test_a_need_is_marked_met_and_open_again_and_met_needs_sort_last(town: Town) -> None:
    henk = town.resident("Henk")
    initiative = town.initiative(henk)
    room = town.act(add_need, henk, initiative, NeedForm(kind="room", description="Een zaal"))
    town.act(add_need, henk, initiative, NeedForm(kind="hands", description="Handen"))
    town.act(mark_need, henk, initiative, room, True)
    needs = town.read(get_initiative, initiative).needs
    assert [(n.description, n.fulfilled) for n in needs] == [("Handen", False), ("Een zaal", True)]
    assert town.changes(initiative)[-1].message == "Behoefte vervuld"
    town.act(mark_need, henk, initiative, room, False)
    assert not town.content(initiative)["needs"][room]["fulfilled"]


def test_marking_needs_is_for_initiators_and_coordinators(town: Town) -> None:
    henk, jan = town.resident("Henk"), town.resident("Jan")
    initiative = town.initiative(henk)
    room = town.act(add_need, henk, initiative, NeedForm(kind="room", description="Een zaal"))
    town.act(join_initiative, jan, initiative, JoinForm())
    town.unchanged(
        initiative, lambda: town.act(mark_need, jan, initiative, room, True), PermissionDenied
    )
    town.unchanged(
        initiative, lambda: town.act(remove_need, jan, initiative, room), PermissionDenied
    )


@pytest.mark.parametrize("need", ["", "../x", "UnknownNeed1"])
def test_unknown_needs_are_not_found(town: Town, need: str) -> None:
    henk = town.resident("Henk")
    initiative = town.initiative(henk)
    town.unchanged(initiative, lambda: town.act(mark_need, henk, initiative, need, True), NotFound)
    town.unchanged(initiative, lambda: town.act(remove_need, henk, initiative, need), NotFound)


def test_a_need_can_be_removed(town: Town) -> None:
    henk = town.resident("Henk")
    initiative = town.initiative(henk)
    room = town.act(add_need, henk, initiative, NeedForm(kind="room", description="Een zaal"))
    town.act(remove_need, henk, initiative, room)
    assert town.read(get_initiative, initiative).needs == []
