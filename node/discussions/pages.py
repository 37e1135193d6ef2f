"""A long thread in pages. A discussion with thousands of comments is read from one document
(cheap once read: the view is kept by heads), but a page that renders every comment, each with
its reply form, grows to megabytes and takes a long time to render and to scroll on a phone.

Pages cut the reading order (node.discussions.views.thread_order) into runs of a fixed length,
so a page boundary may fall inside a thread: the page then says which comment its first reply
answers, with a link to it. Numbers are 1-based; a number out of range is clamped, since a link
to a page that has since grown or shrunk should still land somewhere sensible."""

from __future__ import annotations

from dataclasses import dataclass

from .views import CommentView

COMMENTS_PER_PAGE = 100


@dataclass(frozen=True)
class CommentPage:
    comments: list[CommentView]
    number: int
    """1-based; 1 for a thread without comments."""
    count: int
    """Pages in the thread (at least 1)."""
    total: int
    """Comments in the whole thread."""
    continues: CommentView | None
    """The comment the page's first reply answers, when that comment is on an earlier page."""
    continues_on: int
    """The page `continues` is on (0 without one)."""
    size: int = COMMENTS_PER_PAGE

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.count else None

    @property
    def first_index(self) -> int:
        """Position of the page's first comment in the thread, 1-based (for "51-100 of 5,000")."""
        return (self.number - 1) * self.size + 1 if self.comments else 0

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.comments) - 1 if self.comments else 0


def page_count(total: int, size: int | None = None) -> int:
    return max(1, -(-total // (size or COMMENTS_PER_PAGE)))


def comment_page(comments: list[CommentView], number: int, size: int | None = None) -> CommentPage:
    size = size or COMMENTS_PER_PAGE  # read now: tests make pages short
    count = page_count(len(comments), size)
    number = min(max(number, 1), count)
    start = (number - 1) * size
    shown = comments[start : start + size]
    continues, continues_on = None, 0
    if shown and shown[0].reply_to is not None:
        positions = {c.id: n for n, c in enumerate(comments[:start])}
        parent = positions.get(shown[0].reply_to)
        if parent is not None:
            continues, continues_on = comments[parent], parent // size + 1
    return CommentPage(shown, number, count, len(comments), continues, continues_on, size)


def page_of(comments: list[CommentView], comment_id: str, size: int | None = None) -> int:
    """The page that shows a comment (the last page when the thread does not hold it yet)."""
    size = size or COMMENTS_PER_PAGE
    for n, comment in enumerate(comments):
        if comment.id == comment_id:
            return n // size + 1
    return page_count(len(comments), size)


def parse_page_number(text: str | None) -> int:
    """`?pagina=` as typed or linked: anything that is no positive number is page 1 (a page,
    not an error: the thread is still there)."""
    try:
        number = int(text or "1")
    except ValueError:
        return 1
    return number if number > 0 else 1
