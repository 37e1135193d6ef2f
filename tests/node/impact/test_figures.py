"""Impact figures added up from the projection: allies, tasks and what initiators report
through the services; hours and grants from the documents that hold them (a job for the
initiative, a grant call's decisions), projected as peers would send them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import pytest

from node.errors import Invalid, PermissionDenied
from node.impact.figures import initiative_impact, node_impact
from node.impact.reporting import ReportForm, report_figures
from node.initiatives.allies import join_initiative, support_initiative
from node.initiatives.forms import JoinForm, TaskForm
from node.initiatives.plan import add_task, complete_task
from node.projection import project
from node.projection.contributions import of_grant_call, of_job
from sync.document_id import new_document_id
from tests.node.residents import Town

AT = datetime(2026, 3, 14, 12, tzinfo=UTC)


def _project(town: Town, content: dict[str, Any]) -> None:
    async def run() -> None:
        async with town.node.sessions() as session:
            await project(session, content)
            await session.commit()

    asyncio.run(run())


def _job(initiative: str | None, hours: dict[str, dict[str, Any]]) -> dict[str, Any]:
    content: dict[str, Any] = {
        "type": "job",
        "id": new_document_id(),
        "origin_node": "x" * 44,
        "created_at": AT,
        "title": "Folders vouwen",
        "hours": hours,
    }
    if initiative:
        content["initiative"] = initiative
    return content


def test_allies_tasks_and_reported_figures_of_an_initiative(town: Town) -> None:
    anna, bert, cor = town.resident("Anna"), town.resident("Bert"), town.resident("Cor")
    garden = town.initiative(anna, "Buurtmoestuin")
    town.act(support_initiative, bert, garden)
    town.act(join_initiative, cor, garden, JoinForm(offer="een kruiwagen"))
    first = town.act(add_task, anna, garden, TaskForm(title="Grond omspitten"))
    town.act(add_task, anna, garden, TaskForm(title="Zaden kopen"))
    town.act(complete_task, anna, garden, first)
    before = town.query(initiative_impact, garden).figures
    assert before.people_reached is None and before.money_raised_cents is None

    town.act(report_figures, anna, garden, ReportForm(people_reached="85", money_raised="1.250,50"))
    figures = town.query(initiative_impact, garden).figures
    assert (figures.allies, figures.supporters, figures.joined) == (3, 1, 2)
    assert (figures.tasks_done, figures.tasks_total) == (1, 2)
    assert (figures.people_reached, figures.money_raised_cents) == (85, 125050)

    town.act(report_figures, anna, garden, ReportForm(people_reached="", money_raised=""))
    cleared = town.query(initiative_impact, garden).figures
    assert cleared.people_reached is None and cleared.money_raised_cents is None


def test_only_initiators_report_and_bad_numbers_are_refused(town: Town) -> None:
    anna, bert = town.resident("Anna"), town.resident("Bert")
    garden = town.initiative(anna, "Buurtmoestuin")
    town.act(support_initiative, bert, garden)
    with pytest.raises(PermissionDenied):
        town.act(report_figures, bert, garden, ReportForm(people_reached="10"))
    for form in (ReportForm(people_reached="veel"), ReportForm(people_reached="-3"),
                 ReportForm(money_raised="twaalf")):  # fmt: skip
        town.unchanged(garden, lambda form=form: town.act(report_figures, anna, garden, form),
                       Invalid)  # fmt: skip


def test_confirmed_hours_count_for_the_initiative_their_job_is_for(town: Town) -> None:
    anna = town.resident("Anna")
    garden = town.initiative(anna, "Buurtmoestuin")
    hours = {
        "h1aaaaaa": {"minutes": 150, "confirmed_at": AT},
        "h2aaaaaa": {"minutes": 90},  # written, not confirmed: does not count
    }
    _project(town, _job(garden, hours))
    _project(town, _job(None, {"h3aaaaaa": {"minutes": 60, "confirmed_at": AT}}))
    assert town.query(initiative_impact, garden).figures.minutes_given == 150


def test_granted_decisions_count_for_the_initiative_that_applied(town: Town) -> None:
    anna = town.resident("Anna")
    garden = town.initiative(anna, "Buurtmoestuin")
    call = {
        "type": "grant_call",
        "id": new_document_id(),
        "origin_node": town.node.identity.node_id,
        "created_at": AT,
        "title": "Wijk aan Zet",
        "applications": {"a1aaaaaa": {"initiative": garden}, "a2aaaaaa": {"initiative": garden}},
        "decisions": {
            "a1aaaaaa": {"granted": True, "amount_cents": 240000},
            "a2aaaaaa": {"granted": False, "amount_cents": 0},
        },
    }
    _project(town, call)
    assert town.query(initiative_impact, garden).figures.granted_cents == 240000


def test_malformed_entries_cost_only_themselves() -> None:
    job = _job("x" * 30, {"ok111111": {"minutes": 30, "confirmed_at": AT},
                          "bad11111": {"minutes": "veel", "confirmed_at": AT},
                          "big11111": {"minutes": 10_000, "confirmed_at": AT}})  # fmt: skip
    assert [r["amount"] for r in of_job(job["id"], job)] == [30]
    call = {"applications": "geen", "decisions": {"d1111111": {"granted": True}}}
    assert of_grant_call("c", call) == []


def test_node_figures_add_up_its_own_initiatives_by_phase(town: Town) -> None:
    anna, bert = town.resident("Anna"), town.resident("Bert")
    garden = town.initiative(anna, "Buurtmoestuin", status="looking_for_allies")
    town.initiative(bert, "Buurtkoor")
    town.act(support_initiative, bert, garden)
    town.act(report_figures, anna, garden, ReportForm(people_reached="40"))
    impact = town.query(node_impact, town.node.identity.node_id, "Oldebroek")
    assert impact.initiatives == 2
    assert impact.by_phase["looking_for_allies"] == 1 and impact.by_phase["idea"] == 1
    assert impact.figures.allies == 2  # Anna and Bert, each counted once
    assert impact.figures.people_reached == 40
    assert [i.title for i in impact.per_initiative] == ["Buurtmoestuin", "Buurtkoor"]
