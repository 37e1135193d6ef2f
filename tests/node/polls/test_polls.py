"""Polls: every kind's rules through the services, one vote per person, hidden results, the
close with an outcome, and a vote in someone else's name that counts nowhere."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from node.errors import Invalid, PermissionDenied
from node.polls.forms import OutcomeForm, PollForm, VoteForm
from node.polls.service import close_poll, start_poll, vote
from node.polls.views import PollView, get_poll
from sync.automerge import ROOT, ObjType
from tests.clock import Clock
from tests.node.residents import Town

AFTER = datetime(2031, 6, 2, 12, tzinfo=UTC)


@pytest.fixture
def clock(town: Town) -> Clock:
    return Clock(town.node)


def poll(town: Town, by: object, **fields: object) -> str:
    values: dict[str, object] = {
        "title": "Wordt het schoolgebouw een buurthuis?",
        "close_day": "2031-06-01",
    }
    values.update(fields)
    return str(town.act(start_poll, by, PollForm(**values)))  # type: ignore[arg-type]


def seen(town: Town, poll_id: str, viewer: object = None) -> PollView:
    return town.read(get_poll, poll_id, getattr(viewer, "person_id", None))


def test_a_proposal_one_vote_per_person_and_a_block_needs_a_reason(
    town: Town, clock: Clock
) -> None:
    anna, bert = town.resident("Anna"), town.resident("Bert")
    thread = town.initiative(anna, "Buurthuis")
    proposal = poll(town, anna, about=thread, details="Voorstel van de koersgroep.")
    town.act(vote, bert, proposal, VoteForm(choice="agree1"))
    town.act(vote, bert, proposal, VoteForm(choice="disagree1", reason="Te duur"))  # changes it
    refused = town.unchanged(
        proposal, lambda: town.act(vote, anna, proposal, VoteForm(choice="stop11")), Invalid
    )
    assert "waarom" in str(refused)
    town.act(vote, anna, proposal, VoteForm(choice="stop11", reason="Asbest"))
    view = seen(town, proposal)
    assert view.voter_count == 2 and view.about_title == "Buurthuis"
    counts = {o.label: o.voters for o in view.options}
    assert counts == {"Eens": 0, "Onthouden": 0, "Oneens": 1, "Blokkeren": 1}
    assert {v.reason for v in view.votes} == {"Te duur", "Asbest"}


def test_results_stay_hidden_until_the_close_and_the_owner_closes_with_an_outcome(
    town: Town, clock: Clock
) -> None:
    anna, bert = town.resident("Anna"), town.resident("Bert")
    hidden = poll(town, anna, kind="poll", options="Maandag\nDinsdag\nWoensdag", hide_results="on")
    view = seen(town, hidden)
    monday = view.options[0].id
    town.act(vote, bert, hidden, VoteForm(choice=monday))
    assert (
        seen(town, hidden, anna).votes == [] and seen(town, hidden, anna).options[0].voters is None
    )
    assert seen(town, hidden, bert).my_vote is not None  # one's own vote shows
    town.unchanged(
        hidden,
        lambda: town.act(close_poll, bert, hidden, OutcomeForm(statement="x")),
        PermissionDenied,
    )
    town.act(close_poll, anna, hidden, OutcomeForm(statement="We kiezen maandag."))
    closed = seen(town, hidden, anna)
    assert not closed.open and closed.outcome == "We kiezen maandag."
    assert closed.options[0].voters == 1 and len(closed.votes) == 1
    refused = town.unchanged(
        hidden, lambda: town.act(vote, anna, hidden, VoteForm(choice=monday)), Invalid
    )
    assert "gesloten" in str(refused)


def test_a_poll_closes_at_its_time(town: Town, clock: Clock) -> None:
    anna = town.resident("Anna")
    proposal = poll(town, anna)
    clock.at = AFTER
    town.unchanged(
        proposal, lambda: town.act(vote, anna, proposal, VoteForm(choice="agree1")), Invalid
    )
    assert not seen(town, proposal).open


def test_dot_votes_and_scores_keep_to_their_bounds(town: Town, clock: Clock) -> None:
    anna = town.resident("Anna")
    dots = poll(town, anna, kind="dot_vote", options="Bankjes\nBomen\nSpeeltuin", dots=5)
    ids = [o.id for o in seen(town, dots).options]
    too_many = VoteForm(option=ids, value=["3", "3", "0"])
    town.unchanged(dots, lambda: town.act(vote, anna, dots, too_many), Invalid)
    town.act(vote, anna, dots, VoteForm(option=ids, value=["2", "3", ""]))
    assert [o.points for o in seen(town, dots).options] == [2, 3, 0]
    scores = poll(town, anna, kind="score", options="Plan A\nPlan B", max_score=5)
    ids = [o.id for o in seen(town, scores).options]
    town.unchanged(
        scores,
        lambda: town.act(vote, anna, scores, VoteForm(option=ids, value=["6", "1"])),
        Invalid,
    )
    town.act(vote, anna, scores, VoteForm(option=ids, value=["4", "1"]))
    assert [o.points for o in seen(town, scores).options] == [4, 1]


def test_a_time_poll_takes_several_moments(town: Town, clock: Clock) -> None:
    anna = town.resident("Anna")
    when = poll(town, anna, kind="time_poll", options="2031-05-20 19:30\n2031-05-21 19:30")
    view = seen(town, when)
    assert [o.starts_at for o in view.options] == [
        datetime(2031, 5, 20, 17, 30, tzinfo=UTC),
        datetime(2031, 5, 21, 17, 30, tzinfo=UTC),
    ]
    town.act(vote, anna, when, VoteForm(choice=[o.id for o in view.options]))
    assert [o.voters for o in seen(town, when).options] == [1, 1]
    bad = town.unchanged(
        town.initiative(anna),
        lambda: poll(town, anna, kind="time_poll", options="morgen\novermorgen"),
        Invalid,
    )
    assert bad.field == "options"


def test_a_vote_in_someone_elses_name_counts_nowhere(town: Town, clock: Clock) -> None:
    anna, bert = town.resident("Anna"), town.resident("Bert")
    proposal = poll(town, anna)

    def forged(tx, _doc):  # Bert writes a vote under Anna's key, past every service
        entry = tx.put_object(tx.get(ROOT, "votes"), anna.person_id, ObjType.MAP)
        tx.put(entry, "at", datetime(2031, 5, 1, tzinfo=UTC))
        tx.put(tx.put_object(entry, "choices", ObjType.MAP), "agree1", 1)

    town.node.documents.change(proposal, bert.author, "stem", forged)
    assert seen(town, proposal).voter_count == 0
