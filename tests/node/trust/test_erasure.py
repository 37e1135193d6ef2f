"""Erasure on one node (node/trust/rebase.py, records.py, erasure.py): a document rewritten
without one person's words keeps everyone else's; the records that ask for it are checked."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import os
import time
from typing import Any

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from node.accounts.service import RegisterForm, register
from node.discussions import CommentForm, DiscussionForm, comment, start_discussion
from node.errors import NotFound
from node.initiatives import (
    InitiativeForm,
    JoinForm,
    TaskForm,
    add_task,
    edit_initiative,
    join_initiative,
    make_coordinator,
)
from node.people.erasure import erase_resident
from node.projection.catalog_id import catalog_id_of
from node.replication.erasing import apply_erasures
from node.trust.erasure import publish_erasure, read_records
from node.trust.rebase import FORMER_RESIDENT, erased_content, fresh_document
from node.trust.records import (
    RecordError,
    make_erasure,
    make_rebase,
    parse_erasure,
    parse_rebase,
)
from sync.automerge import ROOT, Document, ObjType
from sync.document_id import new_document_id
from tests.node.residents import Town

BERTS = ("BERTTEXT", "BERTTASK", "BERTTITLE", "BERTCOMMENT", "BERTOFFER", "Bert Wisman")
ANNAS = ("ANNATEXT", "ANNATASK", "ANNACOMMENT", "Moestuin Wezep", "Anna schrijft")


def registered(town: Town, name: str) -> Any:
    """A resident with an account (e-mail and password), as erasure starts from one."""
    form = RegisterForm(
        email="bert@example.org", password="lang genoeg wachtwoord", display_name=name
    )
    return town.act(lambda node, session: register(node, session, form))


def edit(town: Town, who: Any, initiative: str, title: str, description: str) -> None:
    form = InitiativeForm(title=title, description=description, village="Wezep")
    town.act(edit_initiative, who, initiative, form)


def written(town: Town) -> tuple[Any, Any, str, str]:
    """Anna's initiative and discussion, in which Bert (a coordinator) writes too."""
    anna, bert = town.resident("Anna"), registered(town, "Bert Wisman")
    initiative = town.initiative(anna, title="Moestuin", description="Anna schrijft hier.")
    town.act(join_initiative, bert, initiative, JoinForm(offer="BERTOFFER"))
    town.act(make_coordinator, anna, initiative, bert.person_id)
    edit(town, bert, initiative, "BERTTITLE", "Anna schrijft hier. BERTTEXT")
    edit(town, anna, initiative, "Moestuin Wezep", "Anna schrijft hier. BERTTEXT ANNATEXT")
    town.act(add_task, bert, initiative, TaskForm(title="BERTTASK"))
    town.act(add_task, anna, initiative, TaskForm(title="ANNATASK"))
    discussion = town.act(start_discussion, anna, DiscussionForm(title="Tuin", village="Wezep"))
    town.act(comment, bert, discussion, CommentForm(body="BERTCOMMENT"))
    town.act(comment, anna, discussion, CommentForm(body="ANNACOMMENT"))
    return anna, bert, initiative, discussion


def every_version(doc: Document) -> str:
    """Every historical state of a document, as JSON (text is one op per character: only a
    materialized version shows a word whole)."""
    states = [doc.to_py(heads=[change.hash]) for change in doc.changes_since([])]
    return json.dumps(states, default=str, ensure_ascii=False)


def test_a_rebase_keeps_everyone_elses_edits_and_none_of_the_persons(town: Town) -> None:
    _, bert, initiative, _ = written(town)
    doc = town.node.documents.open(initiative)
    assert "BERTTEXT" in town.content(initiative)["description"]
    counts = town.node.rights.counts_for(initiative, doc)
    content = erased_content(doc, frozenset({bert.actor}), bert.person_id, counts)
    assert content is not None
    fresh = Document.load(fresh_document(content, os.urandom(16), "herschreven").save())
    shown = fresh.to_py()
    assert shown["title"] == "Moestuin Wezep"  # Bert's title was overwritten; Anna's stays
    assert shown["description"] == "Anna schrijft hier. ANNATEXT"  # his characters are gone
    assert [t["title"] for t in shown["plan"]["tasks"].values()] == ["ANNATASK"]
    assert bert.person_id not in shown["allies"]
    assert bert.person_id not in json.dumps(shown, default=str)
    assert len(fresh.get_heads()) == 1 and not fresh.changes_since([])[0].deps
    for token in BERTS:
        assert token not in every_version(fresh)
    # the description is still a text: a later edit splices into it
    description = fresh.get(ROOT, "description")
    with fresh.change() as tx:
        tx.splice_text(description, 0, 0, "Nu: ")
    assert fresh.text(description).startswith("Nu: Anna schrijft")


def test_erasing_a_resident_rewrites_this_nodes_documents(town: Town) -> None:
    _, bert, initiative, discussion = written(town)
    old_root = town.changes(initiative)[0]
    town.act(erase_resident, bert.person_id)
    result = asyncio.run(apply_erasures(town.node))
    assert {initiative, discussion} <= result.changed
    assert bert.person_id in result.removed  # the profile
    with pytest.raises(NotFound):
        town.node.documents.open(bert.person_id)
    for doc_id in (initiative, discussion):
        doc = Document.load(town.stored(doc_id))
        history = every_version(doc)
        for token in BERTS:
            assert token not in history
            assert token.encode() not in town.stored(doc_id)
    assert "ANNATEXT" in town.content(initiative)["description"]
    comments = town.content(discussion)["comments"]
    assert [c["body"] for c in comments.values()] == ["ANNACOMMENT"]
    # a change of the old history (or by the erased person) is refused from now on
    assert not town.node.erasures.admits(initiative, old_root)
    assert town.node.erasures.admits(initiative, town.changes(initiative)[0])


def test_an_initiative_the_person_started_stays_with_the_others_work(town: Town) -> None:
    anna, bert = town.resident("Anna"), registered(town, "Bert Wisman")
    initiative = town.initiative(bert, title="BERTTITLE", description="BERTTEXT")
    town.act(join_initiative, anna, initiative, JoinForm(offer="ANNAOFFER"))
    town.act(add_task, anna, initiative, TaskForm(title="ANNATASK"))
    town.act(erase_resident, bert.person_id)
    asyncio.run(apply_erasures(town.node))
    content = town.content(initiative)
    assert content["title"] == "(gewist)"
    assert content["created_by"] == FORMER_RESIDENT
    assert [t["title"] for t in content["plan"]["tasks"].values()] == ["ANNATASK"]
    assert "BERT" not in json.dumps(content, default=str)


# ---------------------------------------------------------------------- records


def test_records_round_trip() -> None:
    key = SigningKey.generate()
    erasure = make_erasure(key, "persoon")
    assert parse_erasure(erasure.encode()) == erasure
    rebase = make_rebase(key, "document", 2, bytes(32), "persoon", base={bytes(16): 3})
    assert parse_rebase(rebase.encode()) == rebase


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "not a record string"),
        ("v1.!!!", "not base64url CBOR"),
        ("v1.oA", "person is missing"),
        ("nonsense", "not a record string"),
    ],
)
def test_garbage_records_are_refused(value: Any, reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        parse_erasure(value)


def test_a_forged_or_future_record_is_refused() -> None:
    key, other = SigningKey.generate(), SigningKey.generate()
    good = make_erasure(key, "persoon")
    forged = make_erasure(other, "persoon")
    swapped = good.__class__(good.person, good.node, good.at, forged.sig).encode()
    with pytest.raises(RecordError, match="signature is not by node"):
        parse_erasure(swapped)
    future = make_erasure(key, "persoon", at=int(time.time()) + 3600)
    with pytest.raises(RecordError, match="future"):
        parse_erasure(future.encode())
    with pytest.raises(RecordError, match="root"):
        parse_rebase(make_rebase(key, "d", 1, b"kort", "p").encode())


def test_records_in_the_wrong_catalog_or_replayed_are_refused_with_a_log_line(
    town: Town, caplog: pytest.LogCaptureFixture
) -> None:
    anna = town.resident("Anna")
    initiative = town.initiative(anna)
    publish_erasure(town.node, anna.person_id)  # a valid one, for comparison
    stranger = SigningKey.generate()
    someone, junk = new_document_id(), new_document_id()
    copied = make_erasure(stranger, someone).encode()  # signed by another node
    old = make_rebase(town.node.identity.signing_key, initiative, 1, bytes(32), "p", at=100)
    newer = make_rebase(town.node.identity.signing_key, initiative, 2, bytes(32), "p", at=200)
    town.node.erasures.rebases[initiative] = newer
    catalog = catalog_id_of(town.node.identity.node_id)

    def put(tx: Any, doc: Document) -> None:
        tx.put(doc.get(ROOT, "erasures"), someone, copied)
        tx.put(doc.get(ROOT, "erasures"), junk, "v1.AAAA")
        rebases = tx.put_object(ROOT, "rebases", ObjType.MAP)
        tx.put(rebases, initiative, old.encode())

    from node.replication.catalog import node_author

    town.node.documents.change(catalog, node_author(town.node), "test", put)
    with caplog.at_level(logging.WARNING, logger="mekaar.trust"):
        erasures, rebases = read_records(town.node)
    assert [e.person for e in erasures] == [anna.person_id]
    assert rebases == []
    lines = [r.getMessage() for r in caplog.records]
    assert any(f"{someone} refused: copied from another catalog" in line for line in lines)
    assert any(f"{junk} refused: the record is not" in line for line in lines)
    assert any(f"{initiative} refused: replayed" in line for line in lines)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=900),
        st.binary(max_size=600).map(
            lambda raw: "v1." + base64.urlsafe_b64encode(raw).decode().rstrip("=")
        ),
        st.dictionaries(
            st.sampled_from("pndertsx"),
            st.one_of(st.integers(), st.text(max_size=70), st.binary(max_size=70), st.none()),
        ).map(lambda fields: "v1." + base64.urlsafe_b64encode(cbor2.dumps(fields)).decode()),
    )
)
def test_any_garbage_is_refused_as_a_record_error_and_nothing_else(value: str) -> None:
    for parse in (parse_erasure, parse_rebase):
        with pytest.raises(RecordError):
            parse(value)


def test_edits_the_home_had_not_seen_are_carried_over_by_their_authors_node(
    town: Town, caplog: pytest.LogCaptureFixture
) -> None:
    anna, bert, initiative, _ = written(town)
    # a copy of the initiative in a village that is away, where Anna goes on writing
    elsewhere = Document.load(town.stored(initiative))
    description = elsewhere.get(ROOT, "description")
    with elsewhere.change(actor=anna.actor) as tx:
        tx.splice_text(description, len(elsewhere.text(description)), 0, " NIEUWTEKST")
        tx.put(ROOT, "summary", "Bijgewerkt terwijl het dorp weg was")
    town.act(erase_resident, bert.person_id)
    asyncio.run(apply_erasures(town.node))
    rewritten = town.stored(initiative)
    # this node comes back holding the away copy: the old history goes, Anna's edit is kept
    with town.node.documents.lock(initiative):
        town.node.documents.adopt(initiative, elsewhere)
    town.node.erasures._settled.clear()
    with caplog.at_level(logging.WARNING, logger="mekaar.trust"):
        asyncio.run(apply_erasures(town.node))
    assert any(
        f"{initiative}: 1 change(s) were made after" in r.getMessage() for r in caplog.records
    )
    assert initiative in town.node.erasures.replays
    # the new history arrives (through sync): Anna's edit is written on it, as hers
    with town.node.documents.lock(initiative):
        town.node.documents.adopt(initiative, Document.load(rewritten))
    town.node.erasures._settled.clear()
    asyncio.run(apply_erasures(town.node))
    content = town.content(initiative)
    assert content["description"] == "Anna schrijft hier. ANNATEXT NIEUWTEKST"
    assert content["summary"] == "Bijgewerkt terwijl het dorp weg was"
    assert town.changes(initiative)[-1].actor == anna.actor
    history = every_version(Document.load(town.stored(initiative)))
    for token in BERTS:
        assert token not in history


def test_a_name_only_the_history_of_an_alliance_holds_is_erased_too(town: Town) -> None:
    """A node writes the names of residents who show their skills in an alliance under their
    id, with its own actor; its keeper may already have written the entry anew without an
    erased resident, so only the history names them: the alliance is rewritten all the same."""
    from node.alliance import service as alliances
    from sync.document_id import new_document_id

    bert = town.act(
        register,
        RegisterForm(email="bert@example.org", password="een lang wachtwoord", display_name="B"),
    )
    alliance = new_document_id()
    alliances.make(town.node, alliance, "Salland")
    figures = {"initiatives": 1}
    shown = {bert.person_id: {"name": "QZWXNAAM", "skills": ["QZWXKUNDE"]}}
    entry = {"village": "Wezep", "figures": figures, "skills": shown}
    alliances.publish(town.node, alliance, entry)
    alliances.publish(town.node, alliance, {**entry, "skills": {}})  # the keeper's next round
    assert "QZWXNAAM" not in json.dumps(town.content(alliance), default=str)
    assert "QZWXNAAM" in every_version(Document.load(town.stored(alliance)))
    town.act(erase_resident, bert.person_id)
    result = asyncio.run(apply_erasures(town.node))
    assert alliance in result.changed
    rewritten = Document.load(town.stored(alliance))
    assert "QZWXNAAM" not in every_version(rewritten)
    assert b"QZWXNAAM" not in town.stored(alliance)
    assert town.content(alliance)["name"] == "Salland"
