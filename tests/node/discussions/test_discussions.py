"""Current topics and initiative threads: start, comment, reply, edit one's own words."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from node.discussions import (
    CommentForm,
    DiscussionForm,
    ThreadForm,
    comment,
    edit_comment,
    edit_discussion,
    get_discussion,
    reply,
    start_discussion,
    start_thread,
    thread_order,
)
from node.errors import Invalid, NotFound, PermissionDenied
from node.projection import list_discussions
from tests.node.residents import UNKNOWN_ID, Town

TOPIC = DiscussionForm(
    title="Hoe houden we de bibliotheek open?",
    intro="De bibliotheek gaat misschien minder uren open.",
    village="Oldebroek",
    tags="bibliotheek, Voorzieningen",
)


def topic_by(town: Town, name: str = "Anna") -> tuple[str, object]:
    starter = town.resident(name)
    return town.act(start_discussion, starter, TOPIC), starter


def test_anyone_logged_in_starts_a_current_topic(town: Town) -> None:
    anna = town.resident("Anna")
    discussion = town.act(start_discussion, anna, TOPIC)
    view = town.read(get_discussion, discussion)
    assert (view.title, view.intro, view.village, view.tags) == (
        "Hoe houden we de bibliotheek open?",
        "De bibliotheek gaat misschien minder uren open.",
        "Oldebroek",
        ["bibliotheek", "voorzieningen"],
    )
    assert (view.initiative, view.created_by_name, view.comments) == (None, "Anna", [])
    assert [c.message for c in town.changes(discussion)] == ["Gesprek gestart"]
    assert [d.id for d in town.query(list_discussions).items] == [discussion]


def test_starting_a_topic_needs_a_login_and_a_title(town: Town) -> None:
    anna = town.resident("Anna")
    with pytest.raises(PermissionDenied):
        town.act(start_discussion, None, TOPIC)
    for form, field in (
        (DiscussionForm(title=""), "title"),
        (DiscussionForm(title="x" * 201), "title"),
        (DiscussionForm(title="Iets", intro="x" * 100_001), "intro"),
    ):
        with pytest.raises(Invalid) as refused:
            town.act(start_discussion, anna, form)
        assert refused.value.field == field
    assert town.document_count() == 1  # only Anna's profile


def test_an_initiative_thread_names_the_initiative_and_takes_its_place_and_tags(
    town: Town,
) -> None:
    henk = town.resident("Henk")
    initiative = town.initiative(henk, "Repair Café Wezep", tags="repair, duurzaam")
    jan = town.resident("Jan")
    thread = town.act(start_thread, jan, initiative, ThreadForm(intro="Vragen en ideeën"))
    view = town.read(get_discussion, thread)
    assert (view.title, view.initiative, view.initiative_title) == (
        "Gesprek: Repair Café Wezep",
        initiative,
        "Repair Café Wezep",
    )
    assert (view.village, view.tags) == ("Wezep", ["repair", "duurzaam"])
    threads = town.query(list_discussions, initiative=initiative).items
    assert [t.id for t in threads] == [thread]


def test_a_thread_needs_an_initiative_this_node_holds(town: Town) -> None:
    jan = town.resident("Jan")
    for missing in (UNKNOWN_ID, jan.person_id, "../x"):
        with pytest.raises(NotFound):
            town.act(start_thread, jan, missing, ThreadForm())


def test_comments_and_replies_read_in_thread_order(town: Town) -> None:
    discussion, anna = topic_by(town)
    piet, bram = town.resident("Piet"), town.resident("Bram")
    first = town.act(comment, piet, discussion, CommentForm(body="Vrijwilligers kunnen helpen."))
    second = town.act(comment, bram, discussion, CommentForm(body="De gemeente denkt mee."))
    answer = town.act(reply, anna, discussion, first, CommentForm(body="Goed idee, Piet!"))
    deeper = town.act(comment, piet, discussion, CommentForm(body="Dank je.", reply_to=answer))
    view = town.read(get_discussion, discussion)
    assert [(c.id, c.depth, c.by_name) for c in view.comments] == [
        (first, 0, "Piet"),
        (answer, 1, "Anna"),
        (deeper, 2, "Piet"),
        (second, 0, "Bram"),
    ]
    assert view.comments[1].reply_to == first
    messages = [c.message for c in town.changes(discussion)[1:]]
    assert messages == ["Reactie geplaatst", "Reactie geplaatst", "Antwoord geplaatst",
                        "Antwoord geplaatst"]  # fmt: skip


def test_a_hostile_comment_is_stored_as_typed(town: Town) -> None:
    discussion, _anna = topic_by(town)
    piet = town.resident("Piet")
    body = "<script>document.cookie</script>\nTweede regel"
    town.act(comment, piet, discussion, CommentForm(body=body))
    assert town.read(get_discussion, discussion).comments[0].body == body


def test_bad_comments_change_nothing(town: Town) -> None:
    discussion, anna = topic_by(town)
    for form, error in (
        (CommentForm(body=""), Invalid),
        (CommentForm(body="  \n "), Invalid),
        (CommentForm(body="x" * 10_001), Invalid),
        (CommentForm(body="Hoi", reply_to="Onbekend123"), NotFound),
        (CommentForm(body="Hoi", reply_to="../../etc"), NotFound),
    ):
        town.unchanged(discussion, partial(town.act, comment, anna, discussion, form), error)
    town.unchanged(
        discussion, lambda: town.act(comment, None, discussion, CommentForm(body="Hoi")),
        PermissionDenied,
    )  # fmt: skip
    town.unchanged(
        discussion, lambda: town.act(reply, anna, discussion, "", CommentForm(body="Hoi")),
        NotFound,
    )  # fmt: skip


def test_people_edit_only_their_own_comments_which_then_show_as_edited(town: Town) -> None:
    discussion, anna = topic_by(town)
    piet = town.resident("Piet")
    said = town.act(comment, piet, discussion, CommentForm(body="Vrijwiligers"))
    town.unchanged(
        discussion,
        lambda: town.act(edit_comment, anna, discussion, said, CommentForm(body="Anders")),
        PermissionDenied,
    )
    town.act(edit_comment, piet, discussion, said, CommentForm(body="Vrijwilligers"))
    shown = town.read(get_discussion, discussion).comments[0]
    assert (shown.body, shown.edited_at is not None) == ("Vrijwilligers", True)
    assert town.changes(discussion)[-1].message == "Reactie aangepast"
    before = town.stored(discussion)
    town.act(edit_comment, piet, discussion, said, CommentForm(body="Vrijwilligers"))
    assert town.stored(discussion) == before
    town.unchanged(
        discussion,
        lambda: town.act(edit_comment, piet, discussion, "Onbekend123", CommentForm(body="x")),
        NotFound,
    )


def test_only_the_starter_rewords_a_topic(town: Town) -> None:
    discussion, anna = topic_by(town)
    piet = town.resident("Piet")
    view = town.read(get_discussion, discussion)
    form = DiscussionForm(title="Anders", intro=view.intro, version=view.version)
    town.unchanged(
        discussion, lambda: town.act(edit_discussion, piet, discussion, form), PermissionDenied
    )
    town.act(edit_discussion, anna, discussion, form)
    assert town.read(get_discussion, discussion).title == "Anders"


def test_rewording_from_an_old_form_keeps_newer_comments_and_the_latest_own_words(
    town: Town,
) -> None:
    discussion, anna = topic_by(town)
    opened = town.read(get_discussion, discussion)  # two tabs open on the same version
    piet = town.resident("Piet")
    town.act(comment, piet, discussion, CommentForm(body="Ik lees mee."))

    def form(intro: str) -> DiscussionForm:
        return DiscussionForm(
            title=opened.title,
            intro=intro,
            village=opened.village,
            tags=opened.tags,
            version=opened.version,
        )

    town.act(edit_discussion, anna, discussion, form("Eerste versie van de inleiding."))
    town.act(edit_discussion, anna, discussion, form("Tweede versie van de inleiding."))
    view = town.read(get_discussion, discussion)
    assert view.intro == "Tweede versie van de inleiding."
    assert [c.body for c in view.comments] == ["Ik lees mee."]


def test_thread_order_survives_missing_parents_and_reply_cycles() -> None:
    at = datetime(2025, 5, 1, tzinfo=UTC)

    def c(minute: int, reply_to: str | None) -> dict[str, object]:
        return {"at": at.replace(minute=minute), "reply_to": reply_to}

    comments = {
        "aaaaaaa": c(1, None),
        "bbbbbbb": c(2, "aaaaaaa"),
        "ccccccc": c(3, "zzzzzzz"),  # answers a comment this node never got
        "ddddddd": c(4, "eeeeeee"),  # d and e answer each other (a peer's bad data)
        "eeeeeee": c(5, "ddddddd"),
        "fffffff": c(6, "fffffff"),  # answers itself
    }
    order = thread_order(comments)
    assert sorted(cid for cid, _ in order) == sorted(comments)
    assert order[:4] == [("aaaaaaa", 0), ("bbbbbbb", 1), ("ccccccc", 0), ("fffffff", 0)]
    assert order[4:] == [("ddddddd", 0), ("eeeeeee", 1)]


def test_a_comment_sent_twice_with_one_key_is_one_comment_and_one_change(town: Town) -> None:
    """A phone's outbox may send a comment again (docs/offline.md): its key decides its id."""
    discussion, _ = topic_by(town)
    piet = town.resident("Piet")
    form = CommentForm(body="Vrijwilligers kunnen helpen.", idempotency_key="k-1")
    first = town.act(comment, piet, discussion, form)
    changes = len(town.changes(discussion))
    again = town.act(comment, piet, discussion, form)
    assert again == first
    assert [c.id for c in town.read(get_discussion, discussion).comments] == [first]
    assert len(town.changes(discussion)) == changes  # the replay wrote nothing
