"""A poll as the pages show it: the options with their tally, the votes with their reasons (names
shown, as in a meeting), and the outcome; hidden until the close when the poll says so, except a
person's own vote. Votes that do not fit the poll's kind (written past the rules elsewhere) are
kept and not counted."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from ..fields import encode_version
from ..people.views import display_names
from ..service import read_field, read_with_heads
from . import rules

if TYPE_CHECKING:
    from ..runtime import Node


class OptionView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    label: str
    fixed: bool
    """A proposal's or sense check's own option (its label is translated)."""
    starts_at: datetime | None
    voters: int | None
    points: int | None
    """None while the results are hidden."""


class VoteView(msgspec.Struct, frozen=True, kw_only=True):
    person_id: str
    display_name: str
    choices: dict[str, int]
    reason: str
    at: datetime
    counts: bool


class PollView(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    title: str
    details: str
    kind: str
    about: str | None
    about_title: str | None
    about_type: str | None
    options: list[OptionView]
    dots: int
    max_score: int
    closes_at: datetime
    closed_at: datetime | None
    open: bool
    hide_results: bool
    results_visible: bool
    voter_count: int
    votes: list[VoteView]
    """Empty while the results are hidden."""
    my_vote: VoteView | None
    outcome: str | None
    outcome_by: str | None
    owners: list[str]
    origin_node: str
    created_at: datetime
    version: str

    def is_owner(self, person_id: str | None) -> bool:
        return person_id in self.owners


def build_poll(
    node: Node, content: dict[str, Any], heads: list[bytes], at: datetime, viewer: str | None
) -> PollView:
    """Synchronous: call it from a worker thread."""
    votes = {p: v for p, v in content.get("votes", {}).items() if isinstance(v, dict)}
    outcome = content.get("outcome") if isinstance(content.get("outcome"), dict) else None
    names = display_names(node, {*votes, *([outcome["by"]] if outcome else [])})
    open_now = rules.is_open(content, at)
    visible = not (content.get("hide_results") and open_now)
    totals = rules.tally(content)
    fixed = {option for option, _label in rules.FIXED_OPTIONS.get(content["kind"], [])}
    options = sorted(
        (
            OptionView(
                id=option_id,
                label=str(option.get("label", "")),
                fixed=option_id in fixed,
                starts_at=option.get("starts_at"),
                voters=totals.get(option_id, (0, 0))[0] if visible else None,
                points=totals.get(option_id, (0, 0))[1] if visible else None,
            )
            for option_id, option in content.get("options", {}).items()
            if isinstance(option, dict)
        ),
        key=lambda o: (
            (o.starts_at or datetime.min.replace(tzinfo=at.tzinfo), o.id)
            if content["kind"] == "time_poll"
            else (int(content["options"][o.id].get("order", 0)), o.id)
        ),
    )

    def vote_view(person: str, vote: dict[str, Any]) -> VoteView:
        choices = {k: int(v) for k, v in vote.get("choices", {}).items()}
        return VoteView(
            person_id=person,
            display_name=names.get(person, "?"),
            choices=choices,
            reason=str(vote.get("reason", "")),
            at=vote["at"],
            counts=rules.valid_choices(content, choices),
        )

    all_votes = sorted(
        (vote_view(p, v) for p, v in votes.items()), key=lambda v: (v.at, v.person_id)
    )
    about = content.get("about")
    about_type = about_title = None
    if isinstance(about, str):
        for doc_type in ("discussion", "initiative"):
            about_title = read_field(node, [about], doc_type, "title").get(about)
            if about_title is not None:
                about_type = doc_type
                break
    return PollView(
        id=content["id"],
        title=str(content["title"]),
        details=str(content.get("details", "")),
        kind=str(content["kind"]),
        about=about if isinstance(about, str) else None,
        about_title=about_title,
        about_type=about_type,
        options=options,
        dots=int(content.get("dots", 0)),
        max_score=int(content.get("max_score", 0)),
        closes_at=content["closes_at"],
        closed_at=rules.closed_at(content) if not open_now else None,
        open=open_now,
        hide_results=bool(content.get("hide_results")),
        results_visible=visible,
        voter_count=sum(1 for v in all_votes if v.counts),
        votes=all_votes if visible else [],
        my_vote=next((v for v in all_votes if v.person_id == viewer), None),
        outcome=str(outcome["statement"]) if outcome else None,
        outcome_by=names.get(outcome["by"]) if outcome else None,
        owners=sorted(content.get("owners", {})),
        origin_node=content["origin_node"],
        created_at=content["created_at"],
        version=encode_version(heads),
    )


async def get_poll(node: Node, poll_id: str, viewer: str | None = None) -> PollView:
    content, heads = await read_with_heads(node, poll_id, "poll")
    return await asyncio.to_thread(build_poll, node, content, heads, node.clock(), viewer)
