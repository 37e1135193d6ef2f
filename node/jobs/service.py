"""Doe-plek jobs ("klussen"): a shop, an association or the municipality asks help with a simple
task; people sign up for a shift alone or as a mixed group; hours given are recorded by those who
helped and confirmed by the job's owners, which earns them Doe-punten in the community currency.

One Automerge change per action, checked against rules.py under the document's lock. Confirming
hours also writes an earn entry in this node's ledger, after the job's change (never while the
job's lock is held: the ledger's clerk reads jobs under the ledger's lock).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
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
    clean_place,
    clean_text,
    document_id,
    item_id,
    whole_number,
)
from ..ids import new_item_id
from ..ledger.minutes import parse_minutes
from ..ledger.service import add_earning
from ..organisations import on_behalf_of
from ..phrases import N_
from ..service import change_document, create_document, read_document
from . import rules
from .forms import HoursForm, JobForm, ShiftForm, SignupForm

if TYPE_CHECKING:
    from ..runtime import Node

MAX_SHIFTS = 50
MAX_GROUP = 20


def _clock(field: str, value: str) -> time:
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(field, N_("Geef een tijd, bijvoorbeeld 09:30.")) from None
    return parsed.replace(second=0, microsecond=0)


def _shift(node: Node, form: ShiftForm | JobForm) -> dict[str, Any]:
    day_text = clean_date("day", form.day)
    if day_text is None:
        raise Invalid("day", N_("Geef de dag van de klus."))
    day = date.fromisoformat(day_text)
    start = rules.moment(day, _clock("start", form.start))
    end = rules.moment(day, _clock("end", form.end))
    if end <= start:
        raise Invalid("end", N_("Het einde ligt na het begin."))
    if end - start > timedelta(minutes=rules.MAX_SHIFT_MINUTES):
        raise Invalid("end", N_("Een shift duurt hoogstens twaalf uur."))
    if end <= node.clock():
        raise Invalid("day", N_("Deze shift ligt al in het verleden."))
    hands = whole_number("hands", form.hands, label=N_("Aantal handen"), low=1, high=100)
    return {"start": start, "end": end, "hands": hands}


def _require_owner(content: dict[str, Any], person: str) -> None:
    if not rules.is_owner(content, person):
        raise PermissionDenied(N_("Alleen wie de klus vraagt kan dit doen."))


def _shift_of(content: dict[str, Any], shift_id: str) -> dict[str, Any]:
    shift = content.get("shifts", {}).get(shift_id)
    if not isinstance(shift, dict):
        raise NotFound(N_("shift"))
    return shift


async def post_job(node: Node, session: AsyncSession, acting: Acting | None, form: JobForm) -> str:
    """Ask help with a job, with its first shift; whoever asks manages it."""
    me = require_login(acting)
    organisation = await on_behalf_of(node, form.organisation, me.person_id)
    values: dict[str, Any] = {
        "title": clean_text(
            "title", form.title, label=N_("De titel"), max_len=SHORT_TEXT, required=True
        ),
        "about": clean_text(
            "about", form.about, label=N_("De beschrijving"), max_len=LONG_TEXT, multiline=True
        ),
        "address": clean_text("address", form.address, label=N_("Het adres"), max_len=SHORT_TEXT),
        "support": clean_text(
            "support",
            form.support,
            label=N_("De ondersteuning"),
            max_len=MEDIUM_TEXT,
            multiline=True,
        ),
        "size": choice("size", form.size, rules.SIZES, label=N_("De omvang")),
        "place": clean_place(form.village, form.neighbourhood),
    }
    first = _shift(node, form)
    initiative = None
    if form.initiative:
        initiative = document_id(form.initiative, N_("initiatief"))
        await read_document(node, initiative, "initiative")

    def fill(tx: Transaction, doc: Document) -> None:
        tx.put(ROOT, "title", values["title"])
        set_text(tx, doc, ROOT, "about", values["about"])
        if initiative:
            tx.put(ROOT, "initiative", initiative)
        if organisation:
            tx.put(ROOT, "organisation", organisation)
        owners = tx.put_object(ROOT, "owners", ObjType.MAP)
        put_map(tx, owners, me.person_id, {"since": node.clock()})
        put_map(tx, ROOT, "place", values["place"])
        tx.put(ROOT, "address", values["address"])
        tx.put(ROOT, "support", values["support"])
        tx.put(ROOT, "size", values["size"])
        tx.put(ROOT, "status", "open")
        shifts = tx.put_object(ROOT, "shifts", ObjType.MAP)
        put_map(tx, shifts, new_item_id(), first)
        tx.put_object(ROOT, "signups", ObjType.MAP)
        tx.put_object(ROOT, "hours", ObjType.MAP)

    return await create_document(node, session, "job", me.author, f"Klus {values['title']}", fill)


async def add_shift(
    node: Node, session: AsyncSession, acting: Acting | None, job_id: str, form: ShiftForm
) -> str:
    me = require_login(acting)
    values = _shift(node, form)
    shift_id = new_item_id()

    def check(content: dict[str, Any]) -> None:
        _require_owner(content, me.person_id)
        if len(content.get("shifts", {})) >= MAX_SHIFTS:
            raise Invalid("day", N_("Deze klus heeft al %(max)d shifts."), max=MAX_SHIFTS)

    await change_document(
        node, session, job_id, "job", me.author, "Shift toegevoegd",
        lambda tx, _doc: put_map(tx, tx.get(ROOT, "shifts"), shift_id, values), check=check,
    )  # fmt: skip
    return shift_id


async def sign_up(
    node: Node, session: AsyncSession, acting: Acting | None, job_id: str, form: SignupForm
) -> str:
    """Sign up for a shift, alone or with others (a mixed group): never beyond the hands the
    shift needs, never twice for one person, never for a shift that is over."""
    me = require_login(acting)
    shift_id = item_id(form.shift, N_("shift"))
    others = clean_list(
        "others", form.others, label=N_("Wie komt er mee"), max_items=MAX_GROUP, max_len=60
    )
    people = [me.person_id, *(document_id(p, N_("persoon")) for p in others if p != me.person_id)]
    for person in people[1:]:
        await read_document(node, person, "person")  # only people whose profile is known here
    guests = whole_number("guests", form.guests, label=N_("Mensen zonder account"), low=0, high=50)
    group = clean_text("group", form.group, label=N_("De naam van de groep"), max_len=100)
    signup_id = new_item_id()

    def check(content: dict[str, Any]) -> None:
        shift = _shift_of(content, shift_id)
        if content.get("status") != "open":
            raise Invalid("shift", N_("Deze klus neemt geen aanmeldingen meer aan."))
        if shift["end"] <= node.clock():
            raise Invalid("shift", N_("Deze shift is voorbij."))
        already = rules.signed_up(content, shift_id) & set(people)
        if already:
            raise Invalid("shift", N_("Iemand in deze groep staat al op deze shift."))
        free = shift["hands"] - rules.hands_taken(content, shift_id)
        if len(people) + guests > free:
            raise Invalid(
                "shift", N_("Deze shift heeft nog plaats voor %(free)d."), free=max(free, 0)
            )

    def edit(tx: Transaction, _doc: Document) -> None:
        signup = put_map(
            tx,
            tx.get(ROOT, "signups"),
            signup_id,
            {
                "shift": shift_id,
                "guests": guests,
                "by": me.person_id,
                "at": node.clock(),
                **({"group": group} if group else {}),
            },
        )
        listed = tx.put_object(signup, "people", ObjType.LIST)
        for index, person in enumerate(people):
            tx.insert(listed, index, person)

    await change_document(
        node, session, job_id, "job", me.author, "Aangemeld voor een shift", edit, check=check
    )
    return signup_id


async def withdraw_signup(
    node: Node, session: AsyncSession, acting: Acting | None, job_id: str, signup_id: str
) -> None:
    me = require_login(acting)
    signup_id = item_id(signup_id, N_("aanmelding"))

    def check(content: dict[str, Any]) -> None:
        signup = content.get("signups", {}).get(signup_id)
        if not isinstance(signup, dict):
            raise NotFound(N_("aanmelding"))
        if signup.get("by") != me.person_id:
            raise PermissionDenied(N_("Alleen wie zich aanmeldde kan zich afmelden."))

    def edit(tx: Transaction, _doc: Document) -> None:
        tx.put(tx.get(tx.get(ROOT, "signups"), signup_id), "withdrawn_at", node.clock())

    await change_document(
        node, session, job_id, "job", me.author, "Afgemeld voor een shift", edit, check=check
    )


async def record_hours(
    node: Node, session: AsyncSession, acting: Acting | None, job_id: str, form: HoursForm
) -> str:
    """Hours given, once the shift has started: by someone who signed up for it, for themselves
    or for the people they signed up with; never more than the shift lasted."""
    me = require_login(acting)
    shift_id = item_id(form.shift, N_("shift"))
    person = document_id(form.person, N_("persoon")) if form.person else me.person_id
    minutes = parse_minutes("hours", form.hours, most=rules.MAX_SHIFT_MINUTES)
    hours_id = new_item_id()

    def check(content: dict[str, Any]) -> None:
        shift = _shift_of(content, shift_id)
        if shift["start"] > node.clock():
            raise Invalid("hours", N_("Uren worden pas geschreven als de shift begonnen is."))
        if person not in rules.signed_up_by(content, shift_id, me.person_id):
            raise PermissionDenied(N_("Schrijf uren voor uzelf of voor wie u aanmeldde."))
        length = int((shift["end"] - shift["start"]).total_seconds() // 60)
        if minutes > length:
            raise Invalid(
                "hours", N_("De shift duurde maar %(hours)s uur."), hours=f"{length / 60:g}"
            )
        for entry in content.get("hours", {}).values():
            if entry.get("shift") == shift_id and entry.get("person") == person:
                raise Invalid(
                    "hours", N_("Voor deze shift zijn de uren van deze persoon al geschreven.")
                )

    def edit(tx: Transaction, _doc: Document) -> None:
        values = {
            "shift": shift_id,
            "person": person,
            "minutes": minutes,
            "by": me.person_id,
            "at": node.clock(),
        }
        put_map(tx, tx.get(ROOT, "hours"), hours_id, values)

    await change_document(
        node, session, job_id, "job", me.author, "Uren geschreven", edit, check=check
    )
    return hours_id


async def confirm_hours(
    node: Node, session: AsyncSession, acting: Acting | None, job_id: str, hours_id: str
) -> None:
    """An owner confirms hours given; the helper earns that many minutes of Doe-punten, in this
    node's ledger."""
    me = require_login(acting)
    hours_id = item_id(hours_id, N_("uren"))
    confirmed: dict[str, Any] = {}

    def check(content: dict[str, Any]) -> None:
        _require_owner(content, me.person_id)
        entry = content.get("hours", {}).get(hours_id)
        if not isinstance(entry, dict):
            raise NotFound(N_("uren"))
        if "confirmed_by" in entry:
            raise Invalid("hours", N_("Deze uren zijn al bevestigd."))
        confirmed.update(person=entry["person"], minutes=int(entry["minutes"]))

    def edit(tx: Transaction, _doc: Document) -> None:
        entry = tx.get(tx.get(ROOT, "hours"), hours_id)
        tx.put(entry, "confirmed_by", me.person_id)
        tx.put(entry, "confirmed_at", node.clock())

    await change_document(
        node, session, job_id, "job", me.author, "Uren bevestigd", edit, check=check
    )
    job = document_id(job_id, N_("klus"))
    await asyncio.to_thread(
        add_earning, node, me.author, job, hours_id, confirmed["person"], confirmed["minutes"]
    )


async def set_status(
    node: Node, session: AsyncSession, acting: Acting | None, job_id: str, status: str
) -> None:
    me = require_login(acting)
    status = choice("status", status, rules.STATUSES, label=N_("De status"))
    await change_document(
        node, session, job_id, "job", me.author, f"Klus {status}",
        lambda tx, _doc: tx.put(ROOT, "status", status),
        check=lambda content: _require_owner(content, me.person_id),
    )  # fmt: skip


def when(start: datetime) -> str:
    """A shift's start as people read it (for messages): local date and time."""
    return start.astimezone(rules.LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
