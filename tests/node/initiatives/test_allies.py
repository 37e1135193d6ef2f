"""Finding allies: support, join with an offer, leave, coordinators, acting for an organisation."""

from __future__ import annotations

from functools import partial

import pytest

from node.errors import Invalid, NotFound, PermissionDenied
from node.initiatives import (
    JoinForm,
    TaskForm,
    add_task,
    get_initiative,
    join_initiative,
    leave_initiative,
    make_coordinator,
    support_initiative,
    take_task,
)
from node.organisations import OrganisationForm, create_organisation
from tests.node.residents import UNKNOWN_ID, Town


def roles(town: Town, initiative: str) -> dict[str, str]:
    return {a.display_name: a.role for a in town.read(get_initiative, initiative).allies}


def test_anyone_logged_in_supports_an_initiative(town: Town) -> None:
    anna, lotte = town.resident("Anna"), town.resident("Lotte")
    initiative = town.initiative(anna)
    town.act(support_initiative, lotte, initiative)
    assert roles(town, initiative) == {"Anna": "initiator", "Lotte": "supporter"}
    last = town.changes(initiative)[-1]
    assert (last.message, last.actor) == ("Steunt het initiatief", lotte.actor)


def test_supporting_twice_writes_nothing_new(town: Town) -> None:
    anna, lotte = town.resident("Anna"), town.resident("Lotte")
    initiative = town.initiative(anna)
    town.act(support_initiative, lotte, initiative)
    before = town.stored(initiative)
    town.act(support_initiative, lotte, initiative)
    assert town.stored(initiative) == before


def test_supporting_does_not_demote_an_ally_who_joined(town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    town.act(join_initiative, jan, initiative, JoinForm(offer="Ik heb een aanhanger"))
    town.act(support_initiative, jan, initiative)
    town.act(support_initiative, anna, initiative)
    assert roles(town, initiative) == {"Anna": "initiator", "Jan": "joiner"}


def test_joining_records_the_offer_and_a_supporter_becomes_a_joiner(town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    town.act(support_initiative, jan, initiative)
    since = town.read(get_initiative, initiative).allies[1].since
    town.act(join_initiative, jan, initiative, JoinForm(offer="  Ik heb een aanhanger "))
    ally = town.read(get_initiative, initiative).allies[1]
    assert (ally.display_name, ally.role, ally.offer) == ("Jan", "joiner", "Ik heb een aanhanger")
    assert ally.since == since  # an ally since they first supported
    assert town.changes(initiative)[-1].message == "Sluit zich aan"


def test_an_initiator_who_joins_keeps_the_role_and_updates_the_offer(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    town.act(join_initiative, anna, initiative, JoinForm(offer="Ik kook"))
    ally = town.read(get_initiative, initiative).allies[0]
    assert (ally.role, ally.offer) == ("initiator", "Ik kook")


def test_too_long_an_offer_is_refused(town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    form = JoinForm(offer="x" * 2001)
    error = town.unchanged(
        initiative, lambda: town.act(join_initiative, jan, initiative, form), Invalid
    )
    assert isinstance(error, Invalid) and error.field == "offer"


def test_nobody_supports_or_joins_without_logging_in(town: Town) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    town.unchanged(
        initiative, lambda: town.act(support_initiative, None, initiative), PermissionDenied
    )
    town.unchanged(
        initiative,
        lambda: town.act(join_initiative, None, initiative, JoinForm()),
        PermissionDenied,
    )


def test_joining_for_an_organisation_shows_its_name_and_needs_membership(town: Town) -> None:
    anna, bram, jan = town.resident("Anna"), town.resident("Bram"), town.resident("Jan")
    gemeente = town.act(
        create_organisation, bram, OrganisationForm(name="Gemeente Oldebroek", kind="municipality")
    )
    initiative = town.initiative(anna)
    form = JoinForm(offer="Grond in bruikleen", organisation=gemeente)
    town.unchanged(
        initiative, lambda: town.act(join_initiative, jan, initiative, form), PermissionDenied
    )
    town.act(join_initiative, bram, initiative, form)
    ally = next(a for a in town.read(get_initiative, initiative).allies if a.display_name == "Bram")
    assert (ally.role, ally.organisation_name) == ("joiner", "Gemeente Oldebroek")
    # the municipality is an ordinary ally: no say over the core fields
    assert not town.read(get_initiative, initiative).can_edit(bram.person_id)


def test_supporting_for_an_unknown_organisation_is_not_found(town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    with pytest.raises(NotFound):
        town.act(support_initiative, jan, initiative, UNKNOWN_ID)
    with pytest.raises(NotFound):
        town.act(support_initiative, jan, initiative, anna.person_id)  # a person, not an org


def test_leaving_hands_back_taken_tasks_and_keeps_finished_ones(town: Town) -> None:
    from node.initiatives import complete_task

    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    town.act(join_initiative, jan, initiative, JoinForm())
    taken = town.act(add_task, jan, initiative, TaskForm(title="Plantenbakken timmeren"))
    done = town.act(add_task, jan, initiative, TaskForm(title="Planken ophalen"))
    town.act(take_task, jan, initiative, taken)
    town.act(take_task, jan, initiative, done)
    town.act(complete_task, jan, initiative, done)
    changes = len(town.changes(initiative))
    town.act(leave_initiative, jan, initiative)
    assert len(town.changes(initiative)) == changes + 1  # one action, one change
    view = town.read(get_initiative, initiative)
    assert roles(town, initiative) == {"Anna": "initiator"}
    tasks = {t.title: (t.status, t.owner) for t in view.tasks}
    assert tasks == {
        "Plantenbakken timmeren": ("open", None),
        "Planken ophalen": ("done", jan.person_id),
    }


def test_leaving_when_not_an_ally_changes_nothing(town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    before = town.stored(initiative)
    town.act(leave_initiative, jan, initiative)
    assert town.stored(initiative) == before


def test_the_last_initiator_cannot_leave_but_can_after_naming_a_coordinator(town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    town.act(join_initiative, jan, initiative, JoinForm())
    error = town.unchanged(
        initiative, lambda: town.act(leave_initiative, anna, initiative), Invalid
    )
    assert "laatste" in str(error)
    town.act(make_coordinator, anna, initiative, jan.person_id)
    town.act(leave_initiative, anna, initiative)
    assert roles(town, initiative) == {"Jan": "coordinator"}


def test_only_initiators_make_coordinators(town: Town) -> None:
    anna, jan, piet = town.resident("Anna"), town.resident("Jan"), town.resident("Piet")
    initiative = town.initiative(anna)
    town.act(join_initiative, jan, initiative, JoinForm())
    town.act(join_initiative, piet, initiative, JoinForm())
    town.act(make_coordinator, anna, initiative, jan.person_id)
    town.unchanged(
        initiative,
        lambda: town.act(make_coordinator, jan, initiative, piet.person_id),
        PermissionDenied,
    )
    town.act(make_coordinator, anna, initiative, piet.person_id)
    assert roles(town, initiative) == {
        "Anna": "initiator",
        "Jan": "coordinator",
        "Piet": "coordinator",
    }


def test_a_coordinator_must_already_be_an_ally(town: Town) -> None:
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    for person, error in (
        (jan.person_id, Invalid),
        (anna.person_id, Invalid),
        ("niet-een-id", NotFound),
    ):
        town.unchanged(
            initiative,
            partial(town.act, make_coordinator, anna, initiative, person),
            error,
        )
