"""The `mekaar` command on a temp data folder: init, demo, reindex, serve (the default)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from node import accounts
from node.cli import main
from node.events.views import get_event
from node.grants import get_call
from node.jobs.views import get_job
from node.ledger.views import get_account
from node.places import get_place
from node.projection import list_discussions, list_initiatives, list_organisations, list_people
from node.projection.events import list_events
from node.projection.grants import list_grant_calls
from node.projection.jobs import list_jobs
from node.projection.models import VillageRow
from node.projection.places import list_places
from node.projection.project import remove
from node.runtime import Node
from node.service import now
from node.settings import Settings


def mekaar(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def on_node(settings: Settings, job: Any) -> Any:
    async def run() -> Any:
        node = await Node.open(settings, null_pool=True)
        try:
            async with node.sessions() as session:
                result = await job(node, session)
                await session.commit()
                return result
        finally:
            await node.close()

    return asyncio.run(run())


async def _person_named(session: Any, name: str) -> str:
    people = (await list_people(session, per_page=50)).items
    return next(p.id for p in people if p.display_name == name)


def test_init_creates_a_named_node_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = mekaar("--data", str(data), "init", "--name", "Wezep")
    assert made.exit_code == 0, made.output
    identity = json.loads((data / "node.json").read_text())
    assert identity["name"] == "Wezep"
    assert identity["node_id"] in made.output
    again = mekaar("--data", str(data), "init", "--name", "Hattem")
    assert again.exit_code == 1
    assert "Er staat al een node" in again.output
    assert json.loads((data / "node.json").read_text()) == identity


def test_init_reads_the_data_folder_from_the_environment(tmp_path: Path) -> None:
    made = mekaar("init", "--name", "Hattem", env={"MEKAAR_DATA": str(tmp_path / "env")})
    assert made.exit_code == 0, made.output
    assert json.loads((tmp_path / "env" / "node.json").read_text())["name"] == "Hattem"


def test_init_refuses_an_empty_name_in_dutch(tmp_path: Path) -> None:
    refused = mekaar("--data", str(tmp_path / "data"), "init", "--name", "  ")
    assert refused.exit_code == 1
    assert "Geef de node een naam" in refused.output
    assert not (tmp_path / "data" / "node.json").exists()


def test_demo_fills_a_fresh_node_once_on_each_database(tmp_path: Path, database_url: str) -> None:
    data = tmp_path / "data"
    env = {"DATABASE_URL": database_url}  # the environment, as a real deployment sets it
    args = ("--data", str(data))
    filled = mekaar(*args, "demo", env=env)
    assert filled.exit_code == 0, filled.output
    assert json.loads((data / "node.json").read_text())["name"] == "Oldebroek"
    made = (
        "7 initiatieven, 5 gesprekken, 13 mensen, 5 organisaties, 1 subsidieoproep, 1 klus, "
        "3 plekken"
    )
    assert made in " ".join(filled.output.split())
    assert "anna@demo.mekaar.invalid" in filled.output and "mekaar-demo-2025" in filled.output
    settings = Settings(data_dir=str(data), database_url=database_url)
    documents = sorted(p.name for p in (data / "documents").iterdir())

    async def look(node: Node, session: Any) -> dict[str, Any]:
        initiatives = await list_initiatives(session, per_page=50)
        return {
            "initiatives": {i.title: i.status for i in initiatives.items},
            "discussions": (await list_discussions(session)).total,
            "people": (await list_people(session, per_page=50)).total,
            "organisations": (await list_organisations(session)).total,
            "grant_calls": [
                await get_call(node, c.id) for c in (await list_grant_calls(session, now())).items
            ],
            "jobs": [await get_job(node, j.id) for j in (await list_jobs(session, now())).items],
            "marieke": await get_account(node, await _person_named(session, "Marieke Visser")),
            "places": [await get_place(node, p.id) for p in (await list_places(session)).items],
            "events": [
                await get_event(node, e.id) for e in (await list_events(session, now())).items
            ],
            "login": await accounts.login(
                node,
                session,
                accounts.LoginForm(email="sanne@demo.mekaar.invalid", password="mekaar-demo-2025"),
            ),
        }

    seen = on_node(settings, look)
    assert seen["initiatives"] == {
        "Repair Café Wezep": "active",
        "Buurtmoestuin 't Loo": "looking_for_allies",
        "Straatfeest in de Brugse Poort": "looking_for_allies",
        "Doe-plek: 2.000 folders vouwen voor de bakker": "active",
        "Weggeefkast bij de bibliotheek": "done",
        "Oefenruimte voor het buurtkoor": "idea",
        "Computerhulp voor ouderen": "looking_for_allies",
    }
    assert (seen["discussions"], seen["people"], seen["organisations"]) == (5, 13, 5)
    assert seen["login"].display_name == "Sanne Kok" and "moderator" in seen["login"].roles
    # one open grant round with applications; the spring round replayed with a jury drawn by
    # lot, scores, a decision and a report
    (call,) = seen["grant_calls"]
    autumn, spring = call.rounds
    assert not autumn.closed and len(autumn.applications) == 2 and len(call.volunteers) == 6
    assert spring.closed and len(spring.jury) == 3 and spring.draw_checks
    (granted,) = spring.applications
    assert granted.decision is not None and granted.decision.granted
    assert granted.report is not None and granted.average is not None
    # a Doe-plek job done by a mixed group, with Doe-punten earned and one spent
    (job,) = seen["jobs"]
    done, upcoming = job.shifts
    (group,) = [signup for signup in done.signups if signup.group]
    assert group.guests == 3 and len(group.people) == 2 and len(upcoming.signups) == 1
    assert job.confirmed_minutes == 7 * 60
    assert seen["marieke"].balance == 60 and len(seen["marieke"].entries) == 2
    # two places with rooms and bookings in every state, and a give box without rooms
    places = {p.name: p for p in seen["places"]}
    brink, open_house = places["Dorpshuis De Brink"], places["Open Huis Brugse Poort"]
    assert places["Weggeefkast bij de bibliotheek"].rooms == []
    assert len(brink.rooms) == 2 and len(brink.hosts) == 2 and len(open_house.rooms) == 1
    states = sorted(b.state for p in (brink, open_house) for b in p.bookings)
    assert states == ["confirmed"] * 2 + ["declined"] + ["requested"] * 4
    clashing = brink.conflicted()
    assert len(clashing) == 2 and sum(b.first_in_line for b in clashing) == 1
    # the Repair Café's next afternoon in the large hall, with two registered (one guest)
    (event,) = seen["events"]
    assert event.organiser_name == "Repair Café Wezep" and event.place_id == brink.id
    assert event.where().startswith("Grote zaal, Dorpshuis De Brink")
    assert (event.registered, event.seats_taken, event.capacity) == (2, 3, 24)

    again = mekaar(*args, "demo", env=env)
    assert again.exit_code == 0
    assert "al inhoud" in again.output
    assert sorted(p.name for p in (data / "documents").iterdir()) == documents


def test_reindex_rebuilds_the_projection_from_the_documents(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert mekaar("--data", str(data), "demo").exit_code == 0
    settings = Settings(data_dir=str(data))

    async def forget_all(node: Node, session: Any) -> int:
        for doc_id in node.documents.store.ids():
            await remove(session, doc_id)
        return int((await list_initiatives(session)).total)

    assert on_node(settings, forget_all) == 0
    rebuilt = mekaar("--data", str(data), "reindex")
    assert rebuilt.exit_code == 0, rebuilt.output
    # 39 documents of demo content (a job, a poll, three places, an event, an alliance and the
    # node's ledger among them) and the node's catalog, which lists those 39; the ledger has no rows
    assert "39 documenten opnieuw geïndexeerd" in rebuilt.output

    async def count(node: Node, session: Any) -> tuple[int, list[tuple[str, int]]]:
        villages = await session.execute(select(VillageRow.name, VillageRow.documents))
        return int((await list_initiatives(session)).total), [tuple(v) for v in villages]

    assert on_node(settings, count) == (7, [("Oldebroek", 39)])


def test_serve_is_the_default_and_runs_the_installed_web_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn
    from litestar import Litestar

    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: ran.update(app=app, **options))
    data = tmp_path / "data"
    assert mekaar("--data", str(data), "init", "--name", "Wezep").exit_code == 0
    served = mekaar("--data", str(data), env={"MEKAAR_PORT": "8123"})
    assert served.exit_code == 0, served.output
    assert isinstance(ran["app"], Litestar)
    assert (ran["host"], ran["port"]) == ("127.0.0.1", 8123)
    flagged = mekaar("--data", str(data), "serve", "--host", "0.0.0.0", "--port", "9000")
    assert flagged.exit_code == 0
    assert (ran["host"], ran["port"]) == ("0.0.0.0", 9000)


def test_serve_without_a_node_says_how_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("nothing to serve"))
    refused = mekaar("--data", str(tmp_path / "empty"), "serve")
    assert refused.exit_code == 1
    assert "mekaar init" in refused.output and "mekaar demo" in refused.output


def test_a_bad_setting_is_a_usage_error(tmp_path: Path) -> None:
    refused = mekaar("--data", str(tmp_path), "init", "--name", "X", env={"MEKAAR_PORT": "abc"})
    assert refused.exit_code == 2
    assert "invalid setting" in refused.output


def test_person_erase_removes_the_account_and_the_profile(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert mekaar("--data", str(data), "init", "--name", "Wezep").exit_code == 0
    settings = Settings(data_dir=str(data))
    form = accounts.RegisterForm(
        email="bert@example.org", password="lang genoeg wachtwoord", display_name="Bert Qzwx"
    )
    acting = on_node(settings, lambda node, session: accounts.register(node, session, form))
    person_id = acting.person_id
    assert (data / "documents" / f"{person_id}.automerge").exists()
    refused = mekaar("--data", str(data), "person", "erase", "nobody@example.org", "--yes")
    assert refused.exit_code == 1
    assert "Niet gevonden" in refused.output
    erased = mekaar("--data", str(data), "person", "erase", "bert@example.org", "--yes")
    assert erased.exit_code == 0, erased.output
    assert "Gewist" in erased.output
    assert not (data / "documents" / f"{person_id}.automerge").exists()
    assert on_node(settings, lambda node, session: list_people(session)).items == []
    assert b"Qzwx" not in (data / "mekaar.db").read_bytes()
