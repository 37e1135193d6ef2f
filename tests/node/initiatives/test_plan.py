"""The action plan: tasks allies add, take, hand back, finish and reopen; news from allies."""

from __future__ import annotations

from functools import partial

import pytest

from node.acting import Acting
from node.errors import Invalid, NotFound, PermissionDenied
from node.initiatives import (
    JoinForm,
    TaskForm,
    UpdateForm,
    add_task,
    complete_task,
    get_initiative,
    join_initiative,
    post_update,
    release_task,
    reopen_task,
    support_initiative,
    take_task,
)
from tests.node.residents import Town


def crew(town: Town) -> tuple[str, Acting, Acting]:
    """An initiative by Anna that Jan joined."""
    anna, jan = town.resident("Anna"), town.resident("Jan")
    initiative = town.initiative(anna)
    town.act(join_initiative, jan, initiative, JoinForm(offer="Ik help"))
    return initiative, anna, jan


def task_state(town: Town, initiative: str, task: str) -> tuple[str, str | None]:
    found = town.content(initiative)["plan"]["tasks"][task]
    return found["status"], found["owner"]


def test_an_ally_who_joined_adds_an_open_task(town: Town) -> None:
    initiative, _anna, jan = crew(town)
    task = town.act(add_task, jan, initiative, TaskForm(title="Koffie regelen", due="2025-06-07"))
    view = town.read(get_initiative, initiative).tasks[0]
    assert (view.id, view.title, view.status, view.owner, view.due) == (
        task,
        "Koffie regelen",
        "open",
        None,
        "2025-06-07",
    )
    assert view.created_by == jan.person_id
    assert town.changes(initiative)[-1].message == "Taak toegevoegd"


def test_supporters_and_strangers_do_not_work_on_the_plan(town: Town) -> None:
    initiative, anna, _jan = crew(town)
    lotte, piet = town.resident("Lotte"), town.resident("Piet")
    town.act(support_initiative, lotte, initiative)
    task = town.act(add_task, anna, initiative, TaskForm(title="Flyer maken"))
    for person in (lotte, piet):
        for action in (
            lambda p=person: town.act(add_task, p, initiative, TaskForm(title="Iets")),
            lambda p=person: town.act(take_task, p, initiative, task),
            lambda p=person: town.act(complete_task, p, initiative, task),
        ):
            error = town.unchanged(initiative, action, PermissionDenied)
            assert "Sluit je eerst aan" in str(error)


@pytest.mark.parametrize(
    ("form", "field"),
    [
        (TaskForm(title=""), "title"),
        (TaskForm(title="x" * 201), "title"),
        (TaskForm(title="Iets", due="morgen"), "due"),
        (TaskForm(title="Iets", due="2025-02-30"), "due"),
        (TaskForm(title="Iets", due="1850-01-01"), "due"),
        (TaskForm(title="Iets", due="2025-6-7"), "due"),
    ],
)
def test_a_bad_task_is_refused_and_changes_nothing(town: Town, form: TaskForm, field: str) -> None:
    initiative, anna, _jan = crew(town)
    error = town.unchanged(initiative, lambda: town.act(add_task, anna, initiative, form), Invalid)
    assert isinstance(error, Invalid) and error.field == field


def test_a_task_is_taken_handed_back_finished_and_reopened(town: Town) -> None:
    initiative, anna, jan = crew(town)
    task = town.act(add_task, anna, initiative, TaskForm(title="Plantenbakken timmeren"))
    town.act(take_task, jan, initiative, task)
    assert task_state(town, initiative, task) == ("taken", jan.person_id)
    town.act(release_task, jan, initiative, task)
    assert task_state(town, initiative, task) == ("open", None)
    town.act(take_task, jan, initiative, task)
    town.act(complete_task, jan, initiative, task)
    assert task_state(town, initiative, task) == ("done", jan.person_id)
    assert town.content(initiative)["plan"]["tasks"][task]["done_at"] is not None
    town.act(reopen_task, anna, initiative, task)
    assert task_state(town, initiative, task) == ("taken", jan.person_id)
    assert town.content(initiative)["plan"]["tasks"][task]["done_at"] is None
    assert [c.message for c in town.changes(initiative)[-5:]] == [
        "Taak opgepakt",
        "Taak teruggegeven",
        "Taak opgepakt",
        "Taak afgerond",
        "Taak heropend",
    ]


def test_reopening_a_task_nobody_had_makes_it_open(town: Town) -> None:
    initiative, anna, _jan = crew(town)
    task = town.act(add_task, anna, initiative, TaskForm(title="Opruimen"))
    town.act(complete_task, anna, initiative, task)
    town.act(reopen_task, anna, initiative, task)
    assert task_state(town, initiative, task) == ("open", None)


def test_a_task_someone_else_took_cannot_be_taken(town: Town) -> None:
    initiative, anna, jan = crew(town)
    task = town.act(add_task, anna, initiative, TaskForm(title="Flyer maken"))
    town.act(take_task, jan, initiative, task)
    error = town.unchanged(initiative, lambda: town.act(take_task, anna, initiative, task), Invalid)
    assert "Iemand anders" in str(error)
    before = town.stored(initiative)
    town.act(take_task, jan, initiative, task)  # taking one's own task again writes nothing
    assert town.stored(initiative) == before


def test_a_finished_task_is_neither_taken_nor_handed_back(town: Town) -> None:
    initiative, anna, jan = crew(town)
    task = town.act(add_task, anna, initiative, TaskForm(title="Flyer maken"))
    town.act(complete_task, anna, initiative, task)
    town.unchanged(initiative, lambda: town.act(take_task, jan, initiative, task), Invalid)
    town.unchanged(initiative, lambda: town.act(release_task, jan, initiative, task), Invalid)


@pytest.mark.parametrize("task", ["", "../../x", "Onbekend123"])
def test_unknown_tasks_are_not_found(town: Town, task: str) -> None:
    initiative, anna, _jan = crew(town)
    for action in (take_task, release_task, complete_task, reopen_task):
        town.unchanged(initiative, partial(town.act, action, anna, initiative, task), NotFound)


def test_progress_counts_finished_tasks_and_the_plan_is_in_working_order(town: Town) -> None:
    initiative, anna, jan = crew(town)
    later = town.act(add_task, anna, initiative, TaskForm(title="Later", due="2025-09-01"))
    undated = town.act(add_task, anna, initiative, TaskForm(title="Zonder datum"))
    soon = town.act(add_task, anna, initiative, TaskForm(title="Binnenkort", due="2025-06-01"))
    first_done = town.act(add_task, anna, initiative, TaskForm(title="Eerst klaar"))
    then_done = town.act(add_task, anna, initiative, TaskForm(title="Daarna klaar"))
    town.act(complete_task, jan, initiative, first_done)
    town.act(complete_task, jan, initiative, then_done)
    view = town.read(get_initiative, initiative)
    assert [t.id for t in view.tasks] == [soon, later, undated, then_done, first_done]
    assert (view.tasks_done, view.tasks_total, view.progress_percent) == (2, 5, 40)


def test_an_empty_plan_has_no_progress(town: Town) -> None:
    initiative, _anna, _jan = crew(town)
    view = town.read(get_initiative, initiative)
    assert (view.tasks_done, view.tasks_total, view.progress_percent) == (0, 0, 0)


def test_the_plan_shows_who_took_each_task(town: Town) -> None:
    initiative, anna, jan = crew(town)
    task = town.act(add_task, anna, initiative, TaskForm(title="Flyer maken"))
    town.act(take_task, jan, initiative, task)
    view = town.read(get_initiative, initiative).tasks[0]
    assert (view.owner, view.owner_name) == (jan.person_id, "Jan")


def test_allies_post_news_and_the_newest_comes_first(town: Town) -> None:
    initiative, anna, jan = crew(town)
    town.act(post_update, anna, initiative, UpdateForm(title="Gestart", body="We beginnen!"))
    town.act(post_update, jan, initiative, UpdateForm(title="De zaal is er", body="Geregeld."))
    updates = town.read(get_initiative, initiative).updates
    assert [(u.title, u.by_name) for u in updates] == [
        ("De zaal is er", "Jan"),
        ("Gestart", "Anna"),
    ]
    assert town.changes(initiative)[-1].message == "Nieuws geplaatst"


def test_news_is_for_allies_and_must_have_a_title_and_a_message(town: Town) -> None:
    initiative, anna, _jan = crew(town)
    lotte = town.resident("Lotte")
    town.act(support_initiative, lotte, initiative)
    news = UpdateForm(title="Nieuws", body="Van een supporter")
    town.unchanged(
        initiative, lambda: town.act(post_update, lotte, initiative, news), PermissionDenied
    )
    for form, field in (
        (UpdateForm(title="", body="Tekst"), "title"),
        (UpdateForm(title="Titel", body="  "), "body"),
        (UpdateForm(title="Titel", body="x" * 100_001), "body"),
    ):
        error = town.unchanged(
            initiative, partial(town.act, post_update, anna, initiative, form), Invalid
        )
        assert isinstance(error, Invalid) and error.field == field
