"""The effective view (sync/automerge/effective.py): only ops that count are shown, with
Automerge's own visibility rule among them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.automerge import ROOT, Counter, Document, ObjType
from sync.automerge.effective import effective_to_py
from sync.automerge.op import Op

HONEST = bytes.fromhex("aa" * 16)
OTHER = bytes.fromhex("bb" * 16)
ROGUE = bytes.fromhex("ff" * 16)


def not_rogue(op: Op, path: tuple[str, ...]) -> bool:
    return op.id[1] != ROGUE


def everything(op: Op, path: tuple[str, ...]) -> bool:
    return True


def base() -> Document:
    doc = Document(HONEST)
    with doc.change() as tx:
        tx.put(ROOT, "title", "Moestuin")
        tasks = tx.put_object(ROOT, "tasks", ObjType.LIST)
        tx.insert(tasks, 0, "water geven")
        body = tx.put_object(ROOT, "body", ObjType.TEXT)
        tx.splice_text(body, 0, 0, "Hallo")
        tx.put(ROOT, "supporters", Counter(1))
        plan = tx.put_object(ROOT, "plan", ObjType.MAP)
        tx.put(plan, "fase", "begin")
    return doc


def rogue_edits(doc: Document) -> Document:
    rogue = doc.fork(actor=ROGUE)
    with rogue.change() as tx:
        tx.put(ROOT, "title", "Vervalst")
        tx.delete(rogue.get(ROOT, "plan"), "fase")
        tasks = rogue.get(ROOT, "tasks")
        tx.insert(tasks, 1, "vervalste taak")
        tx.delete(tasks, 0)
        tx.splice_text(rogue.get(ROOT, "body"), 5, 0, " vervalst")
        tx.increment(ROOT, "supporters", 100)
        tx.put(ROOT, "extra", "nieuw")
    doc.merge(rogue)
    return doc


def test_ops_that_do_not_count_leave_the_view_as_it_was() -> None:
    doc = base()
    before = doc.to_py()
    rogue_edits(doc)
    assert doc.to_py()["title"] == "Vervalst"  # the plain view shows everything
    assert effective_to_py(doc, not_rogue) == before


def test_a_later_effective_edit_wins_over_an_ineffective_one_as_usual() -> None:
    doc = rogue_edits(base())
    with doc.change() as tx:
        tx.put(ROOT, "title", "Moestuin aan de dijk")
    assert effective_to_py(doc, not_rogue)["title"] == "Moestuin aan de dijk"
    honest_branch = base()  # an honest concurrent edit still conflicts by the usual rule
    other = honest_branch.fork(actor=OTHER)
    with other.change() as tx:
        tx.put(ROOT, "title", "Buurtmoestuin")
    honest_branch.merge(other)
    assert effective_to_py(honest_branch, not_rogue) == honest_branch.to_py()


def test_the_path_names_where_an_op_writes() -> None:
    doc = rogue_edits(base())
    seen: set[tuple[str, ...]] = set()

    def record(op: Op, path: tuple[str, ...]) -> bool:
        seen.add(path)
        return True

    effective_to_py(doc, record)
    assert {("title",), ("tasks",), ("body",), ("plan", "fase"), ("supporters",)} <= seen


def test_only_the_paths_a_rogue_may_write_count() -> None:
    doc = rogue_edits(base())

    def tasks_only(op: Op, path: tuple[str, ...]) -> bool:
        return op.id[1] != ROGUE or path[:1] == ("tasks",)

    view = effective_to_py(doc, tasks_only)
    assert view["tasks"] == ["vervalste taak"]
    assert view["title"] == "Moestuin" and view["body"] == "Hallo"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["put", "del", "ins", "inc", "text"]), st.integers(0, 3)),
        max_size=15,
    )
)
def test_when_every_op_counts_the_view_is_to_py(script: list[tuple[str, int]]) -> None:
    doc = base()
    other = doc.fork(actor=OTHER)
    for i, (what, n) in enumerate(script):
        target = doc if i % 2 else other
        with target.change() as tx:
            tasks, body = target.get(ROOT, "tasks"), target.get(ROOT, "body")
            if what == "put":
                tx.put(ROOT, f"k{n}", i)
            elif what == "del" and target.get(ROOT, f"k{n}") is not None:
                tx.delete(ROOT, f"k{n}")
            elif what == "ins":
                tx.insert(tasks, min(n, target.length(tasks)), f"t{i}")
            elif what == "inc":
                tx.increment(ROOT, "supporters", n)
            else:
                tx.splice_text(body, min(n, target.length(body)), 0, "é")
    doc.merge(other)
    assert effective_to_py(doc, everything) == doc.to_py()
