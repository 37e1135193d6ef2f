"""Polls (Loomio-style decisions) on a discussion or an initiative: a proposal (agree, abstain,
disagree, block with a reason), a sense check, a simple poll, a time poll for a meeting, a dot
vote or a score. One person one vote; results hidden until the close when the poll says so; the
starter closes with an outcome statement. One Automerge change per action (docs/dialogue.md).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from sync.automerge import ROOT, Document, ObjType
from sync.automerge.transaction import Transaction

from ..acting import Acting, require_login
from ..edits import put_map, set_text
from ..errors import Invalid, NotFound, PermissionDenied
from ..fields import (
    LONG_TEXT,
    MEDIUM_TEXT,
    SHORT_TEXT,
    choice,
    clean_date,
    clean_list,
    clean_text,
    document_id,
    whole_number,
)
from ..ids import new_item_id
from ..jobs.rules import LOCAL_TIME
from ..phrases import N_
from ..service import change_document, create_document, read_document
from . import rules
from .forms import OutcomeForm, PollForm, VoteForm

if TYPE_CHECKING:
    from ..runtime import Node

MAX_OPTIONS = 20


def _moment(field: str, day_text: str | None, clock: str) -> datetime:
    day = clean_date(field, day_text)
    if day is None:
        raise Invalid(field, N_("Geef een dag."))
    try:
        at = time.fromisoformat(clock.strip())
    except ValueError:
        raise Invalid(field, N_("Geef een tijd, bijvoorbeeld 09:30.")) from None
    return datetime.combine(date.fromisoformat(day), at, LOCAL_TIME)


def _options(form: PollForm, kind: str) -> list[dict[str, Any]]:
    if kind in rules.FIXED_OPTIONS:
        return [
            {"id": option_id, "label": label, "order": order}
            for order, (option_id, label) in enumerate(rules.FIXED_OPTIONS[kind])
        ]
    labels = clean_list(
        "options", form.options, label=N_("De keuzes"), max_items=MAX_OPTIONS, max_len=SHORT_TEXT,
        separators="\n",
    )  # fmt: skip
    if len(labels) < 2:
        raise Invalid("options", N_("Geef minstens twee keuzes, elk op een eigen regel."))
    made = []
    for order, label in enumerate(labels):
        option: dict[str, Any] = {"id": new_item_id(), "label": label, "order": order}
        if kind == "time_poll":
            day, _, clock = label.partition(" ")
            option["starts_at"] = _moment("options", day, clock or "00:00")
        made.append(option)
    return made


async def start_poll(
    node: Node, session: AsyncSession, acting: Acting | None, form: PollForm
) -> str:
    """Start a decision (on a discussion or initiative held here, when `about` names one)."""
    me = require_login(acting)
    kind = choice("kind", form.kind, rules.KINDS, label=N_("Soort peiling"))
    about = None
    if form.about:
        about = document_id(form.about, N_("gesprek of initiatief"))
        content = node.documents.read(about)
        if content.get("type") not in ("discussion", "initiative"):
            raise NotFound(N_("gesprek of initiatief"))
    title = clean_text("title", form.title, label=N_("De vraag"), max_len=SHORT_TEXT, required=True)
    details = clean_text(
        "details", form.details, label=N_("De toelichting"), max_len=LONG_TEXT, multiline=True
    )
    options = _options(form, kind)
    closes_at = _moment("close_day", form.close_day, form.close_time)
    if closes_at <= node.clock():
        raise Invalid("close_day", N_("De peiling sluit in de toekomst."))
    dots = whole_number("dots", form.dots, label=N_("Aantal stippen"), low=1, high=100)
    max_score = whole_number("max_score", form.max_score, label=N_("Hoogste score"), low=1, high=10)
    hide = form.hide_results in (True, "on", "true", "1")

    def fill(tx: Transaction, doc: Document) -> None:
        tx.put(ROOT, "title", title)
        set_text(tx, doc, ROOT, "details", details)
        if about:
            tx.put(ROOT, "about", about)
        tx.put(ROOT, "kind", kind)
        made = tx.put_object(ROOT, "options", ObjType.MAP)
        for option in options:
            put_map(tx, made, option["id"], {k: v for k, v in option.items() if k != "id"})
        if kind == "dot_vote":
            tx.put(ROOT, "dots", dots)
        if kind == "score":
            tx.put(ROOT, "max_score", max_score)
        tx.put(ROOT, "closes_at", closes_at)
        tx.put(ROOT, "hide_results", hide)
        owners = tx.put_object(ROOT, "owners", ObjType.MAP)
        put_map(tx, owners, me.person_id, {"since": node.clock()})
        tx.put_object(ROOT, "votes", ObjType.MAP)

    return await create_document(node, session, "poll", me.author, f"Peiling {title}", fill)


def _listed(value: list[str] | str) -> list[str]:
    return [value] if isinstance(value, str) and value else list(value) if value else []


def _choices(content: dict[str, Any], form: VoteForm) -> dict[str, int]:
    kind = content["kind"]
    options = content.get("options", {})
    if kind in ("dot_vote", "score"):
        names, values = _listed(form.option), _listed(form.value)
        if len(names) != len(values):
            raise Invalid("value", N_("Geef bij elke keuze een getal."))
        choices: dict[str, int] = {}
        for name, raw in zip(names, values, strict=True):
            if name not in options:
                raise NotFound(N_("keuze"))
            if str(raw).strip() in ("", "0"):
                continue
            choices[name] = whole_number("value", raw, label=N_("Het getal"), low=0, high=100)
        if kind == "dot_vote" and not 1 <= sum(choices.values()) <= int(content["dots"]):
            raise Invalid("value", N_("Verdeel 1 tot %(dots)d stippen."), dots=int(content["dots"]))
        if kind == "score" and any(v > int(content["max_score"]) for v in choices.values()):
            raise Invalid(
                "value", N_("Een score is hoogstens %(max)d."), max=int(content["max_score"])
            )
        if not choices:
            raise Invalid("value", N_("Kies eerst."))
        return choices
    chosen = _listed(form.choice)
    if not chosen:
        raise Invalid("choice", N_("Kies eerst."))
    if any(c not in options for c in chosen):
        raise NotFound(N_("keuze"))
    if kind in rules.SINGLE and len(chosen) != 1:
        raise Invalid("choice", N_("Kies één mogelijkheid."))
    return {c: 1 for c in chosen}


async def vote(
    node: Node, session: AsyncSession, acting: Acting | None, poll_id: str, form: VoteForm
) -> None:
    """Vote, or change one's vote, while the poll is open: one vote per person."""
    me = require_login(acting)
    reason = clean_text(
        "reason", form.reason, label=N_("De reden"), max_len=MEDIUM_TEXT, multiline=True
    )
    made: dict[str, int] = {}

    def check(content: dict[str, Any]) -> None:
        if not rules.is_open(content, node.clock()):
            raise Invalid("choice", N_("Deze peiling is gesloten."))
        made.update(_choices(content, form))
        if rules.BLOCK in made and content["kind"] == "proposal" and not reason:
            raise Invalid("reason", N_("Wie blokkeert, zegt waarom."))
        mine = content.get("votes", {}).get(me.person_id)
        if (
            isinstance(mine, dict)
            and mine.get("choices") == made
            and mine.get("reason", "") == reason
        ):
            same.append(True)

    same: list[bool] = []

    def edit(tx: Transaction, _doc: Document) -> None:
        if same:  # the same vote again (a replay from a phone's outbox, a double tap): no change
            return
        votes = tx.get(ROOT, "votes")
        entry = put_map(
            tx, votes, me.person_id, {"at": node.clock(), **({"reason": reason} if reason else {})}
        )
        choices = tx.put_object(entry, "choices", ObjType.MAP)
        for option, value in made.items():
            tx.put(choices, option, value)

    await change_document(node, session, poll_id, "poll", me.author, "Gestemd", edit, check=check)


def _require_owner(content: dict[str, Any], person: str) -> None:
    if person not in content.get("owners", {}):
        raise PermissionDenied(N_("Alleen wie de peiling begon kan dit doen."))


async def close_poll(
    node: Node, session: AsyncSession, acting: Acting | None, poll_id: str, form: OutcomeForm
) -> None:
    """Close (early, or after its closing time) with an outcome statement: what was decided."""
    me = require_login(acting)
    statement = clean_text(
        "statement", form.statement, label=N_("De uitkomst"), max_len=LONG_TEXT, required=True,
        multiline=True,
    )  # fmt: skip

    still_open: list[bool] = []

    def check(content: dict[str, Any]) -> None:
        _require_owner(content, me.person_id)
        if "outcome" in content:
            raise Invalid("statement", N_("Deze peiling heeft al een uitkomst."))
        still_open.append(rules.is_open(content, node.clock()))

    def edit(tx: Transaction, doc: Document) -> None:
        if still_open and still_open[0]:
            tx.put(ROOT, "closed_at", node.clock())
        outcome = put_map(tx, ROOT, "outcome", {"at": node.clock(), "by": me.person_id})
        set_text(tx, doc, outcome, "statement", statement)

    await change_document(
        node, session, poll_id, "poll", me.author, "Peiling gesloten", edit, check=check
    )


async def read_poll(node: Node, poll_id: str) -> dict[str, Any]:
    return await read_document(node, poll_id, "poll")
