"""Rights that hold on every node (docs/trust.md §3): the view of a document counts only the ops
their writer had the right to make, judged at the change's causal point, so a change by someone
without the right has no visible effect on any honest node, whichever node it arrived through.

The rules are the ones the services apply when a resident edits here. Initiatives
(node/initiatives/rights.py): initiators and coordinators edit the core fields, needs and updates'
moderation; allies who joined work on the plan and post updates; anyone vouched for may support,
join or leave (their own entry in `allies`); only initiators make coordinators. Discussions: the
starter words the topic, anyone comments, a comment is its author's alone. Profiles: only the
person. Organisations: their admins; a member may leave. Alliances (written by nodes, as their
catalog id): the founding node words it; a member node writes only its own entry. For all: the
envelope is written by the first change only; each writer names only itself in `contributors`.

Who wrote a change: the person the actor's binding names (node/trust/vouchers.py), when the
binding's node is that person's home (their profile's origin_node, where the profile is known).

Roles live in the same document, so they are read from the effective view at each change's
dependencies: one pass over the changes in causal order, keeping each change's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sync.automerge import Document
from sync.automerge.effective import Path, effective_to_py
from sync.automerge.op import Op
from sync.automerge.values import DEL, MAKE_MAP, SET

from ..initiatives.rights import EDITORS, WORKERS
from ..phrases import N_
from ..projection.catalog_id import catalog_id_of
from .judged import JUDGED
from .vouchers import Vouchers

__all__ = [
    "JUDGED",
    "Evaluation",
    "Refusal",
    "document_view",
    "evaluate",
    "initiative_view",
    "person_lookup",
    "view_of",
]

ENVELOPE = frozenset({"type", "schema_version", "id", "origin_node", "created_at", "created_by"})
Clock = dict[bytes, int]
ROOT_ID = (0, b"")


@dataclass(frozen=True)
class Refusal:
    """An op that does not count, for the host: which change, whose, where, why."""

    change: str
    person: str | None
    path: str
    reason: str


def _merge(clocks: list[Clock]) -> Clock:
    if len(clocks) == 1:
        return clocks[0]
    out: Clock = {}
    for clock in clocks:
        for actor, counter in clock.items():
            if counter > out.get(actor, 0):
                out[actor] = counter
    return out


def _within(op: Op, clock: Clock) -> bool:
    return op.id[0] <= clock.get(op.id[1], 0)


class Evaluation:
    def __init__(
        self,
        doc: Document,
        person_of: Callable[[bytes], str | None],
        node_of: Callable[[bytes], str | None] | None = None,
    ) -> None:
        self.doc = doc
        self.person_of = person_of
        self.node_of: Callable[[bytes], str | None] = node_of or (lambda actor: None)
        self.objects = doc._opset.objects
        self.effective: dict[tuple[int, bytes], bool] = {}
        self.refusals: list[Refusal] = []
        self.paths: dict[tuple[int, bytes], Path] = {ROOT_ID: ()}
        self.kind = "initiative"
        """The document's type, as the change that made it wrote it."""
        self.starter: str | None = None
        """Who wrote the change that made the document."""
        self.item_authors: dict[tuple[str, str], str] = {}
        self.containers: set[tuple[str, str]] = set()
        self.after: dict[bytes, Clock] = {}
        """Each judged change's clock (its ops and everything it depends on)."""
        self.genuine: bytes | None = None
        self.last: tuple[int, bytes] = (0, b"")
        """The `_order` key of the last change judged: what comes later can be judged on."""

    # ------------------------------------------------------------------ structure

    def path_of(self, obj: tuple[int, bytes]) -> Path:
        """The map keys from the root to an object (list elements add no key)."""
        found = self.paths.get(obj)
        if found is not None:
            return found
        chain = []
        current = obj
        while current not in self.paths:
            state = self.objects.get(current)
            if state is None or state.op is None:
                self.paths[current] = ("?",)
                break
            chain.append(current)
            current = state.op.obj
        for item in reversed(chain):
            make = self.objects[item].op
            assert make is not None
            parent = self.paths[make.obj]
            self.paths[item] = (*parent, make.key) if isinstance(make.key, str) else parent
        return self.paths[obj]

    def op_path(self, op: Op) -> Path:
        base = self.path_of(op.obj)
        return (*base, op.key) if isinstance(op.key, str) else base

    # ------------------------------------------------------------------ roles

    def _visible_at(self, op: Op, clock: Clock) -> bool:
        if not _within(op, clock) or not self.effective.get(op.id, False):
            return False
        return not any(_within(s, clock) and self.effective.get(s.id, False) for s in op.succ)

    def role_at(self, person: str, clock: Clock, roster: str = "allies") -> str | None:
        """The person's role in the map `roster` (allies, or an organisation's members) as the
        effective ops up to `clock` set it."""
        root = self.objects[ROOT_ID]
        assert root.keys is not None
        allies = [op for op in root.keys.get(roster, ()) if op.action == MAKE_MAP]
        allies_op = next((op for op in reversed(allies) if self._visible_at(op, clock)), None)
        if allies_op is None:
            return None
        state = self.objects[allies_op.id]
        assert state.keys is not None
        entry = next(
            (
                op
                for op in reversed(state.keys.get(person, ()))
                if op.action == MAKE_MAP and self._visible_at(op, clock)
            ),
            None,
        )
        if entry is None:
            return None
        ally = self.objects[entry.id]
        assert ally.keys is not None
        role = next(
            (op for op in reversed(ally.keys.get("role", ())) if self._visible_at(op, clock)),
            None,
        )
        if roster in ("owners", "hosts"):  # owners of a call, job, poll, event; hosts
            return "owner"
        return role.value if role is not None and isinstance(role.value, str) else None

    # ------------------------------------------------------------------ the rule

    def refuse(
        self, op: Op, path: Path, person: str | None, role: str | None, first: bool
    ) -> str | None:
        """Why the op does not count, or None when it does."""
        if first:
            return None  # the change that made the document writes all of it
        if person is None:
            return N_("geen node staat in voor deze schrijver")
        head = path[0] if path else ""
        if head in ENVELOPE or not path:
            return N_("alleen de eerste wijziging zet de envelop")
        if head == "contributors":
            if len(path) == 2 and path[1] == op.id[1].hex() and op.value in (None, person):
                return None
            return N_("elke schrijver noemt alleen zichzelf")
        if self.kind == "discussion":
            return self._discussion_rule(op, path, person)
        if self.kind == "person":
            return (
                None
                if person == self.starter
                else N_("alleen de persoon zelf past het profiel aan")
            )
        if self.kind == "organisation":
            return self._organisation_rule(op, path, person, role)
        if self.kind == "grant_call":
            return self._grant_call_rule(op, path, person, role)
        if self.kind == "job":
            return self._job_rule(op, path, person, role)
        if self.kind == "place":
            return self._place_rule(op, path, person, role)
        if self.kind == "event":
            return self._event_rule(path, person, role)
        if self.kind == "alliance":
            return self._alliance_rule(op, path, person)
        if self.kind == "poll":
            if path[0] == "votes":
                ok = len(path) >= 2 and path[1] == person
                return None if ok else N_("alleen de kiezer zelf stemt")
            return None if role == "owner" else N_("alleen wie de peiling begon")
        return self._initiative_rule(op, path, person, role)

    def _own_item(
        self,
        op: Op,
        path: Path,
        person: str,
        field: str,
        *,
        whole: str = N_("de lijst vervangt niemand"),
        not_yours: str = N_("alleen wie het schreef past het aan"),
        not_named: str = N_("het staat op naam van wie het schreef"),
    ) -> str | None:
        """An entry of a map of items (`path[0]`: comments, applications, sign-ups, hours,
        bookings) that is its writer's alone: anyone makes one, naming themselves in `field`;
        only they change or remove it. The reasons name the items as residents know them."""
        if len(path) == 1:
            return whole
        key = (path[0], path[1])
        author = self.item_authors.get(key)
        if len(path) == 2:
            if op.action == MAKE_MAP and author in (None, person):
                self.item_authors[key] = person
                return None
            if op.action == DEL and author == person:
                return None
            return not_yours
        if author != person:
            return not_yours
        if path[2] == field and op.action == SET and op.value != person:
            return not_named
        return None

    def _container(self, op: Op, path: Path) -> str | None:
        """A map made once for everyone to write into (the scores of one application): made
        again, it would hide what others wrote."""
        key = (path[0], path[1])
        if op.action == MAKE_MAP and key not in self.containers:
            self.containers.add(key)
            return None
        return N_("de lijst vervangt niemand")

    def _grant_call_rule(self, op: Op, path: Path, person: str, role: str | None) -> str | None:
        """docs/practices.md §1: owners manage the call, rounds, jury and decisions; each person
        writes only their own offer, application, score and conflict; an applicant reports."""
        head = path[0]
        if head == "volunteers":
            ok = len(path) >= 2 and path[1] == person
            return None if ok else N_("alleen de persoon zelf meldt zich aan")
        if head == "applications":
            return self._own_item(op, path, person, "applicant")
        if head in ("scores", "conflicts"):
            if len(path) == 1:
                return N_("de lijst vervangt niemand")
            if len(path) == 2:
                return self._container(op, path)
            return None if path[2] == person else N_("alleen het jurylid zelf")
        if head == "reports":
            applicant = self.item_authors.get(("applications", path[1])) if len(path) > 1 else None
            return None if applicant == person else N_("alleen de aanvrager doet verslag")
        return None if role == "owner" else N_("alleen wie de oproep beheert")

    def _place_rule(self, op: Op, path: Path, person: str, role: str | None) -> str | None:
        """docs/practices.md §2: hosts keep the place, its rooms and the decisions on bookings;
        a booking request is its requester's (they make it, as requested, and cancel it)."""
        if path[0] != "bookings":
            return None if role == "owner" else N_("alleen de gastheren en gastvrouwen")
        if len(path) >= 3 and path[2] in ("status", "decided_by", "decided_at", "reason"):
            author = self.item_authors.get((path[0], path[1]))
            if role == "owner":
                ok = path[2] != "decided_by" or op.value == person
                return None if ok else N_("het staat op naam van wie het schreef")
            if author == person and path[2] == "status" and op.value == "requested":
                return None
            return N_("alleen de gastheren en gastvrouwen beslissen")
        return self._own_item(op, path, person, "by")

    def _event_rule(self, path: Path, person: str, role: str | None) -> str | None:
        """docs/dialogue.md, Events: the organisers (`owners`) edit and cancel the event; each
        person writes only their own registration (make it, change the guests, take it back)."""
        if path[0] == "registrations":
            if len(path) == 1:
                return N_("de lijst vervangt niemand")
            return None if path[1] == person else N_("alleen de persoon zelf meldt zich aan")
        return None if role == "owner" else N_("alleen wie de activiteit organiseert")

    def _job_rule(self, op: Op, path: Path, person: str, role: str | None) -> str | None:
        """docs/practices.md §3: owners manage the job and confirm hours; a sign-up and the hours
        written are their writer's."""
        head = path[0]
        if head == "signups":
            return self._own_item(op, path, person, "by")
        if head == "hours":
            if len(path) >= 3 and path[2] in ("confirmed_by", "confirmed_at"):
                if role != "owner":
                    return N_("alleen wie de klus vraagt bevestigt uren")
                if path[2] == "confirmed_by" and op.value != person:
                    return N_("het staat op naam van wie het schreef")
                return None
            return self._own_item(op, path, person, "by")
        return None if role == "owner" else N_("alleen wie de klus vraagt")

    def _alliance_rule(self, op: Op, path: Path, person: str) -> str | None:
        """docs/dialogue.md, Alliance: written by nodes, each with its own node actor (bound to
        its catalog id in its own catalog). The founding node words the alliance; each member
        node writes only its own entry, `members/<its node id>`."""
        node = self.node_of(op.id[1])
        if node is None or catalog_id_of(node) != person:
            return N_("alleen een node zelf schrijft in een alliantie")
        if path[0] != "members":
            return None if person == self.starter else N_("alleen de node die de alliantie begon")
        if len(path) < 2:
            return N_("de lijst van leden vervangt niemand")
        return None if path[1] == node else N_("alleen de node zelf schrijft haar gegevens")

    def _discussion_rule(self, op: Op, path: Path, person: str) -> str | None:
        """The starter words the topic; anyone comments; a comment is its author's alone."""
        if path[0] != "comments":
            return None if person == self.starter else N_("alleen wie het gesprek begon")
        return self._own_item(
            op,
            path,
            person,
            "by",
            whole=N_("de reacties vervangt niemand"),
            not_yours=N_("alleen de schrijver past een reactie aan"),
            not_named=N_("een reactie staat op naam van wie haar schreef"),
        )

    def _organisation_rule(self, op: Op, path: Path, person: str, role: str | None) -> str | None:
        """Admins edit the organisation and its members; a member may leave."""
        if role == "admin":
            return None
        if path[0] == "members" and len(path) == 2 and path[1] == person and op.action == DEL:
            return None
        return N_("alleen beheerders van de organisatie")

    def _initiative_rule(self, op: Op, path: Path, person: str, role: str | None) -> str | None:
        head = path[0]
        if head == "allies":
            return self._ally_rule(op, path, person, role)
        if head in ("plan", "updates"):
            return None if role in WORKERS else N_("alleen wie zich aansloot werkt aan het plan")
        return None if role in EDITORS else N_("alleen initiatiefnemers en coördinatoren")

    def _ally_rule(self, op: Op, path: Path, person: str, role: str | None) -> str | None:
        if len(path) < 2:
            return N_("de lijst van medestanders vervangt niemand")
        setting_role = len(path) == 3 and path[2] == "role" and op.action == SET
        if path[1] == person:
            if setting_role and op.value == "initiator":
                return N_("niemand maakt zichzelf initiatiefnemer")
            if setting_role and op.value == "coordinator" and role not in {"initiator"}:
                return N_("alleen initiatiefnemers maken iemand coördinator")
            return None
        if setting_role and op.value == "coordinator" and role == "initiator":
            return None
        return N_("alleen de medestander zelf past dit aan")

    # ------------------------------------------------------------------ the pass

    def _genuine_first(self, changes: list[Any]) -> bytes | None:
        """The change that made the document. Anyone can write another change without
        dependencies; only one counts: the one whose writer's node is the home it names (when
        several, or none, do: the lowest hash, so every replica picks the same)."""
        roots = [c for c in changes if not c.deps]
        if len(roots) <= 1:
            return roots[0].hash if roots else None
        own = [
            c
            for c in roots
            if any(
                op.key == "origin_node" and op.obj == ROOT_ID and op.value == self.node_of(c.actor)
                for op in c.ops
            )
        ]
        first: bytes = min(c.hash for c in (own or roots))
        return first

    def run(self) -> None:
        """Judge every change, in the order `_order` gives."""
        changes = _order(self.doc.changes_since([]))
        genuine = self._genuine_first(changes)
        for change in changes:
            if change.hash == genuine:
                self.starter = self.person_of(change.actor)
                for op in change.ops:
                    if op.obj == ROOT_ID and op.key == "type" and isinstance(op.value, str):
                        self.kind = op.value
        self.genuine = genuine
        self._judge(changes)

    def extend(self, doc: Document) -> bool:
        """Judge what `doc` has beyond what was judged (the same document, grown): True when
        that gives what `run` would; False when only a new run can (history replaced, a new
        root, or a change that `_order` puts before one judged already)."""
        changes = doc.changes_since([])
        new = [c for c in changes if c.hash not in self.after]
        if len(changes) - len(new) != len(self.after):
            return False  # a change judged before is gone: the history was rebased
        if not new:
            return True
        new = _order(new)
        if any(not c.deps for c in new) or _key(new[0]) < self.last:
            return False
        self.doc, self.objects = doc, doc._opset.objects
        self._judge(new)
        return True

    def _judge(self, changes: list[Any]) -> None:
        roster = ROSTERS.get(self.kind, "allies")
        after = self.after
        for change in changes:  # a causal order
            causal = _merge([after[d] for d in change.deps]) if change.deps else {}
            clock = dict(causal)
            clock[change.actor] = max(clock.get(change.actor, 0), change.max_op)
            after[change.hash] = clock
            person = self.person_of(change.actor)
            role = self.role_at(person, causal, roster) if person is not None else None
            first = change.hash == self.genuine
            for op in change.ops:
                path = self.op_path(op)
                reason = self.refuse(op, path, person, role, first)
                self.effective[op.id] = reason is None
                if reason is not None:
                    self.refusals.append(Refusal(change.hash.hex(), person, "/".join(path), reason))
            self.last = max(self.last, _key(change))


ROSTERS = {
    "organisation": "members",
    "grant_call": "owners",
    "job": "owners",
    "poll": "owners",
    "place": "hosts",
    "event": "owners",
}
"""The map that holds each type's roles (allies for initiatives and any other)."""


def _key(change: Any) -> tuple[int, bytes]:
    return (change.start_op, change.actor)


def _order(changes: list[Any]) -> list[Any]:
    """The changes by their first op id: a causal order (a change's ops come after every op it
    depends on) that every replica makes alike, whatever order changes arrived in. The rules
    that let the first of two writers win (an item's author, a shared container) then pick the
    same one everywhere."""
    return sorted(changes, key=_key)


def evaluate(
    doc: Document,
    person_of: Callable[[bytes], str | None],
    node_of: Callable[[bytes], str | None] | None = None,
    previous: Evaluation | None = None,
) -> Evaluation:
    """The judgement of every change of `doc`: `previous` (of this document, judged with the
    same bindings) carried on when the document only grew, else made anew. A thread of 5,000
    comments is judged again for one new comment in a few milliseconds instead of a second."""
    if previous is not None and previous.extend(doc):
        return previous
    evaluation = Evaluation(doc, person_of, node_of)
    evaluation.run()
    return evaluation


def initiative_view(
    doc: Document,
    person_of: Callable[[bytes], str | None],
    node_of: Callable[[bytes], str | None] | None = None,
) -> tuple[dict[str, Any], list[Refusal]]:
    """The initiative as every honest node shows it, and the ops left out. `node_of(actor)`:
    the node that vouches for an actor (to tell the change that made the document)."""
    return view_of(evaluate(doc, person_of, node_of))


def view_of(evaluation: Evaluation) -> tuple[dict[str, Any], list[Refusal]]:
    """The document as the evaluation lets it be shown, and what it leaves out."""
    effective = evaluation.effective
    view = effective_to_py(evaluation.doc, lambda op, path: effective.get(op.id, True))
    return view, list(evaluation.refusals)


def document_view(
    doc: Document,
    person_of: Callable[[bytes], str | None],
    node_of: Callable[[bytes], str | None] | None = None,
) -> tuple[dict[str, Any], list[Refusal]]:
    """Any judged document as every honest node shows it (`initiative_view` is the same for
    each type: the rules follow the type the document was made with)."""
    return initiative_view(doc, person_of, node_of)


def initiative_effective(
    doc: Document,
    person_of: Callable[[bytes], str | None],
    node_of: Callable[[bytes], str | None] | None = None,
) -> Callable[[Op, tuple[str, ...]], bool]:
    """The predicate behind `initiative_view`: whether an op counts (for an erasure's rebase,
    which adds its own condition to it)."""
    effective = evaluate(doc, person_of, node_of).effective
    return lambda op, path: effective.get(op.id, True)


def person_lookup(
    vouchers: Vouchers, home_of: Callable[[str], str | None]
) -> Callable[[bytes], str | None]:
    """Who writes with an actor: the person its binding names, if the binding's node is that
    person's home (or the person's profile is not known here yet)."""

    def person_of(actor: bytes) -> str | None:
        binding = vouchers.binding(actor)
        if binding is None:
            return None
        home = home_of(binding.person)
        return binding.person if home in (None, binding.node) else None

    return person_of
