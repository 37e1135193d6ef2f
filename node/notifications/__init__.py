"""Calm notifications: news for the people who follow a thing, on a page and in e-mail digests
(docs/dialogue.md, "Notifications"). Local-only data: nothing here replicates."""

from __future__ import annotations

from .choices import PreferencesForm, save_preferences, stop_mail
from .inbox import mark_all_read, notices, preferences, unread_count
from .kinds import DEFAULT_DIGEST, DIGESTS, KINDS
from .news import find, snapshot
from .tokens import unsubscribe_token, valid_token

__all__ = [
    "DEFAULT_DIGEST",
    "DIGESTS",
    "KINDS",
    "PreferencesForm",
    "find",
    "mark_all_read",
    "notices",
    "preferences",
    "save_preferences",
    "snapshot",
    "stop_mail",
    "unread_count",
    "unsubscribe_token",
    "valid_token",
]
