"""Dutch words for the web benchmark's dataset (benchmarks/web.py): names, places, initiative
themes and comment sentences, combined at random so that titles, list pages and search results
look like a village's. Plain data; nothing here touches a node."""

from __future__ import annotations

import random
from dataclasses import dataclass

FIRST_NAMES = (
    "Anna", "Henk", "Fatima", "Jan", "Els", "Gerrit", "Sanne", "Pieter", "Mohamed", "Marieke",
    "Bram", "Lotte", "Wim", "Joke", "Kees", "Ayşe", "Ruud", "Ingrid", "Tom", "Noor", "Sem",
    "Femke", "Daan", "Yara", "Luuk", "Iris", "Thijs", "Emma", "Karim", "Hanneke",
)  # fmt: skip
LAST_NAMES = (
    "de Vries", "Bosman", "El Amrani", "Mulder", "Van den Broeck", "van 't Hul", "Kok",
    "Jansen", "Yilmaz", "Visser", "de Jong", "Smit", "van Dijk", "Bakker", "Meijer", "de Boer",
    "Peters", "Hendriks", "Dekker", "Brouwer", "van Leeuwen", "Willems", "Maes", "Claes",
)  # fmt: skip
VILLAGES = {
    "Oldebroek": ("Centrum", "'t Loo", "Oosterwolde", "Noordeinde", "Hattemerbroek"),
    "Wezep": ("Centrum", "Mulderij", "Zuiderzee", "Veldwijk"),
    "Hattem": ("Binnenstad", "Molenbrink", "Geldersche Hoofd"),
}
THEMES = (
    ("Moestuin", "groen"), ("Repair café", "repareren"), ("Buurtbibliotheek", "lezen"),
    ("Speeltuin opknappen", "kinderen"), ("Buurtmaaltijd", "samen eten"),
    ("Zwerfafval opruimen", "schoon"), ("Jeu de boules-baan", "sport"),
    ("Bankjes bij de vijver", "groen"), ("Taalcafé", "taal"), ("Fietsenwerkplaats", "repareren"),
    ("Koffieochtend", "ontmoeten"), ("Buurtfeest", "feest"), ("Bloembakken", "groen"),
    ("Insectenhotel", "natuur"), ("Voedselbank", "zorg"), ("Deelauto", "vervoer"),
    ("Zonnepanelen op het dorpshuis", "energie"), ("Wandelgroep", "sport"),
    ("Huiswerkklas", "kinderen"), ("Kinderboerderij", "natuur"), ("Buurtkoor", "muziek"),
    ("Klusdienst", "klussen"), ("Ouderenbezoek", "zorg"), ("Geveltuintjes", "groen"),
    ("AED-netwerk", "veiligheid"), ("Speelstraat", "kinderen"), ("Kledingruil", "duurzaam"),
    ("Zadenbank", "groen"), ("Dorpskrant", "nieuws"), ("Weggeefkast", "duurzaam"),
)  # fmt: skip
QUALIFIERS = (
    "voor iedereen", "in de wijk", "bij de school", "achter de kerk", "aan de dijk",
    "op zaterdag", "voor ouderen", "met de buren", "bij het dorpshuis", "in het park",
)  # fmt: skip
SENTENCES = (
    "We willen dit samen met de buren aanpakken.",
    "De gemeente denkt mee en misschien is er een bijdrage uit Wijk aan Zet.",
    "Er is een ruimte nodig waar we elke week terecht kunnen.",
    "Wie heeft er gereedschap of een aanhanger om te lenen?",
    "Het begon met een gesprek bij de bakker over wat er mist in het dorp.",
    "Kinderen uit de buurt helpen ook mee, dat maakt het leuk.",
    "We zoeken nog iemand die goed is met subsidies aanvragen.",
    "Na de zomer willen we de eerste keer open.",
    "Iedereen is welkom, ook als je maar een uurtje kunt.",
    "De moestuin achter het dorpshuis ligt er al jaren ongebruikt bij.",
    "Met een paar vrijwilligers is dit in een middag geregeld.",
    "Ouderen in de wijk zitten vaak alleen thuis, daar willen we iets aan doen.",
)  # fmt: skip
COMMENTS = (
    "Goed idee, ik help mee!", "Ik kan zaterdag een paar uur.", "Mooi initiatief.",
    "Hebben jullie al met de gemeente gesproken?", "Ik heb nog planten over.",
    "Waar kunnen we afspreken?", "Ik neem koffie en koek mee.", "Wat is de planning?",
    "Mijn buurman heeft een aanhanger, ik vraag het hem.", "Dit mist al lang in het dorp.",
    "Ik ken iemand van het dorpshuis, ik vraag of de zaal vrij is.",
    "Kunnen kinderen ook meedoen?", "Ik doneer graag wat voor de materialen.",
    "Vorig jaar deden we iets vergelijkbaars in Wezep, dat liep goed.",
    "Zet het ook in de dorpskrant!", "Ik ben timmerman, bel me maar.",
    "Wanneer is de volgende bijeenkomst?", "Top, tot dan!",
)  # fmt: skip
OFFERS = (
    "Ik kan timmeren", "Ik heb een aanhanger", "Ik bak taart voor de vrijwilligers",
    "Ik help met de subsidieaanvraag", "Ik maak foto's en een flyer", "Ik kan een uurtje per week",
)  # fmt: skip
NEEDS = (
    ("hands", "Handen voor de opbouwdag", ""), ("skills", "Iemand die kan timmeren", "timmeren"),
    ("materials", "Planken en schroeven", ""), ("room", "Een zaal voor de bijeenkomst", ""),
    ("money", "Geld voor materialen", ""), ("skills", "Hulp bij de aanvraag", "subsidies"),
)  # fmt: skip
TASKS = (
    "Zaal reserveren", "Flyers maken", "Gemeente bellen", "Materialen kopen", "Opbouwen",
    "Koffie regelen", "Vrijwilligers rooster maken", "Bericht in de dorpskrant",
)  # fmt: skip
SEARCH_WORD = "buurtkoor"
"""The search page's query: one theme's word, so a few percent of the initiatives match (a word from
SENTENCES, such as "moestuin", matches most of them)."""


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def place(rng: random.Random) -> dict[str, str]:
    village = rng.choice(list(VILLAGES))
    neighbourhood = rng.choice(("", *VILLAGES[village]))
    return {"village": village, "neighbourhood": neighbourhood}


@dataclass(frozen=True)
class InitiativeTexts:
    title: str
    summary: str
    description: str
    tags: list[str]
    place: dict[str, str]


def initiative_texts(rng: random.Random) -> InitiativeTexts:
    (theme, tag), qualifier = rng.choice(THEMES), rng.choice(QUALIFIERS)
    extra_tag = rng.choice(THEMES)[1]
    return InitiativeTexts(
        title=f"{theme} {qualifier}",
        summary=" ".join(rng.sample(SENTENCES, 2)),
        description="\n\n".join(" ".join(rng.sample(SENTENCES, 4)) for _ in range(3)),
        tags=sorted({tag, extra_tag}),
        place=place(rng),
    )


def comment_text(rng: random.Random) -> str:
    count = rng.choice((1, 1, 1, 2, 3))
    return " ".join(rng.choice(COMMENTS) for _ in range(count))
