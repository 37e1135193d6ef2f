"""The kinds of news, one entry each: what the settings page calls it, the sentence a notice
shows, and where it links to. Adding a kind (events, say) is one entry here plus the rule that
finds it (node/notifications/news.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..phrases import N_


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    label: str
    """Dutch msgid for the settings page: what turning it off silences."""
    sentence: str
    """Dutch msgid with %(who)s: what happened, shown above the summary."""
    link: Callable[[str, str], str]
    """The path of the thing, from (doc_id, item_id)."""


def _comment(doc_id: str, item_id: str) -> str:
    return f"/gesprekken/{doc_id}#reactie-{item_id}"


def _initiative(anchor: str) -> Callable[[str, str], str]:
    return lambda doc_id, _item: f"/initiatieven/{doc_id}#{anchor}"


def _poll(doc_id: str, _item: str) -> str:
    return f"/peilingen/{doc_id}"


def _event(doc_id: str, _item: str) -> str:
    return f"/activiteiten/{doc_id}"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("reply", N_("Antwoorden op mijn reacties"), N_("%(who)s antwoordde u"), _comment),
        Kind(
            "comment",
            N_("Nieuwe reacties in wat ik volg"),
            N_("%(who)s reageerde"),
            _comment,
        ),
        Kind(
            "ally",
            N_("Nieuwe medestanders van mijn initiatief"),
            N_("%(who)s doet mee"),
            _initiative("medestanders"),
        ),
        Kind(
            "task_given",
            N_("Een taak die aan mij gegeven is"),
            N_("%(who)s gaf u een taak"),
            _initiative("plan"),
        ),
        Kind(
            "task_taken",
            N_("Een taak die niet meer bij mij ligt"),
            N_("%(who)s nam uw taak over"),
            _initiative("plan"),
        ),
        Kind(
            "poll_opened",
            N_("Een nieuwe peiling in wat ik volg"),
            N_("%(who)s begon een peiling"),
            _poll,
        ),
        Kind(
            "poll_closed",
            N_("Een besluit in wat ik volg"),
            N_("%(who)s sloot een peiling"),
            _poll,
        ),
        Kind(
            "event_planned",
            N_("Nieuwe activiteiten van wat ik volg"),
            N_("%(who)s plant een activiteit"),
            _event,
        ),
        Kind(
            "event_cancelled",
            N_("Een activiteit waarvoor ik me aanmeldde gaat niet door"),
            N_("%(who)s gelastte een activiteit af"),
            _event,
        ),
    )
}

DIGESTS = ("off", "daily", "weekly")
DEFAULT_DIGEST = "weekly"
"""Weekly: calm by default (the complaint about Decidim and Loomio is too much mail); the page
shows news at once, and whoever wants more picks daily."""
