"""Demo residents (with accounts whose password is printed) and the organisations they run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession

from .. import accounts
from ..acting import Acting
from ..organisations import MemberForm, OrganisationForm, add_member, create_organisation
from ..people import ProfileForm, edit_profile
from ..runtime import Node

DEMO_PASSWORD = "mekaar-demo-2025"
"""Every demo account's password: demo content is for trying things out, never for a real node."""
EMAIL_DOMAIN = "demo.mekaar.invalid"


class Resident(NamedTuple):
    key: str
    name: str
    village: str
    neighbourhood: str
    role: str
    """node role: resident, moderator or host"""
    skills: str
    offers: str
    about: str


IN_ALLIANCE = {"anna", "henk"}
"""Demo residents who chose to show their skills in the alliance's skills directory."""

PEOPLE = [
    Resident("anna", "Anna de Vries", "Oldebroek", "Centrum", "host",
             "koken, organiseren, buurtmaaltijd",
             "Ik kook graag voor een buurtmaaltijd\nIk help een avond organiseren",
             "Woon al dertig jaar in het dorp en ken veel mensen."),
    Resident("henk", "Henk Bosman", "Wezep", "", "resident",
             "fietsen repareren, elektra, solderen",
             "Ik repareer fietsen en lampen op zaterdag", "Gepensioneerd elektricien."),
    Resident("fatima", "Fatima El Amrani", "Gent", "Brugse Poort", "resident",
             "vertalen, subsidies aanvragen, Arabisch",
             "Ik help met aanvraagformulieren\nIk vertaal Arabisch en Frans",
             "Mama van drie, actief in de buurt."),
    Resident("jan", "Jan Mulder", "Hattem", "", "resident", "timmeren, tuinieren",
             "Ik heb een aanhanger\nIk timmer plantenbakken", "Hobbytimmerman."),
    Resident("els", "Els Van den Broeck", "Gent", "Brugse Poort", "resident", "naaien, textiel",
             "Ik naai vlaggenlijnen van restjes stof", ""),
    Resident("gerrit", "Gerrit van 't Hul", "Oldebroek", "'t Loo", "resident",
             "moestuin, imkeren, snoeien", "Ik deel zaden en stekjes",
             "Al veertig jaar een moestuin achter het huis."),
    Resident("sanne", "Sanne Kok", "Wezep", "", "moderator",
             "fotografie, sociale media, flyers ontwerpen",
             "Ik maak foto's en flyers voor buurtinitiatieven", ""),
    Resident("pieter", "Pieter Jansen", "Oldebroek", "", "resident",
             "boekhouding, penningmeester", "Ik doe de kas voor een vereniging",
             "Opbouwwerker bij Welzijnswerk Oldebroek."),
    Resident("mohamed", "Mohamed Yilmaz", "Hattem", "", "resident",
             "computers, telefoons, ICT-hulp", "Ik help ouderen met hun telefoon of laptop", ""),
    Resident("marieke", "Marieke Visser", "Oldebroek", "Oosterwolde", "resident",
             "muziek, piano, kinderactiviteiten", "Ik begeleid het buurtkoor op piano", ""),
    Resident("bram", "Bram de Jong", "Oldebroek", "", "resident", "wijkzaken, vergunningen",
             "Ik zoek uit wat de gemeente kan bijdragen", "Wijkregisseur bij de gemeente."),
    Resident("lotte", "Lotte Smit", "Oldebroek", "", "resident",
             "radio, interviewen, verslaggeving",
             "Ik maak een radio-item over jullie initiatief",
             "Vrijwilliger bij de lokale omroep."),
    Resident("wim", "Wim van Dijk", "Wezep", "", "resident", "bakken, ondernemen",
             "Gebak voor vrijwilligers", "Bakker aan de Stationsweg."),
]  # fmt: skip

ORGANISATIONS = [
    # key, admin, members, form
    (
        "gemeente", "bram", [],
        OrganisationForm(
            name="Gemeente Oldebroek", kind="municipality", village="Oldebroek",
            about="De gemeente doet mee als partner: wij volgen de agenda van inwoners.",
            website="https://www.oldebroek.nl",
        ),
    ),
    (
        "omroep", "lotte", ["sanne"],
        OrganisationForm(
            name="Lokale Omroep Oldebroek", kind="broadcaster", village="Oldebroek",
            about="Radio en tv van en voor het dorp. Wij brengen initiatieven in beeld.",
        ),
    ),
    (
        "welzijn", "pieter", ["marieke"],
        OrganisationForm(
            name="Welzijnswerk Oldebroek", kind="social_organisation", village="Oldebroek",
            about="Opbouwwerk en vrijwilligerswerk. We helpen initiatieven op weg.",
        ),
    ),
    (
        "bakkerij", "wim", [],
        OrganisationForm(
            name="Bakkerij Van Dijk", kind="shop", village="Wezep",
            about="Warme bakker aan de Stationsweg sinds 1962.",
        ),
    ),
    (
        "buurtwerk", "fatima", ["els"],
        OrganisationForm(
            name="Buurtwerk Brugse Poort", kind="association", village="Gent",
            neighbourhood="Brugse Poort", about="Bewoners die samen de buurt levendig houden.",
        ),
    ),
]  # fmt: skip


@dataclass(frozen=True)
class DemoAccount:
    name: str
    email: str
    password: str
    role: str


async def add_people(
    node: Node, session: AsyncSession
) -> tuple[dict[str, Acting], list[DemoAccount]]:
    """Register every demo resident (the first becomes the node's host) and fill in their
    profile, as a new resident would."""
    people: dict[str, Acting] = {}
    logins: list[DemoAccount] = []
    for person in PEOPLE:
        email = f"{person.key}@{EMAIL_DOMAIN}"
        form = accounts.RegisterForm(
            email=email, password=DEMO_PASSWORD, display_name=person.name, village=person.village
        )
        acting = await accounts.register(node, session, form)
        if person.role not in acting.roles:
            host = people["anna"]
            roles = await accounts.set_roles(session, host, acting.person_id, {person.role})
            acting = Acting(acting.person_id, acting.actor, acting.display_name, roles)
        profile = ProfileForm(
            display_name=person.name,
            village=person.village,
            neighbourhood=person.neighbourhood,
            skills=person.skills,
            offers=person.offers,
            about=person.about,
            in_alliance_directory=person.key in IN_ALLIANCE,
        )
        await edit_profile(node, session, acting, acting.person_id, profile)
        people[person.key] = acting
        logins.append(DemoAccount(person.name, email, DEMO_PASSWORD, person.role))
    return people, logins


async def add_organisations(
    node: Node, session: AsyncSession, people: dict[str, Acting]
) -> dict[str, str]:
    made: dict[str, str] = {}
    for key, admin, members, form in ORGANISATIONS:
        made[key] = await create_organisation(node, session, people[admin], form)
        for member in members:
            member_form = MemberForm(person_id=people[member].person_id)
            await add_member(node, session, people[admin], made[key], member_form)
    return made
