"""Rights judged where an initiative is read (node/trust/rights.py): who may write what, at the
change's causal point, with the same outcome on every replica."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from node.trust.rights import evaluate, initiative_effective, initiative_view, view_of
from sync.automerge import ROOT, Document, ObjType

ANNA, BERT, CARLA, BERTS_PHONE = (bytes.fromhex(c * 32) for c in "abcd")
PEOPLE = {ANNA: "anna", BERT: "bert", CARLA: "carla", BERTS_PHONE: "bert"}


def person_of(actor: bytes) -> str | None:
    return PEOPLE.get(actor)


def created() -> Document:
    doc = Document(ANNA)
    with doc.change() as tx:
        tx.put(ROOT, "type", "initiative")
        tx.put(ROOT, "origin_node", "node-a")
        tx.put(ROOT, "title", "Moestuin")
        contributors = tx.put_object(ROOT, "contributors", ObjType.MAP)
        tx.put(contributors, ANNA.hex(), "anna")
        allies = tx.put_object(ROOT, "allies", ObjType.MAP)
        anna = tx.put_object(allies, "anna", ObjType.MAP)
        tx.put(anna, "role", "initiator")
        plan = tx.put_object(ROOT, "plan", ObjType.MAP)
        tx.put_object(plan, "tasks", ObjType.MAP)
    return doc


def as_(doc: Document, actor: bytes, edit: object) -> None:
    doc.actor = actor
    with doc.change() as tx:
        edit(tx, doc)  # type: ignore[operator]


def join(role: str, who: str) -> object:
    def edit(tx: object, doc: Document) -> None:
        ally = tx.put_object(doc.get(ROOT, "allies"), who, ObjType.MAP)  # type: ignore[attr-defined]
        tx.put(ally, "role", role)  # type: ignore[attr-defined]

    return edit


def task(title: str) -> object:
    def edit(tx: object, doc: Document) -> None:
        tasks = doc.get(doc.get(ROOT, "plan"), "tasks")
        item = tx.put_object(tasks, title, ObjType.MAP)  # type: ignore[attr-defined]
        tx.put(item, "title", title)  # type: ignore[attr-defined]

    return edit


def title(value: str) -> object:
    return lambda tx, doc: tx.put(ROOT, "title", value)


def test_an_ally_edits_tasks_but_not_the_title() -> None:
    doc = created()
    as_(doc, BERT, join("joiner", "bert"))
    as_(doc, BERT, task("Zaaien"))
    as_(doc, BERT, title("Bert's tuin"))
    view, refusals = initiative_view(doc, person_of)
    assert view["title"] == "Moestuin"
    assert "Zaaien" in view["plan"]["tasks"]
    assert view["allies"]["bert"] == {"role": "joiner"}
    assert [(r.person, r.path) for r in refusals] == [("bert", "title")]


def test_a_supporter_cannot_work_on_the_plan_nor_make_itself_coordinator() -> None:
    doc = created()
    as_(doc, CARLA, join("supporter", "carla"))
    as_(doc, CARLA, task("Oogsten"))
    as_(
        doc,
        CARLA,
        lambda tx, d: tx.put(d.get(d.get(ROOT, "allies"), "carla"), "role", "coordinator"),
    )
    view, refusals = initiative_view(doc, person_of)
    assert view["plan"]["tasks"] == {}
    assert view["allies"]["carla"] == {"role": "supporter"}
    assert {r.path for r in refusals} == {
        "plan/tasks/Oogsten",
        "plan/tasks/Oogsten/title",
        "allies/carla/role",
    }


def test_rights_are_judged_at_the_changes_causal_point() -> None:
    """Bert's title edit before he was made coordinator stays refused; his edit after counts.
    A concurrent edit (not knowing of the appointment) is refused too."""
    doc = created()
    as_(doc, BERT, join("joiner", "bert"))
    as_(doc, BERT, title("Te vroeg"))
    apart = doc.fork(actor=BERTS_PHONE)
    as_(
        doc, ANNA, lambda tx, d: tx.put(d.get(d.get(ROOT, "allies"), "bert"), "role", "coordinator")
    )
    as_(doc, BERT, title("Moestuin aan de dijk"))
    with apart.change() as tx:
        tx.put(ROOT, "summary", "gelijktijdig, nog zonder recht")
    doc.merge(apart)
    view, refusals = initiative_view(doc, person_of)
    assert view["title"] == "Moestuin aan de dijk"
    assert view["allies"]["bert"]["role"] == "coordinator"
    assert "summary" not in view
    assert sorted(r.path for r in refusals) == ["summary", "title"]


def test_only_the_initiator_appoints_and_no_one_takes_someone_elses_entry() -> None:
    doc = created()
    as_(doc, BERT, join("joiner", "bert"))
    as_(doc, CARLA, join("joiner", "carla"))
    as_(
        doc,
        BERT,
        lambda tx, d: tx.put(d.get(d.get(ROOT, "allies"), "carla"), "role", "coordinator"),
    )
    as_(doc, CARLA, lambda tx, d: tx.delete(d.get(ROOT, "allies"), "anna"))
    as_(doc, CARLA, lambda tx, d: tx.put(d.get(ROOT, "contributors"), BERT.hex(), "carla"))
    view, _ = initiative_view(doc, person_of)
    assert view["allies"]["carla"]["role"] == "joiner"
    assert view["allies"]["anna"]["role"] == "initiator"
    assert view["contributors"] == {ANNA.hex(): "anna"}


def test_an_unknown_writer_changes_nothing_and_the_view_is_the_same_in_any_merge_order() -> None:
    doc = created()
    stranger = Document.load(doc.save(), actor=bytes.fromhex("ee" * 16))
    with stranger.change() as tx:
        tx.put(ROOT, "title", "Vervalst")
    ally = Document.load(doc.save(), actor=BERT)
    with ally.change() as tx:
        tx.put(tx.put_object(ally.get(ROOT, "allies"), "bert", ObjType.MAP), "role", "joiner")
    one, two = Document.load(doc.save()), Document.load(doc.save())
    one.merge(stranger)
    one.merge(ally)
    two.merge(ally)
    two.merge(stranger)
    assert initiative_view(one, person_of)[0] == initiative_view(two, person_of)[0]
    assert initiative_view(one, person_of)[0]["title"] == "Moestuin"


def test_a_second_change_without_dependencies_is_not_the_first() -> None:
    doc = created()
    impostor = Document(CARLA)  # a root change of her own: "I made it, and I am its initiator"
    with impostor.change() as tx:
        tx.put(ROOT, "origin_node", "node-a")  # claiming Anna's home does not help
        tx.put(ROOT, "title", "Carla's tuin")
        allies = tx.put_object(ROOT, "allies", ObjType.MAP)
        tx.put(tx.put_object(allies, "carla", ObjType.MAP), "role", "initiator")
    doc.merge(impostor)

    def node_of(actor: bytes) -> str | None:
        return "node-a" if actor == ANNA else "node-c"

    view, _ = initiative_view(doc, person_of, node_of)
    assert view["title"] == "Moestuin"
    assert "carla" not in view.get("allies", {})


def test_a_writer_names_only_itself_as_its_own_actors_person() -> None:
    doc = created()
    as_(doc, BERT, join("joiner", "bert"))
    as_(doc, BERT, lambda tx, d: tx.put(d.get(ROOT, "contributors"), BERT.hex(), "anna"))
    view, refusals = initiative_view(doc, person_of)
    assert view["contributors"].get(BERT.hex()) != "anna"
    assert any(r.path == f"contributors/{BERT.hex()}" for r in refusals)


# ---------------------------------------------------------------- discussions, profiles, orgs


def _made(doc_type: str, fill: object) -> Document:
    doc = Document(ANNA)
    with doc.change() as tx:
        tx.put(ROOT, "type", doc_type)
        tx.put(ROOT, "origin_node", "node-a")
        contributors = tx.put_object(ROOT, "contributors", ObjType.MAP)
        tx.put(contributors, ANNA.hex(), "anna")
        fill(tx)  # type: ignore[operator]
    return doc


def discussion() -> Document:
    def fill(tx: object) -> None:
        tx.put(ROOT, "title", "Het oude schoolgebouw")  # type: ignore[attr-defined]
        tx.put_object(ROOT, "comments", ObjType.MAP)  # type: ignore[attr-defined]

    return _made("discussion", fill)


def comment(comment_id: str, by: str, body: str) -> object:
    def edit(tx: object, doc: Document) -> None:
        item = tx.put_object(doc.get(ROOT, "comments"), comment_id, ObjType.MAP)  # type: ignore[attr-defined]
        tx.put(item, "by", by)  # type: ignore[attr-defined]
        tx.put(item, "body", body)  # type: ignore[attr-defined]

    return edit


def reword(comment_id: str, body: str) -> object:
    def edit(tx: object, doc: Document) -> None:
        tx.put(doc.get(doc.get(ROOT, "comments"), comment_id), "body", body)  # type: ignore[attr-defined]

    return edit


def test_anyone_comments_and_a_comment_is_its_authors_alone() -> None:
    doc = discussion()
    as_(doc, BERT, comment("c1", "bert", "Maak er een buurthuis van"))
    as_(doc, CARLA, reword("c1", "Sloop het"))  # Carla rewords Bert's comment
    as_(doc, CARLA, comment("c2", "anna", "Namens Anna"))  # a comment in someone else's name
    as_(doc, BERT, reword("c1", "Maak er een buurthuis van, met een tuin"))  # his own: counts
    view, refusals = initiative_view(doc, person_of)
    assert view["comments"]["c1"] == {
        "by": "bert",
        "body": "Maak er een buurthuis van, met een tuin",
    }
    assert view["comments"].get("c2", {}).get("by") != "anna"
    assert {r.reason for r in refusals} == {
        "alleen de schrijver past een reactie aan",
        "een reactie staat op naam van wie haar schreef",
    }
    as_(doc, CARLA, lambda tx, d: tx.delete(d.get(ROOT, "comments"), "c1"))  # she deletes it
    as_(doc, CARLA, comment("c1", "carla", "Overschreven"))  # and writes her own over it
    view, _ = initiative_view(doc, person_of)
    assert view["comments"]["c1"]["body"] == "Maak er een buurthuis van, met een tuin"


def test_only_the_starter_words_the_topic() -> None:
    doc = discussion()
    as_(doc, BERT, title("Gekaapt"))
    assert initiative_view(doc, person_of)[0]["title"] == "Het oude schoolgebouw"
    as_(doc, ANNA, title("Het oude schoolgebouw in Wezep"))
    assert initiative_view(doc, person_of)[0]["title"] == "Het oude schoolgebouw in Wezep"


def test_only_the_person_edits_their_profile() -> None:
    profile = _made("person", lambda tx: tx.put(ROOT, "display_name", "Anna"))
    as_(profile, BERT, lambda tx, _d: tx.put(ROOT, "display_name", "Anna (nep)"))
    view, refusals = initiative_view(profile, person_of)
    assert view["display_name"] == "Anna" and refusals
    as_(profile, BERTS_PHONE, lambda tx, _d: tx.put(ROOT, "about", "Bert"))  # Bert's other actor
    as_(profile, ANNA, lambda tx, _d: tx.put(ROOT, "display_name", "Anna de Vries"))
    view, _ = initiative_view(profile, person_of)
    assert view["display_name"] == "Anna de Vries" and "about" not in view


def test_organisation_admins_edit_and_a_member_may_leave() -> None:
    def fill(tx: object) -> None:
        tx.put(ROOT, "name", "Lokale Omroep")  # type: ignore[attr-defined]
        members = tx.put_object(ROOT, "members", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put(tx.put_object(members, "anna", ObjType.MAP), "role", "admin")  # type: ignore[attr-defined]

    org = _made("organisation", fill)

    def member(who: str, role: str) -> object:
        def edit(tx: object, doc: Document) -> None:
            entry = tx.put_object(doc.get(ROOT, "members"), who, ObjType.MAP)  # type: ignore[attr-defined]
            tx.put(entry, "role", role)  # type: ignore[attr-defined]

        return edit

    as_(org, ANNA, member("bert", "member"))
    as_(org, BERT, lambda tx, _d: tx.put(ROOT, "name", "Bert's Omroep"))  # a member: no
    as_(org, CARLA, member("carla", "admin"))  # an outsider makes herself admin: no
    as_(org, CARLA, lambda tx, _d: tx.put(ROOT, "name", "Carla's Omroep"))
    view, _ = initiative_view(org, person_of)
    assert view["name"] == "Lokale Omroep" and set(view["members"]) == {"anna", "bert"}
    as_(org, BERT, lambda tx, d: tx.delete(d.get(ROOT, "members"), "bert"))  # he leaves: yes
    assert set(initiative_view(org, person_of)[0]["members"]) == {"anna"}


def grant_call() -> Document:
    def fill(tx: object) -> None:
        tx.put(ROOT, "title", "Wijk aan Zet")  # type: ignore[attr-defined]
        owners = tx.put_object(ROOT, "owners", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put_object(owners, "anna", ObjType.MAP)  # type: ignore[attr-defined]
        for key in ("volunteers", "applications", "scores", "conflicts", "decisions", "reports"):
            tx.put_object(ROOT, key, ObjType.MAP)  # type: ignore[attr-defined]

    return _made("grant_call", fill)


def put_in(*keys: str, value: object) -> object:
    """Put `value` at the path `keys` under the root, making maps on the way."""

    def edit(tx: object, doc: Document) -> None:
        obj: object = ROOT
        for key in keys[:-1]:
            found = doc.get(obj, key)  # type: ignore[arg-type]
            obj = found if found is not None else tx.put_object(obj, key, ObjType.MAP)  # type: ignore[attr-defined]
        if value is ObjType.MAP:
            tx.put_object(obj, keys[-1], ObjType.MAP)  # type: ignore[attr-defined]
        else:
            tx.put(obj, keys[-1], value)  # type: ignore[attr-defined]

    return edit


def test_a_grant_call_counts_owners_decisions_and_each_persons_own_entries() -> None:
    doc = grant_call()
    as_(doc, BERT, put_in("applications", "app1", value=ObjType.MAP))
    as_(doc, BERT, put_in("applications", "app1", "applicant", value="bert"))
    as_(doc, BERT, put_in("scores", "app1", value=ObjType.MAP))
    as_(doc, CARLA, put_in("scores", "app1", "carla", value=ObjType.MAP))
    as_(doc, CARLA, put_in("scores", "app1", "carla", "score", value=4))
    as_(doc, CARLA, put_in("scores", "app1", "bert", value=ObjType.MAP))  # in Bert's name: no
    as_(doc, CARLA, put_in("decisions", "app1", value=ObjType.MAP))  # not an owner: no
    as_(doc, CARLA, put_in("volunteers", "bert", value=ObjType.MAP))  # offers Bert: no
    as_(doc, CARLA, put_in("applications", "app1", "title", value="Gekaapt"))  # Bert's: no
    as_(doc, CARLA, lambda tx, d: tx.put_object(d.get(ROOT, "scores"), "app1", ObjType.MAP))
    view, _ = initiative_view(doc, person_of)
    assert view["scores"]["app1"] == {"carla": {"score": 4}}  # her own, not hidden by a new map
    assert view["decisions"] == {} and view["volunteers"] == {}
    assert "title" not in view["applications"]["app1"]
    as_(doc, ANNA, put_in("decisions", "app1", value=ObjType.MAP))  # the owner decides
    assert "app1" in initiative_view(doc, person_of)[0]["decisions"]


def test_only_a_jobs_owner_confirms_hours() -> None:
    def fill(tx: object) -> None:
        tx.put(ROOT, "title", "Folders vouwen")  # type: ignore[attr-defined]
        owners = tx.put_object(ROOT, "owners", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put_object(owners, "anna", ObjType.MAP)  # type: ignore[attr-defined]
        for key in ("shifts", "signups", "hours"):
            tx.put_object(ROOT, key, ObjType.MAP)  # type: ignore[attr-defined]

    doc = _made("job", fill)
    as_(doc, BERT, put_in("hours", "h1", value=ObjType.MAP))
    as_(doc, BERT, put_in("hours", "h1", "by", value="bert"))
    as_(doc, BERT, put_in("hours", "h1", "minutes", value=120))
    as_(doc, BERT, put_in("hours", "h1", "confirmed_by", value="bert"))  # his own hours: no
    as_(doc, CARLA, put_in("hours", "h1", "minutes", value=600))  # someone else's: no
    view, _ = initiative_view(doc, person_of)
    assert view["hours"]["h1"] == {"by": "bert", "minutes": 120}
    as_(doc, ANNA, put_in("hours", "h1", "confirmed_by", value="anna"))
    assert initiative_view(doc, person_of)[0]["hours"]["h1"]["confirmed_by"] == "anna"


def test_only_a_places_hosts_decide_on_bookings() -> None:
    def fill(tx: object) -> None:
        tx.put(ROOT, "name", "Dorpshuis")  # type: ignore[attr-defined]
        hosts = tx.put_object(ROOT, "hosts", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put_object(hosts, "anna", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put_object(ROOT, "rooms", ObjType.MAP)  # type: ignore[attr-defined]
        tx.put_object(ROOT, "bookings", ObjType.MAP)  # type: ignore[attr-defined]

    doc = _made("place", fill)
    as_(doc, BERT, put_in("bookings", "b1", value=ObjType.MAP))
    as_(doc, BERT, put_in("bookings", "b1", "by", value="bert"))
    as_(doc, BERT, put_in("bookings", "b1", "status", value="requested"))
    as_(doc, BERT, put_in("bookings", "b1", "status", value="confirmed"))  # his own: no
    as_(doc, CARLA, put_in("bookings", "b1", "cancelled_at", value=1))  # not hers: no
    as_(doc, CARLA, put_in("name", value="Carla's huis"))  # not a host: no
    view, _ = initiative_view(doc, person_of)
    assert view["bookings"]["b1"] == {"by": "bert", "status": "requested"}
    assert view["name"] == "Dorpshuis"
    # Bert's own "confirmed" does not count, so Anna's confirmation is written, not taken as
    # already there (the repository gives every edit this rule: DocumentRepository._edit)
    counts = initiative_effective(doc, person_of)
    doc.actor = ANNA
    with doc.change() as tx:
        tx.counts = lambda op: counts(op, ())
        put_in("bookings", "b1", "status", value="confirmed")(tx, doc)  # type: ignore[operator]
    assert initiative_view(doc, person_of)[0]["bookings"]["b1"]["status"] == "confirmed"


EDITS = st.sampled_from(
    [join("joiner", "bert"), join("coordinator", "carla"), join("initiator", "bert"), task("a"),
     task("b"), title("Tuin"), title("Moestuin!"), join("joiner", "carla")]
)  # fmt: skip
WRITERS = st.sampled_from([ANNA, BERT, CARLA, BERTS_PHONE, bytes.fromhex("ee" * 16)])
OTHER_DEVICE = {
    actor: bytes([0x10 + n]) * 16
    for n, actor in enumerate((ANNA, BERT, CARLA, BERTS_PHONE, bytes.fromhex("ee" * 16)))
}
PEOPLE.update({OTHER_DEVICE[actor]: PEOPLE[actor] for actor in (ANNA, BERT, CARLA, BERTS_PHONE)})
# (the stranger's other device is a stranger too)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(WRITERS, EDITS, st.booleans()), min_size=1, max_size=12))
def test_a_judgement_carried_on_equals_one_made_anew(steps: list[Any]) -> None:
    """`evaluate` with the previous judgement (what a node does as a document grows, including
    merges of concurrent edits made apart) gives what judging every change anew gives, and
    every replica orders concurrent changes the same way."""
    doc = created()
    side = Document.load(doc.save())  # a village cut off, editing apart
    judged = evaluate(doc, person_of)
    for writer, edit, apart in steps:
        if apart:  # the same people on their other device: one actor never writes on two sides
            as_(side, OTHER_DEVICE[writer], edit)
        else:
            as_(doc, writer, edit)
        if not apart:
            judged = evaluate(doc, person_of, previous=judged)
            fresh = evaluate(Document.load(doc.save()), person_of)
            assert judged.effective == fresh.effective
            assert sorted(map(repr, judged.refusals)) == sorted(map(repr, fresh.refusals))
    doc.merge(side)
    judged = evaluate(doc, person_of, previous=judged)
    fresh = evaluate(Document.load(doc.save()), person_of)
    assert view_of(judged)[0] == view_of(fresh)[0]
    assert judged.effective == fresh.effective
    other = Document.load(side.save())
    other.merge(doc)
    assert view_of(evaluate(other, person_of))[0] == view_of(fresh)[0]


def test_two_writers_of_one_comment_made_apart_get_the_same_author_on_every_replica() -> None:
    """A copied comment id (an id is no secret) used by two people while their villages were
    apart: the first maker wins, and every replica agrees which was first (the judging order is
    the changes' first op ids, not the order they arrived in), also when judged on from before."""
    doc = discussion()
    bert_side, carla_side = Document.load(doc.save()), Document.load(doc.save())
    as_(bert_side, BERT, comment("c1", "bert", "Van Bert"))
    as_(carla_side, CARLA, comment("c1", "carla", "Van Carla"))
    one, two = Document.load(doc.save()), Document.load(doc.save())
    judged = evaluate(one, person_of)
    one.merge(bert_side)
    judged = evaluate(one, person_of, previous=judged)
    one.merge(carla_side)
    judged = evaluate(one, person_of, previous=judged)
    two.merge(carla_side)
    two.merge(bert_side)
    views = [view_of(judged)[0], view_of(evaluate(two, person_of))[0]]
    views.append(view_of(evaluate(Document.load(one.save()), person_of))[0])
    assert views[0] == views[1] == views[2]
    assert views[0]["comments"]["c1"]["by"] in ("bert", "carla")
