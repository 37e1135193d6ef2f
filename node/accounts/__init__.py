"""Local-only data of this node: accounts (email, argon2id hash, person id, actor, roles), login
throttling and moderation records. Nothing here is replicated or rebuilt from documents."""

from __future__ import annotations

from .moderation import (
    ModerationEntry,
    hidden_items,
    hide,
    is_hidden,
    moderation_log,
    unhide,
)
from .service import (
    AccountInfo,
    LoginForm,
    RegisterForm,
    acting_for,
    choose_language,
    clean_email,
    list_accounts,
    login,
    register,
    set_roles,
)
from .throttle import LoginThrottled, ThrottleRules

__all__ = [
    "AccountInfo",
    "LoginForm",
    "LoginThrottled",
    "ModerationEntry",
    "RegisterForm",
    "ThrottleRules",
    "acting_for",
    "choose_language",
    "clean_email",
    "hidden_items",
    "hide",
    "is_hidden",
    "list_accounts",
    "login",
    "moderation_log",
    "register",
    "set_roles",
    "unhide",
]
