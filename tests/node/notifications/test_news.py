"""The rules of news through the services: a task taken over is news for its old owner (not
for who took it), a poll opened and closed on an initiative is news for its followers (not for
its starter), and people without an account here hear nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from node.accounts.service import RegisterForm, register
from node.acting import Acting
from node.initiatives import allies
from node.initiatives.forms import JoinForm, TaskForm
from node.initiatives.plan import add_task, release_task, take_task
from node.notifications.models import Notice
from node.polls.forms import OutcomeForm, PollForm
from node.polls.service import close_poll, start_poll
from tests.node.residents import Town


def resident(town: Town, name: str) -> Acting:
    form = RegisterForm(
        email=f"{name.lower()}@example.org", password="een lang wachtwoord", display_name=name
    )
    return town.act(register, form)  # type: ignore[no-any-return]


def news(town: Town, person: Acting) -> list[tuple[str, str]]:
    async def read(session: object) -> list[tuple[str, str]]:
        rows = await session.execute(  # type: ignore[attr-defined]
            select(Notice.kind, Notice.actor_id)
            .where(Notice.person_id == person.person_id)
            .order_by(Notice.id)
        )
        return [(kind, actor) for kind, actor in rows]

    return town.query(read)  # type: ignore[no-any-return]


def test_tasks_and_polls_are_news_for_the_right_people(town: Town) -> None:
    anna, bert, carla = resident(town, "Anna"), resident(town, "Bert"), resident(town, "Carla")
    stranger = town.resident("Dirk")  # no account here
    garden = town.initiative(anna, "Moestuin")
    town.act(allies.join_initiative, bert, garden, JoinForm())
    town.act(allies.support_initiative, carla, garden)
    task = town.act(add_task, anna, garden, TaskForm(title="Schoffels halen"))
    town.act(take_task, bert, garden, task)
    assert ("task_given", bert.person_id) not in news(town, bert)  # he took it himself
    town.act(release_task, anna, garden, task)
    assert ("task_taken", anna.person_id) in news(town, bert)
    poll = town.act(
        start_poll, anna, PollForm(title="Welke dag?", close_day="2031-06-01", about=garden)
    )
    town.act(close_poll, anna, poll, OutcomeForm(statement="Zaterdag."))
    carla_news = [kind for kind, _actor in news(town, carla)]
    assert "poll_opened" in carla_news and "poll_closed" in carla_news
    assert not [k for k, _ in news(town, anna) if k.startswith("poll")]  # her own poll
    assert "ally" in [k for k, _ in news(town, anna)]  # Carla's support
    town.act(allies.support_initiative, stranger, garden)
    assert ("ally", stranger.person_id) in news(town, anna)  # a supporter without account
    assert all(kind != "ally" for kind, _a in news(town, carla))  # only for the initiator


def test_an_event_is_news_for_followers_and_its_cancellation_for_who_registered(
    town: Town,
) -> None:
    from node.events.forms import CancelForm, EventForm, RegistrationForm
    from node.events.service import cancel_event, plan_event
    from node.events.service import register as register_for

    anna, bert, carla = resident(town, "Anna"), resident(town, "Bert"), resident(town, "Carla")
    garden = town.initiative(anna, "Moestuin")
    town.act(allies.support_initiative, bert, garden)
    soon = datetime.now(UTC) + timedelta(days=30)
    form = EventForm(
        title="Zaaidag",
        organiser=garden,
        starts=f"{soon:%Y-%m-%d}T10:00",
        ends=f"{soon:%Y-%m-%d}T12:00",
        location="De tuin",
    )
    event = town.act(plan_event, anna, form)
    assert ("event_planned", anna.person_id) in news(town, bert)  # he follows the garden
    assert not [k for k, _ in news(town, carla) if k.startswith("event")]  # she does not
    town.act(register_for, carla, event, RegistrationForm())
    town.act(register_for, anna, event, RegistrationForm())
    town.act(cancel_event, anna, event, CancelForm(reason="Regen"))
    assert ("event_cancelled", anna.person_id) in news(town, carla)  # she registered
    assert not [k for k, _ in news(town, bert) if k == "event_cancelled"]  # he did not
    assert not [k for k, _ in news(town, anna) if k.startswith("event")]  # her own doing


def test_an_erasure_takes_the_persons_words_out_of_the_notices(town: Town) -> None:
    """A notice keeps the first words of a comment: when its writer is erased, the notice goes
    (node/notifications/forgetting.py), and other people's notices stay."""
    from node.discussions.forms import CommentForm, DiscussionForm
    from node.discussions.service import comment, start_discussion
    from node.notifications.forgetting import forget_erased

    anna, bert, carla = resident(town, "Anna"), resident(town, "Bert"), resident(town, "Carla")
    topic = town.act(start_discussion, anna, DiscussionForm(title="Het plein", intro="Ideeën?"))
    town.act(comment, bert, topic, CommentForm(body="QZWX een vijver"))
    town.act(comment, carla, topic, CommentForm(body="Bankjes"))
    assert [a for _k, a in news(town, anna)] == [bert.person_id, carla.person_id]

    async def erase(session: object) -> int:
        deleted = await forget_erased(session, {bert.person_id}, {topic})  # type: ignore[arg-type]
        await session.commit()  # type: ignore[attr-defined]
        return deleted

    assert town.query(erase) == 1
    assert [a for _k, a in news(town, anna)] == [carla.person_id]

    async def summaries(session: object) -> list[str]:
        return list(await session.scalars(select(Notice.summary)))  # type: ignore[attr-defined]

    assert not any("QZWX" in s for s in town.query(summaries))
