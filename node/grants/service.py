"""Micro-grant calls ("Wijk aan Zet"): anyone opens a call as an ordinary participant;
initiatives apply in a round; a jury drawn by lot from volunteers scores, offline too; the
call's owners decide with reasons; granted initiatives report how they spent the money.

Every action is one Automerge change to the call's document, checked here against the rules in
`rules.py` under the document's lock (docs/practices.md §1). The same rules are applied again
where the document is read (views.py), for what other nodes wrote while apart.
"""

from __future__ import annotations

from datetime import datetime
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
    clean_date,
    clean_list,
    clean_text,
    document_id,
    item_id,
    parse_euros,
    whole_number,
)
from ..ids import new_item_id
from ..organisations import on_behalf_of
from ..phrases import N_, Phrase
from ..service import change_document, create_document, read_document
from . import lot, rules
from .forms import (
    ApplicationForm,
    CallForm,
    ConflictForm,
    DecisionForm,
    DrawForm,
    ReportForm,
    RoundForm,
    ScoreForm,
    VolunteerForm,
)

if TYPE_CHECKING:
    from ..runtime import Node

MAX_BUDGET_LINES = 20
MAX_ROUNDS = 40
MAX_JURY = 25
BEACON_TEXT = 200


def _euros(field: str, value: str | int, *, label: str, required: bool = True) -> int:
    cents = parse_euros(field, value)
    if cents is None:
        if required:
            raise Invalid(field, N_("%(label)s is verplicht."), label=Phrase(label))
        return 0
    return cents


def _round_values(node: Node, form: RoundForm | CallForm, max_grant: int) -> dict[str, Any]:
    title = form.round_title if isinstance(form, CallForm) else form.title
    deadline_day = clean_date("deadline", form.deadline)
    if deadline_day is None:
        raise Invalid("deadline", N_("Geef de laatste dag om aan te vragen."))
    deadline = rules.closing_moment(datetime.fromisoformat(deadline_day).date())
    if deadline <= node.clock():
        raise Invalid("deadline", N_("De laatste dag om aan te vragen ligt al in het verleden."))
    budget = _euros("budget", form.budget, label=N_("Het budget van de ronde"))
    if budget < max_grant:
        raise Invalid(
            "budget", N_("Het budget van de ronde moet minstens één maximale subsidie dekken.")
        )
    return {
        "title": clean_text(
            "round_title" if isinstance(form, CallForm) else "title",
            title,
            label=N_("De naam van de ronde"),
            max_len=SHORT_TEXT,
            required=True,
        ),
        "deadline": deadline,
        "budget_cents": budget,
        "jury_size": whole_number(
            "jury_size", form.jury_size, label=N_("Grootte van de jury"), low=1, high=MAX_JURY
        ),
        "beacon_source": clean_text(
            "beacon_source",
            form.beacon_source,
            label=N_("De publieke trekking voor de loting"),
            max_len=BEACON_TEXT,
            required=True,
        ),
    }


def _put_round(tx: Transaction, rounds: Any, round_id: str, values: dict[str, Any]) -> None:
    put_map(tx, rounds, round_id, values)


def _budget_lines(what: list[str] | str, amount: list[str] | str) -> dict[str, dict[str, Any]]:
    whats = [what] if isinstance(what, str) else list(what)
    amounts = [amount] if isinstance(amount, str) else list(amount)
    if len(whats) != len(amounts):
        raise Invalid("what", N_("Elke begrotingsregel heeft een omschrijving en een bedrag."))
    lines: dict[str, dict[str, Any]] = {}
    for raw_what, raw_amount in zip(whats, amounts, strict=True):
        if not str(raw_what).strip() and not str(raw_amount).strip():
            continue  # an empty row of the form
        text = clean_text(
            "what", raw_what, label=N_("De omschrijving"), max_len=SHORT_TEXT, required=True
        )
        cents = _euros("amount", raw_amount, label=N_("Het bedrag"))
        if cents <= 0:
            raise Invalid("amount", N_("Een bedrag is groter dan nul."))
        lines[new_item_id()] = {"what": text, "amount_cents": cents}
    if not lines:
        raise Invalid("what", N_("Geef minstens één begrotingsregel."))
    if len(lines) > MAX_BUDGET_LINES:
        raise Invalid("what", N_("Hoogstens %(max)d begrotingsregels."), max=MAX_BUDGET_LINES)
    return lines


def _put_lines(tx: Transaction, obj: Any, key: str, lines: dict[str, dict[str, Any]]) -> None:
    budget = tx.put_object(obj, key, ObjType.MAP)
    for line_id, line in lines.items():
        put_map(tx, budget, line_id, line)


def _require_owner(content: dict[str, Any], person_id: str) -> None:
    if not rules.is_owner(content, person_id):
        raise PermissionDenied(N_("Alleen wie deze oproep beheert kan dit doen."))


def _round(content: dict[str, Any], round_id: str) -> dict[str, Any]:
    found = content.get("rounds", {}).get(round_id)
    if not isinstance(found, dict):
        raise NotFound(N_("ronde"))
    return found


def _application(content: dict[str, Any], application_id: str) -> dict[str, Any]:
    found = content.get("applications", {}).get(application_id)
    if not isinstance(found, dict):
        raise NotFound(N_("aanvraag"))
    return found


def _initiative_of(node: Node, application: dict[str, Any]) -> dict[str, Any] | None:
    """The applying initiative as this node reads it (None when it has not arrived here)."""
    try:
        content = node.documents.read(str(application.get("initiative")))
    except NotFound:
        return None
    return content if content.get("type") == "initiative" else None


async def open_call(
    node: Node, session: AsyncSession, acting: Acting | None, form: CallForm
) -> str:
    """Open a call with its first round; whoever opens it manages it."""
    me = require_login(acting)
    organisation = await on_behalf_of(node, form.organisation, me.person_id)
    max_grant = _euros("max_grant", form.max_grant, label=N_("Het maximum per subsidie"))
    if max_grant < 100:
        raise Invalid("max_grant", N_("Het maximum per subsidie is minstens 1 euro."))
    values: dict[str, Any] = {
        "title": clean_text(
            "title", form.title, label=N_("De titel"), max_len=SHORT_TEXT, required=True
        ),
        "about": clean_text(
            "about", form.about, label=N_("De beschrijving"), max_len=LONG_TEXT, multiline=True
        ),
        "neighbourhoods": clean_list(
            "neighbourhoods", form.neighbourhoods, label=N_("Wijken"), max_items=50, max_len=100
        ),
        "min_allies": whole_number(
            "min_allies", form.min_allies, label=N_("Minimum aantal medestanders"), low=1, high=100
        ),
    }
    first_round = _round_values(node, form, max_grant)

    def fill(tx: Transaction, doc: Document) -> None:
        tx.put(ROOT, "title", values["title"])
        set_text(tx, doc, ROOT, "about", values["about"])
        if organisation:
            tx.put(ROOT, "organisation", organisation)
        owners = tx.put_object(ROOT, "owners", ObjType.MAP)
        put_map(tx, owners, me.person_id, {"since": node.clock()})
        tx.put(ROOT, "max_grant_cents", max_grant)
        neighbourhoods = tx.put_object(ROOT, "neighbourhoods", ObjType.LIST)
        for index, name in enumerate(values["neighbourhoods"]):
            tx.insert(neighbourhoods, index, name)
        tx.put(ROOT, "min_allies", values["min_allies"])
        rounds = tx.put_object(ROOT, "rounds", ObjType.MAP)
        _put_round(tx, rounds, new_item_id(), first_round)
        for key in ("volunteers", "applications", "conflicts", "scores", "decisions", "reports"):
            tx.put_object(ROOT, key, ObjType.MAP)

    message = f"Subsidieoproep {values['title']} geopend"
    return await create_document(node, session, "grant_call", me.author, message, fill)


async def add_round(
    node: Node, session: AsyncSession, acting: Acting | None, call_id: str, form: RoundForm
) -> str:
    me = require_login(acting)
    content = await read_document(node, call_id, "grant_call")
    _require_owner(content, me.person_id)
    values = _round_values(node, form, int(content["max_grant_cents"]))
    round_id = new_item_id()

    def check(current: dict[str, Any]) -> None:
        _require_owner(current, me.person_id)
        if len(current.get("rounds", {})) >= MAX_ROUNDS:
            raise Invalid("title", N_("Deze oproep heeft al %(max)d rondes."), max=MAX_ROUNDS)

    await change_document(
        node,
        session,
        call_id,
        "grant_call",
        me.author,
        f"Ronde {values['title']} toegevoegd",
        lambda tx, _doc: _put_round(tx, tx.get(ROOT, "rounds"), round_id, values),
        check=check,
    )
    return round_id


async def apply(
    node: Node, session: AsyncSession, acting: Acting | None, call_id: str, form: ApplicationForm
) -> str:
    """An initiative applies: by one of its initiators or coordinators, before the deadline,
    once per round, within the maximum, meeting the call's neighbourhoods and allies."""
    me = require_login(acting)
    round_id = item_id(form.round, N_("ronde"))
    initiative_id = document_id(form.initiative, N_("initiatief"))
    initiative = await read_document(node, initiative_id, "initiative")
    ally = initiative.get("allies", {}).get(me.person_id)
    if not isinstance(ally, dict) or ally.get("role") not in rules.APPLYING_ROLES:
        raise PermissionDenied(
            N_("Alleen initiatiefnemers en coördinatoren vragen een subsidie aan.")
        )
    title = clean_text("title", form.title, label=N_("De titel"), max_len=SHORT_TEXT, required=True)
    plan = clean_text(
        "plan", form.plan, label=N_("Het plan"), max_len=LONG_TEXT, required=True, multiline=True
    )
    lines = _budget_lines(form.what, form.amount)
    asked = sum(line["amount_cents"] for line in lines.values())
    application_id = new_item_id()

    def check(content: dict[str, Any]) -> None:
        round_ = _round(content, round_id)
        if rules.is_closed(round_, node.clock()):
            raise Invalid(
                "round", N_("Deze ronde is gesloten: de laatste dag om aan te vragen is voorbij.")
            )
        if asked > content["max_grant_cents"]:
            raise Invalid(
                "amount",
                N_("U vraagt %(asked)s; het maximum per subsidie is %(max)s."),
                asked=_money(asked),
                max=_money(content["max_grant_cents"]),
            )
        if not rules.in_neighbourhoods(content.get("neighbourhoods", []), initiative):
            raise Invalid("initiative", N_("Dit initiatief ligt niet in een wijk van deze oproep."))
        if rules.working_allies(initiative) < content.get("min_allies", 1):
            raise Invalid(
                "initiative",
                N_("Deze oproep vraagt minstens %(count)d medestanders die meewerken."),
                count=content.get("min_allies", 1),
            )
        for other in content.get("applications", {}).values():
            if (
                other.get("initiative") == initiative_id
                and other.get("round") == round_id
                and "withdrawn_at" not in other
            ):
                raise Invalid(
                    "initiative", N_("Dit initiatief heeft in deze ronde al aangevraagd.")
                )

    def edit(tx: Transaction, doc: Document) -> None:
        application = put_map(
            tx,
            tx.get(ROOT, "applications"),
            application_id,
            {
                "round": round_id,
                "initiative": initiative_id,
                "applicant": me.person_id,
                "title": title,
                "submitted_at": node.clock(),
            },
        )
        set_text(tx, doc, application, "plan", plan)
        _put_lines(tx, application, "budget", lines)
        # the maps jurors write into exist before any juror does: two jurors creating the same
        # map while apart would each make their own, and the merge would show only one of them
        tx.put_object(tx.get(ROOT, "scores"), application_id, ObjType.MAP)
        tx.put_object(tx.get(ROOT, "conflicts"), application_id, ObjType.MAP)

    await change_document(
        node, session, call_id, "grant_call", me.author, f"Aanvraag {title}", edit, check=check
    )
    return application_id


async def withdraw(
    node: Node, session: AsyncSession, acting: Acting | None, call_id: str, application_id: str
) -> None:
    me = require_login(acting)
    application_id = item_id(application_id, N_("aanvraag"))

    def check(content: dict[str, Any]) -> None:
        application = _application(content, application_id)
        if application.get("applicant") != me.person_id:
            raise PermissionDenied(N_("Alleen wie de aanvraag deed kan haar intrekken."))
        if application_id in content.get("decisions", {}):
            raise Invalid("application", N_("Over deze aanvraag is al beslist."))

    await change_document(
        node,
        session,
        call_id,
        "grant_call",
        me.author,
        "Aanvraag ingetrokken",
        lambda tx, _doc: tx.put(
            tx.get(tx.get(ROOT, "applications"), application_id), "withdrawn_at", node.clock()
        ),
        check=check,
    )


async def volunteer(
    node: Node, session: AsyncSession, acting: Acting | None, call_id: str, form: VolunteerForm
) -> None:
    """Offer to sit on a jury: one takes part in the draw of every round that closes after."""
    me = require_login(acting)
    note = clean_text(
        "note", form.note, label=N_("De toelichting"), max_len=MEDIUM_TEXT, multiline=True
    )

    def edit(tx: Transaction, _doc: Document) -> None:
        volunteers = tx.get(ROOT, "volunteers")
        if tx.get(volunteers, me.person_id) is None:
            offer = {"since": node.clock(), **({"note": note} if note else {})}
            put_map(tx, volunteers, me.person_id, offer)

    await change_document(
        node, session, call_id, "grant_call", me.author, "Aangemeld voor de jury", edit
    )


async def stop_volunteering(
    node: Node, session: AsyncSession, acting: Acting | None, call_id: str
) -> None:
    me = require_login(acting)

    def edit(tx: Transaction, _doc: Document) -> None:
        volunteers = tx.get(ROOT, "volunteers")
        if tx.get(volunteers, me.person_id) is not None:
            tx.delete(volunteers, me.person_id)

    await change_document(
        node, session, call_id, "grant_call", me.author, "Afgemeld voor de jury", edit
    )


async def draw_jury(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    call_id: str,
    round_id: str,
    form: DrawForm,
) -> list[str]:
    """After the deadline an owner fills in the beacon; the jury follows from public inputs."""
    me = require_login(acting)
    round_id = item_id(round_id, N_("ronde"))
    beacon = clean_text(
        "beacon",
        form.beacon,
        label=N_("De uitslag van de trekking"),
        max_len=BEACON_TEXT,
        required=True,
    )
    drawn: list[str] = []

    def check(content: dict[str, Any]) -> None:
        _require_owner(content, me.person_id)
        round_ = _round(content, round_id)
        if not rules.is_closed(round_, node.clock()):
            raise Invalid("beacon", N_("De jury wordt pas geloot als de ronde gesloten is."))
        if "jury" in round_:
            raise Invalid("beacon", N_("De jury van deze ronde is al geloot."))
        volunteers = rules.eligible_volunteers(content, round_id)
        if not volunteers:
            raise Invalid("beacon", N_("Niemand heeft zich voor de jury aangemeld."))
        drawn[:] = lot.draw(call_id, round_id, beacon, volunteers, int(round_["jury_size"]))

    def edit(tx: Transaction, _doc: Document) -> None:
        round_obj = tx.get(tx.get(ROOT, "rounds"), round_id)
        tx.put(round_obj, "beacon", beacon)
        jury = tx.put_object(round_obj, "jury", ObjType.LIST)
        for index, person in enumerate(drawn):
            tx.insert(jury, index, person)
        tx.put(round_obj, "drawn_at", node.clock())
        tx.put(round_obj, "drawn_by", me.person_id)

    await change_document(
        node, session, call_id, "grant_call", me.author, "Jury geloot", edit, check=check
    )
    return drawn


def _juror_check(node: Node, me: Acting, application_id: str) -> Any:
    def check(content: dict[str, Any]) -> None:
        application = _application(content, application_id)
        if me.person_id not in rules.jury_of(content, application["round"]):
            raise PermissionDenied(N_("Alleen juryleden van deze ronde doen dit."))

    return check


async def declare_conflict(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    call_id: str,
    application_id: str,
    form: ConflictForm,
) -> None:
    me = require_login(acting)
    application_id = item_id(application_id, N_("aanvraag"))
    reason = clean_text(
        "reason",
        form.reason,
        label=N_("De reden"),
        max_len=MEDIUM_TEXT,
        required=True,
        multiline=True,
    )

    def edit(tx: Transaction, _doc: Document) -> None:
        conflicts = tx.get(ROOT, "conflicts")
        per_application = tx.get(conflicts, application_id)
        if per_application is None:
            per_application = tx.put_object(conflicts, application_id, ObjType.MAP)
        put_map(tx, per_application, me.person_id, {"reason": reason, "at": node.clock()})
        scores = tx.get(tx.get(ROOT, "scores"), application_id)
        if scores is not None and tx.get(scores, me.person_id) is not None:
            tx.delete(scores, me.person_id)  # a score given before declaring no longer stands

    await change_document(
        node,
        session,
        call_id,
        "grant_call",
        me.author,
        "Belang gemeld",
        edit,
        check=_juror_check(node, me, application_id),
    )


async def score(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    call_id: str,
    application_id: str,
    form: ScoreForm,
) -> None:
    """A juror scores 1-5 with a note; again to change it, until the decision."""
    me = require_login(acting)
    application_id = item_id(application_id, N_("aanvraag"))
    points = whole_number("score", form.score, label=N_("De score"), low=1, high=5)
    note = clean_text(
        "note", form.note, label=N_("De toelichting"), max_len=MEDIUM_TEXT, multiline=True
    )
    juror = _juror_check(node, me, application_id)

    def check(content: dict[str, Any]) -> None:
        juror(content)
        application = _application(content, application_id)
        if "withdrawn_at" in application:
            raise Invalid("score", N_("Deze aanvraag is ingetrokken."))
        if application_id in content.get("decisions", {}):
            raise Invalid("score", N_("Over deze aanvraag is al beslist."))
        if rules.has_conflict(
            content, application_id, me.person_id, _initiative_of(node, application)
        ):
            raise PermissionDenied(N_("U hebt een belang bij deze aanvraag en scoort haar niet."))

    def edit(tx: Transaction, _doc: Document) -> None:
        scores = tx.get(ROOT, "scores")
        per_application = tx.get(scores, application_id)
        if per_application is None:
            per_application = tx.put_object(scores, application_id, ObjType.MAP)
        put_map(
            tx, per_application, me.person_id, {"score": points, "note": note, "at": node.clock()}
        )

    await change_document(
        node, session, call_id, "grant_call", me.author, "Aanvraag gescoord", edit, check=check
    )


async def decide(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    call_id: str,
    application_id: str,
    form: DecisionForm,
) -> None:
    """An owner decides, with reasons, after the deadline: never beyond the maximum per grant,
    what was asked, or the round's budget."""
    me = require_login(acting)
    application_id = item_id(application_id, N_("aanvraag"))
    if form.granted not in ("yes", "no"):
        raise Invalid("granted", N_("Kies: toekennen of afwijzen."))
    granted = form.granted == "yes"
    reasons = clean_text(
        "reasons",
        form.reasons,
        label=N_("De motivering"),
        max_len=MEDIUM_TEXT,
        required=True,
        multiline=True,
    )
    amount_given = parse_euros("amount", form.amount) if granted else 0
    decision: dict[str, Any] = {}

    def check(content: dict[str, Any]) -> None:
        _require_owner(content, me.person_id)
        application = _application(content, application_id)
        round_ = _round(content, application["round"])
        if not rules.is_closed(round_, node.clock()):
            raise Invalid("granted", N_("Er wordt pas beslist als de ronde gesloten is."))
        if "withdrawn_at" in application:
            raise Invalid("granted", N_("Deze aanvraag is ingetrokken."))
        if rules.is_late(content, application):
            raise Invalid("granted", N_("Deze aanvraag kwam na de deadline binnen."))
        asked = rules.requested_cents(application)
        amount = asked if amount_given is None else amount_given
        if granted:
            if amount <= 0 or amount > asked or amount > content["max_grant_cents"]:
                raise Invalid(
                    "amount",
                    N_("Ken hoogstens het gevraagde bedrag toe (%(asked)s)."),
                    asked=_money(min(asked, content["max_grant_cents"])),
                )
            left = round_["budget_cents"] - rules.granted_cents(
                content, application["round"], application_id
            )
            if amount > left:
                raise Invalid(
                    "amount",
                    N_("Er is in deze ronde nog %(left)s over."),
                    left=_money(max(left, 0)),
                )
        decision.update(
            granted=granted,
            amount_cents=amount if granted else 0,
            reasons=reasons,
            at=node.clock(),
            by=me.person_id,
        )

    def edit(tx: Transaction, _doc: Document) -> None:
        put_map(tx, tx.get(ROOT, "decisions"), application_id, decision)

    message = "Subsidie toegekend" if granted else "Aanvraag afgewezen"
    await change_document(
        node, session, call_id, "grant_call", me.author, message, edit, check=check
    )


async def report(
    node: Node,
    session: AsyncSession,
    acting: Acting | None,
    call_id: str,
    application_id: str,
    form: ReportForm,
) -> None:
    """How a granted amount was spent: by the applicant (the one person whose report every node
    counts, docs/practices.md §1). A new report replaces the previous one."""
    me = require_login(acting)
    application_id = item_id(application_id, N_("aanvraag"))
    story = clean_text(
        "story",
        form.story,
        label=N_("Het verslag"),
        max_len=LONG_TEXT,
        required=True,
        multiline=True,
    )
    lines = _budget_lines(form.what, form.amount)

    def check(content: dict[str, Any]) -> None:
        application = _application(content, application_id)
        decision = content.get("decisions", {}).get(application_id)
        if not isinstance(decision, dict) or not decision.get("granted"):
            raise Invalid("story", N_("Alleen over een toegekende subsidie wordt verslag gedaan."))
        if application.get("applicant") != me.person_id:
            raise PermissionDenied(N_("Alleen de aanvrager doet verslag."))

    def edit(tx: Transaction, doc: Document) -> None:
        entry = put_map(
            tx, tx.get(ROOT, "reports"), application_id, {"at": node.clock(), "by": me.person_id}
        )
        set_text(tx, doc, entry, "story", story)
        _put_lines(tx, entry, "spent", lines)

    await change_document(
        node,
        session,
        call_id,
        "grant_call",
        me.author,
        "Verslag van de besteding",
        edit,
        check=check,
    )


def _money(cents: int) -> str:
    euros, rest = divmod(cents, 100)
    whole = f"{euros:,}".replace(",", ".")
    return f"€ {whole},{rest:02d}" if rest else f"€ {whole}"
