"""Login throttling: too many failed logins for one email address, or from one client address,
within a window, and further attempts are refused (before any password is checked) until the
oldest counted failure leaves the window.

Failures are written in their own transaction: the request that failed is rolled back, and its
failure must still count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from ..errors import Invalid
from ..phrases import N_, Phrase
from .models import ADDRESS, EMAIL, LoginFailure


@dataclass(frozen=True)
class ThrottleRules:
    window: timedelta = timedelta(minutes=15)
    per_email: int = 5
    """Failures for one email address (any client) before it is refused for a while."""
    per_client: int = 20
    """Failures from one client address (any email) before it is refused for a while."""


DEFAULT_RULES = ThrottleRules()


class LoginThrottled(Invalid):
    """Refused before checking the password; `retry_after` says in how many seconds to retry."""

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        when = (
            Phrase(N_("over een minuut"))
            if minutes == 1
            else Phrase(N_("over %(minutes)d minuten"), minutes=minutes)
        )
        super().__init__(
            "email",
            N_("Te veel mislukte pogingen om in te loggen. Probeer het %(when)s opnieuw."),
            when=when,
        )
        self.retry_after = retry_after


def client_key(client: str | None) -> str:
    return (client or "")[:ADDRESS]


def email_key(email: str) -> str:
    return email.strip().lower()[:EMAIL]


async def _blocked_until(
    session: AsyncSession,
    whose: ColumnElement[bool],
    limit: int,
    rules: ThrottleRules,
    now: datetime,
) -> datetime | None:
    """When the limit-th most recent failure leaves the window, if `limit` failures are in it."""
    statement = (
        select(LoginFailure.at)
        .where(whose, LoginFailure.at > now - rules.window)
        .order_by(LoginFailure.at.desc())
        .limit(limit)
    )
    recent = (await session.scalars(statement)).all()
    if len(recent) < limit:
        return None
    return recent[-1] + rules.window


async def check(
    session: AsyncSession, email: str, client: str, rules: ThrottleRules, now: datetime
) -> None:
    """Raise LoginThrottled when this email or this client has used up its failures."""
    until = [
        await _blocked_until(session, LoginFailure.email == email, rules.per_email, rules, now)
    ]
    if client:
        until.append(
            await _blocked_until(
                session, LoginFailure.client == client, rules.per_client, rules, now
            )
        )
    latest = max((u for u in until if u is not None), default=None)
    if latest is not None and latest > now:
        raise LoginThrottled(max(1, math.ceil((latest - now).total_seconds())))


async def record_failure(
    sessions: async_sessionmaker[AsyncSession],
    email: str,
    client: str,
    rules: ThrottleRules,
    now: datetime,
) -> None:
    """Remember one failure (committed at once) and forget failures older than the window."""
    async with sessions() as session:
        await session.execute(delete(LoginFailure).where(LoginFailure.at < now - rules.window))
        session.add(LoginFailure(email=email, client=client, at=now))
        await session.commit()


async def forget_failures(session: AsyncSession, email: str) -> None:
    """After a successful login the email starts afresh (the client's count stays)."""
    await session.execute(delete(LoginFailure).where(LoginFailure.email == email))
