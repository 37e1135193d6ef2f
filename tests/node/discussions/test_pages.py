"""A long thread in pages (node.discussions.pages), without a node: cutting the reading order,
clamping numbers from old links, and saying where a reply that starts a page belongs."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from node.discussions.pages import comment_page, page_count, page_of, parse_page_number
from node.discussions.views import CommentView


def thread(*parents: int | None) -> list[CommentView]:
    """Comments in reading order; `parents[n]` is the index of the comment n answers."""
    at = datetime(2026, 11, 26, tzinfo=UTC)
    return [
        CommentView(
            id=f"c{n}",
            by="persoon-anna",
            by_name=f"Anna {n}",
            at=at,
            body=f"reactie {n}",
            reply_to=None if parent is None else f"c{parent}",
            edited_at=None,
            depth=0 if parent is None else 1,
        )
        for n, parent in enumerate(parents)
    ]


def test_pages_cut_the_reading_order_and_count_from_one() -> None:
    comments = thread(*[None] * 7)
    first = comment_page(comments, 1, 3)
    assert [c.id for c in first.comments] == ["c0", "c1", "c2"]
    assert (first.number, first.count, first.total) == (1, 3, 7)
    assert (first.previous, first.next, first.first_index, first.last_index) == (None, 2, 1, 3)
    last = comment_page(comments, 3, 3)
    assert [c.id for c in last.comments] == ["c6"]
    assert (last.previous, last.next, last.first_index, last.last_index) == (2, None, 7, 7)


def test_a_page_number_from_an_old_link_is_clamped() -> None:
    comments = thread(*[None] * 7)
    assert comment_page(comments, 99, 3).number == 3
    assert comment_page(comments, -4, 3).number == 1
    empty = comment_page([], 5, 3)
    assert (empty.number, empty.count, empty.comments, empty.first_index) == (1, 1, [], 0)


def test_a_page_that_starts_inside_a_thread_names_the_comment_it_continues() -> None:
    comments = thread(None, None, None, 1, 1, None)  # c3 answers c1, which is on page 1
    page = comment_page(comments, 2, 3)
    assert page.continues is not None and page.continues.id == "c1"
    assert page.continues_on == 1
    assert comment_page(comments, 1, 3).continues is None
    orphan = thread(None, None, None, None)
    orphan[3] = msgspec.structs.replace(orphan[3], reply_to="elders")
    assert comment_page(orphan, 2, 3).continues is None  # its parent is not held here


def test_the_page_of_a_comment_and_of_one_not_held_yet() -> None:
    comments = thread(*[None] * 7)
    assert [page_of(comments, f"c{n}", 3) for n in range(7)] == [1, 1, 1, 2, 2, 2, 3]
    assert page_of(comments, "nog-niet-hier", 3) == 3


def test_what_people_type_after_pagina_is_a_page_or_the_first() -> None:
    assert [parse_page_number(t) for t in ("3", "", None, "0", "-2", "drie", "1e9")] == [
        3,
        1,
        1,
        1,
        1,
        1,
        1,
    ]


@given(st.integers(0, 60), st.integers(1, 9))
def test_the_pages_together_hold_every_comment_once_in_order(total: int, size: int) -> None:
    comments = thread(*[None] * total)
    pages = [comment_page(comments, n, size) for n in range(1, page_count(total, size) + 1)]
    assert [c.id for p in pages for c in p.comments] == [c.id for c in comments]
    assert all(0 < len(p.comments) <= size for p in pages) or total == 0
