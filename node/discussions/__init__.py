"""Discussions: current topics and initiatives' threads, with comments and replies."""

from .forms import CommentForm, DiscussionForm, ThreadForm
from .service import (
    comment,
    edit_comment,
    edit_discussion,
    reply,
    start_discussion,
    start_thread,
)
from .views import CommentView, DiscussionView, get_discussion, thread_order

__all__ = [
    "CommentForm",
    "CommentView",
    "DiscussionForm",
    "DiscussionView",
    "ThreadForm",
    "comment",
    "edit_comment",
    "edit_discussion",
    "get_discussion",
    "reply",
    "start_discussion",
    "start_thread",
    "thread_order",
]
