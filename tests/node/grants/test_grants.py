"""Micro-grant calls: every rule of docs/practices.md §1, through the domain services, with the
node's clock moved past the deadline where a rule needs it."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from node.acting import Acting
from node.errors import Invalid, NotFound, PermissionDenied
from node.grants import (
    ApplicationForm,
    CallForm,
    ConflictForm,
    DecisionForm,
    DrawForm,
    ReportForm,
    ScoreForm,
    VolunteerForm,
    apply,
    decide,
    declare_conflict,
    draw_jury,
    get_call,
    open_call,
    report,
    score,
    volunteer,
    withdraw,
)
from node.grants import views as grant_views
from node.initiatives import JoinForm, join_initiative, support_initiative
from node.projection.grants import list_grant_calls
from node.service import now as real_now
from sync.automerge import ROOT, ObjType
from tests.clock import Clock
from tests.node.residents import Town

DEADLINE = "2031-03-01"
CLOSED = datetime(2031, 3, 2, 12, tzinfo=UTC)
"""A moment after the round's last day."""


def wijk_aan_zet(**fields: object) -> CallForm:
    values: dict[str, object] = {
        "title": "Wijk aan Zet voorjaar",
        "about": "Tot 2.500 euro voor een creatief buurtinitiatief.",
        "max_grant": "2.500",
        "neighbourhoods": "Brugse Poort, Rabot",
        "min_allies": 2,
        "round_title": "Voorjaar 2031",
        "deadline": DEADLINE,
        "budget": "10.000",
        "jury_size": 2,
        "beacon_source": "Lotto-trekking van zaterdag 8 maart 2031",
    }
    values.update(fields)
    return CallForm(**values)  # type: ignore[arg-type]


class World:
    """A call opened by the city's officer, an initiative in Rabot with two working allies."""

    def __init__(self, town: Town) -> None:
        self.town = town
        self.officer = town.resident("Sofie (stad)")
        self.call = town.act(open_call, self.officer, wijk_aan_zet())
        self.round = town.read(get_call, self.call).rounds[0].id
        self.amira = town.resident("Amira")
        self.initiative = town.initiative(
            self.amira, "Verhalenfestival Rabot", neighbourhood="Rabot", village="Gent"
        )
        self.jonas = town.resident("Jonas")
        town.act(join_initiative, self.jonas, self.initiative, JoinForm(offer="Ik help"))

    def application(self, by: Acting | None = None, **fields: object) -> ApplicationForm:
        values: dict[str, object] = {
            "round": self.round,
            "initiative": self.initiative,
            "title": "Verhalen uit de Rabot",
            "plan": "Een avond met verhalen van buren, in het buurtcentrum.",
            "what": ["Geluid", "Hapjes", ""],
            "amount": ["600", "400,50", ""],
        }
        values.update(fields)
        return ApplicationForm(**values)  # type: ignore[arg-type]

    def apply(self, by: Acting | None = None, **fields: object) -> str:
        return str(self.town.act(apply, by or self.amira, self.call, self.application(**fields)))

    def view(self) -> grant_views.CallView:
        return self.town.read(get_call, self.call)


@pytest.fixture
def clock(town: Town) -> Clock:
    return Clock(town.node)


@pytest.fixture
def world(town: Town, clock: Clock) -> World:
    return World(town)


def test_a_call_opens_with_its_round_and_is_listed(world: World) -> None:
    view = world.view()
    assert view.title == "Wijk aan Zet voorjaar"
    assert view.max_grant_cents == 250_000
    assert view.neighbourhoods == ["Brugse Poort", "Rabot"]
    assert [o.display_name for o in view.owners] == ["Sofie (stad)"]
    (round_,) = view.rounds
    assert round_.budget_cents == 1_000_000 and round_.jury_size == 2 and not round_.closed
    # the round closes at the end of its last day, Belgian time (UTC+1 in March)
    assert round_.deadline == datetime(2031, 3, 1, 23, tzinfo=UTC)
    listed = world.town.query(list_grant_calls, real_now())
    assert [(c.id, c.open) for c in listed.items] == [(world.call, True)]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": " "}, "title"),
        ({"deadline": "2020-01-01"}, "deadline"),
        ({"deadline": "morgen"}, "deadline"),
        ({"budget": "1.000"}, "budget"),
        ({"max_grant": "veel"}, "max_grant"),
        ({"jury_size": 0}, "jury_size"),
        ({"beacon_source": ""}, "beacon_source"),
    ],
)
def test_a_call_with_bad_input_is_refused_and_nothing_is_made(
    town: Town, clock: Clock, fields: dict[str, object], field: str
) -> None:
    officer = town.resident("Sofie")
    before = town.document_count()
    with pytest.raises(Invalid) as refused:
        town.act(open_call, officer, wijk_aan_zet(**fields))
    assert refused.value.field == field
    assert town.document_count() == before


def test_an_initiator_applies_with_budget_lines(world: World) -> None:
    app_id = world.apply()
    (application,) = world.view().rounds[0].applications
    assert application.id == app_id
    assert application.initiative_title == "Verhalenfestival Rabot"
    assert [(line.what, line.amount_cents) for line in application.budget] in (
        [("Geluid", 60_000), ("Hapjes", 40_050)],
        [("Hapjes", 40_050), ("Geluid", 60_000)],
    )
    assert application.asked_cents == 100_050
    assert not application.late and not application.withdrawn


def test_who_may_apply_and_what(world: World, town: Town) -> None:
    refusals = {
        "joiner": (PermissionDenied, {"by": world.jonas}),
        "too much": (Invalid, {"amount": ["2.000", "600"]}),
        "no lines": (Invalid, {"what": [""], "amount": [""]}),
        "line without amount": (Invalid, {"what": ["Geluid"], "amount": [""]}),
        "zero": (Invalid, {"what": ["Geluid"], "amount": ["0"]}),
        "no plan": (Invalid, {"plan": ""}),
        "unknown round": (NotFound, {"round": "abcdefgh"}),
    }
    for _why, (error, fields) in refusals.items():
        by = fields.pop("by", None)
        town.unchanged(world.call, lambda: world.apply(by, **fields), error)  # noqa: B023


def test_eligibility_neighbourhood_and_allies(world: World, town: Town) -> None:
    elsewhere = town.initiative(world.amira, "Boekenmarkt", neighbourhood="Dampoort")
    error = town.unchanged(world.call, lambda: world.apply(initiative=elsewhere), Invalid)
    assert "wijk" in str(error)
    alone = town.initiative(world.amira, "Straatfeest", neighbourhood="rabot")
    supporter = town.resident("Piet")
    town.act(support_initiative, supporter, alone)  # supporters do not count as working allies
    error = town.unchanged(world.call, lambda: world.apply(initiative=alone), Invalid)
    assert "medestanders" in str(error)


def test_one_application_per_initiative_per_round(world: World, town: Town) -> None:
    first = world.apply()
    town.unchanged(world.call, world.apply, Invalid)
    town.act(withdraw, world.amira, world.call, first)
    world.apply()  # after withdrawing, it may apply again
    apps = world.view().rounds[0].applications
    assert sorted(a.withdrawn for a in apps) == [False, True]


def test_applications_close_at_the_deadline(world: World, town: Town, clock: Clock) -> None:
    clock.at = datetime(2031, 3, 1, 22, 59, tzinfo=UTC)  # 23:59 in Gent on the last day
    world.apply()
    clock.at = datetime(2031, 3, 1, 23, 0, tzinfo=UTC)
    error = town.unchanged(world.call, lambda: world.apply(title="Te laat"), Invalid)
    assert "gesloten" in str(error)


def _expected_jury(
    call: str, round_id: str, beacon: str, people: list[str], size: int
) -> list[str]:
    """The draw as docs/practices.md describes it, computed independently of node.grants.lot."""

    def ticket(person: str) -> str:
        text = f"mekaar/jury/v1\n{call}\n{round_id}\n{beacon}\n{person}"
        return hashlib.sha256(text.encode()).hexdigest()

    return sorted(people, key=ticket)[:size]


def test_the_jury_is_drawn_by_lot_and_anyone_can_recheck_it(
    world: World, town: Town, clock: Clock
) -> None:
    volunteers = [town.resident(name) for name in ("Els", "Karim", "Mieke", "Tom")]
    for person in volunteers:
        town.act(volunteer, person, world.call, VolunteerForm(note="Ik woon in de Rabot."))
    beacon = "4 12 19 33 41 45 (reserve 7)"
    draw = DrawForm(beacon=beacon)
    # before the deadline: no draw
    town.unchanged(
        world.call,
        lambda: town.act(draw_jury, world.officer, world.call, world.round, draw),
        Invalid,
    )
    clock.at = CLOSED
    late = town.resident("Laat")
    town.act(volunteer, late, world.call, VolunteerForm())  # after the deadline: not in this draw
    # only an owner draws
    town.unchanged(
        world.call,
        lambda: town.act(draw_jury, volunteers[0], world.call, world.round, draw),
        PermissionDenied,
    )
    jury = town.act(draw_jury, world.officer, world.call, world.round, draw)
    people = [p.person_id for p in volunteers]
    assert jury == _expected_jury(world.call, world.round, beacon, people, 2)
    round_ = world.view().rounds[0]
    assert [j.person_id for j in round_.jury] == jury
    assert round_.draw_checks and round_.beacon == beacon
    assert sorted(t.volunteer.person_id for t in round_.tickets) == sorted(people)
    assert [t.on_jury for t in round_.tickets] == [True, True, False, False]
    # drawing again is refused: the jury stands
    town.unchanged(
        world.call,
        lambda: town.act(
            draw_jury, world.officer, world.call, world.round, DrawForm(beacon="1 2 3")
        ),
        Invalid,
    )


def test_a_tampered_jury_is_shown_as_not_checking_out(
    world: World, town: Town, clock: Clock
) -> None:
    for name in ("Els", "Karim", "Mieke"):
        town.act(volunteer, town.resident(name), world.call, VolunteerForm())
    clock.at = CLOSED
    jury = town.act(draw_jury, world.officer, world.call, world.round, DrawForm(beacon="8 9"))
    outsider = town.resident("Vriendje")

    def swap(tx, _doc):  # a node that writes past the rules: another jury than the lot gave
        listed = tx.get(tx.get(tx.get(ROOT, "rounds"), world.round), "jury")
        tx.put(listed, 0, outsider.person_id)

    town.node.documents.change(world.call, world.officer.author, "andere jury", swap)
    round_ = world.view().rounds[0]
    assert not round_.draw_checks
    assert [j.person_id for j in round_.jury] == [outsider.person_id, jury[1]]


def _jury_of_two(world: World, town: Town, clock: Clock, *extra: Acting) -> list[Acting]:
    """Jonas (working on the initiative) and Els volunteer and are the only ones: both sit."""
    els = town.resident("Els")
    people = [world.jonas, els, *extra]
    for person in people:
        town.act(volunteer, person, world.call, VolunteerForm())
    clock.at = CLOSED
    town.act(draw_jury, world.officer, world.call, world.round, DrawForm(beacon="1 2 3 4 5 6"))
    jury = {p.person_id for p in world.view().rounds[0].jury}
    return [p for p in people if p.person_id in jury]


def test_jurors_score_except_where_they_have_an_interest(
    world: World, town: Town, clock: Clock
) -> None:
    app_id = world.apply()
    jonas, els = _jury_of_two(world, town, clock)
    # Jonas works on the initiative: a conflict whether declared or not
    error = town.unchanged(
        world.call,
        lambda: town.act(score, jonas, world.call, app_id, ScoreForm(score=5)),
        PermissionDenied,
    )
    assert "belang" in str(error)
    outsider = town.resident("Buitenstaander")
    town.unchanged(
        world.call,
        lambda: town.act(score, outsider, world.call, app_id, ScoreForm(score=5)),
        PermissionDenied,
    )
    town.unchanged(
        world.call, lambda: town.act(score, els, world.call, app_id, ScoreForm(score=9)), Invalid
    )
    town.act(score, els, world.call, app_id, ScoreForm(score=4, note="Mooi plan, verbindt buren."))
    application = world.view().rounds[0].applications[0]
    assert application.average == 4.0
    assert jonas.person_id in application.involved
    # declaring an interest afterwards withdraws the score
    town.act(declare_conflict, els, world.call, app_id, ConflictForm(reason="Mijn zus doet mee."))
    application = world.view().rounds[0].applications[0]
    assert application.average is None and application.scores == []
    assert [c.reason for c in application.conflicts] == ["Mijn zus doet mee."]
    town.unchanged(
        world.call,
        lambda: town.act(score, els, world.call, app_id, ScoreForm(score=4)),
        PermissionDenied,
    )


def test_a_score_written_past_the_rules_is_kept_but_not_counted(
    world: World, town: Town, clock: Clock
) -> None:
    app_id = world.apply()
    jonas, els = _jury_of_two(world, town, clock)
    town.act(score, els, world.call, app_id, ScoreForm(score=2))

    def sneak(tx, _doc):  # Jonas's own node did not know about his conflict
        per_app = tx.get(tx.get(ROOT, "scores"), app_id)
        tx.put_object(per_app, jonas.person_id, ObjType.MAP)
        entry = tx.get(per_app, jonas.person_id)
        tx.put(entry, "score", 5)
        tx.put(entry, "at", CLOSED)

    town.node.documents.change(world.call, jonas.author, "score", sneak)
    application = world.view().rounds[0].applications[0]
    assert application.average == 2.0
    assert {(s.juror.person_id, s.counts) for s in application.scores} == {
        (jonas.person_id, False),
        (els.person_id, True),
    }


def test_decisions_keep_to_the_maximum_the_request_and_the_budget(
    town: Town, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = World.__new__(World)
    world.town = town
    world.officer = town.resident("Sofie")
    world.call = town.act(open_call, world.officer, wijk_aan_zet(budget="2.500", min_allies=1))
    world.round = town.read(get_call, world.call).rounds[0].id
    world.amira = town.resident("Amira")
    world.initiative = town.initiative(world.amira, "Verhalenfestival", neighbourhood="Rabot")
    world.jonas = town.resident("Jonas")
    first = world.apply(what=["Geluid"], amount=["2.000"])
    other = town.initiative(world.amira, "Boekenmarkt", neighbourhood="Rabot")
    second = world.apply(initiative=other, title="Boekenmarkt", what=["Kramen"], amount=["800"])
    yes = DecisionForm(granted="yes", reasons="Verbindt de buurt.")
    # not before the round closes
    town.unchanged(
        world.call, lambda: town.act(decide, world.officer, world.call, first, yes), Invalid
    )
    clock.at = CLOSED
    town.unchanged(
        world.call, lambda: town.act(decide, world.amira, world.call, first, yes), PermissionDenied
    )
    more = DecisionForm(granted="yes", reasons="x", amount="2.100")
    town.unchanged(
        world.call, lambda: town.act(decide, world.officer, world.call, first, more), Invalid
    )
    no_reasons = DecisionForm(granted="yes", reasons=" ")
    town.unchanged(
        world.call, lambda: town.act(decide, world.officer, world.call, first, no_reasons), Invalid
    )
    town.act(decide, world.officer, world.call, first, yes)
    # 500 left of 2,500: the second asks 800
    error = town.unchanged(
        world.call, lambda: town.act(decide, world.officer, world.call, second, yes), Invalid
    )
    assert "500" in str(error)
    town.act(
        decide,
        world.officer,
        world.call,
        second,
        DecisionForm(granted="yes", reasons="Deels.", amount="500"),
    )
    round_ = world.view().rounds[0]
    assert round_.granted_cents == 250_000 and not round_.over_budget
    decided = {a.id: a.decision for a in round_.applications}
    assert decided[first] is not None and decided[first].amount_cents == 200_000
    assert decided[second] is not None and decided[second].reasons == "Deels."


def test_concurrent_grants_beyond_the_budget_are_shown(
    world: World, town: Town, clock: Clock
) -> None:
    app_id = world.apply()
    clock.at = CLOSED
    town.act(
        decide, world.officer, world.call, app_id, DecisionForm(granted="yes", reasons="Goed.")
    )

    def beyond(tx, _doc):  # as if a second owner decided on another node while apart
        decision = tx.get(tx.get(ROOT, "decisions"), app_id)
        tx.put(decision, "amount_cents", 2_000_000)

    town.node.documents.change(world.call, world.officer.author, "te veel", beyond)
    assert world.view().rounds[0].over_budget


def test_granted_initiatives_report_how_the_money_was_spent(
    world: World, town: Town, clock: Clock
) -> None:
    app_id = world.apply()
    spent = ReportForm(
        story="Zestig buren kwamen luisteren.", what=["Geluid", "Hapjes"], amount=["580", "410"]
    )
    town.unchanged(
        world.call, lambda: town.act(report, world.amira, world.call, app_id, spent), Invalid
    )
    clock.at = CLOSED
    town.act(
        decide, world.officer, world.call, app_id, DecisionForm(granted="yes", reasons="Goed.")
    )
    town.unchanged(
        world.call,
        lambda: town.act(report, world.jonas, world.call, app_id, spent),
        PermissionDenied,
    )
    town.act(report, world.amira, world.call, app_id, spent)
    application = world.view().rounds[0].applications[0]
    assert application.report is not None
    assert application.report.spent_cents == 99_000
    assert application.report.story == "Zestig buren kwamen luisteren."


def test_a_late_application_from_another_node_cannot_be_decided(
    world: World, town: Town, clock: Clock
) -> None:
    clock.at = CLOSED

    def late(tx, doc):  # written on a node that let it through after the deadline
        entry = tx.put_object(tx.get(ROOT, "applications"), "LateApp1", ObjType.MAP)
        for key, value in {
            "round": world.round,
            "initiative": world.initiative,
            "applicant": world.amira.person_id,
            "title": "Te laat",
            "plan": "x",
            "submitted_at": CLOSED,
        }.items():
            tx.put(entry, key, value)
        budget = tx.put_object(entry, "budget", ObjType.MAP)
        line = tx.put_object(budget, "Linexyz1", ObjType.MAP)
        tx.put(line, "what", "Geluid")
        tx.put(line, "amount_cents", 10_000)

    town.node.documents.change(world.call, world.amira.author, "laat", late)
    (application,) = world.view().rounds[0].applications
    assert application.late
    error = town.unchanged(
        world.call,
        lambda: town.act(
            decide, world.officer, world.call, "LateApp1", DecisionForm(granted="yes", reasons="x")
        ),
        Invalid,
    )
    assert "deadline" in str(error)


def test_the_list_puts_open_calls_first(town: Town, clock: Clock) -> None:
    officer = town.resident("Sofie")
    later = town.act(open_call, officer, wijk_aan_zet(title="Najaar", deadline="2031-09-30"))
    sooner = town.act(open_call, officer, wijk_aan_zet(title="Voorjaar"))
    listed = town.query(list_grant_calls, real_now())
    assert [c.id for c in listed.items] == [sooner, later]
    past = town.query(list_grant_calls, CLOSED + timedelta(days=1))
    assert [(c.id, c.open) for c in past.items] == [(sooner, False), (later, True)][::-1]
