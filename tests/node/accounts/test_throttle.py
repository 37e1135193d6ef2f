"""Too many failed logins for one email, or from one address, are refused for a while."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher

from node import accounts
from node.acting import Acting
from node.errors import Invalid
from node.runtime import Node

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "lange wandeling door de polder"
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


async def _register(node: Node, email: str) -> Acting:
    async with node.sessions() as session:
        registration = accounts.RegisterForm(email=email, password=PASSWORD, display_name="Ann")
        acting = await accounts.register(node, session, registration, hasher=FAST)
        await session.commit()
        return acting


async def _login(node: Node, email: str, password: str, **options: Any) -> Acting:
    """As the web does it: the request's session is rolled back when login refuses."""
    async with node.sessions() as session:
        try:
            acting = await accounts.login(
                node,
                session,
                accounts.LoginForm(email=email, password=password),
                hasher=FAST,
                **options,
            )
        except Invalid:
            await session.rollback()
            raise
        await session.commit()
        return acting


def test_five_failures_for_an_email_lock_it_for_a_while(node: Node) -> None:
    async def check() -> None:
        await _register(node, "ann@example.nl")
        for minute in range(5):
            with pytest.raises(Invalid) as wrong:
                await _login(node, "ann@example.nl", "raden", now=NOW + timedelta(minutes=minute))
            assert not isinstance(wrong.value, accounts.LoginThrottled)
        with pytest.raises(accounts.LoginThrottled) as locked:  # even the right password
            await _login(node, "ann@example.nl", PASSWORD, now=NOW + timedelta(minutes=5))
        assert locked.value.retry_after == 10 * 60  # the first failure leaves the window at 15
        assert "Probeer het over 10 minuten opnieuw" in locked.value.message
        assert locked.value.field == "email"
        later = NOW + timedelta(minutes=15, seconds=1)
        assert (await _login(node, "ann@example.nl", PASSWORD, now=later)).display_name == "Ann"

    asyncio.run(check())


def test_a_successful_login_starts_the_email_afresh(node: Node) -> None:
    async def check() -> None:
        await _register(node, "ann@example.nl")
        for minute in range(4):
            with pytest.raises(Invalid):
                await _login(node, "ann@example.nl", "raden", now=NOW + timedelta(minutes=minute))
        await _login(node, "ann@example.nl", PASSWORD, now=NOW + timedelta(minutes=4))
        for _ in range(4):
            with pytest.raises(Invalid) as wrong:
                await _login(node, "ann@example.nl", "raden", now=NOW + timedelta(minutes=5))
            assert not isinstance(wrong.value, accounts.LoginThrottled)

    asyncio.run(check())


def test_one_address_trying_many_emails_is_refused(node: Node) -> None:
    rules = accounts.ThrottleRules(per_email=100, per_client=3)

    async def check() -> None:
        await _register(node, "ann@example.nl")
        for i in range(3):
            with pytest.raises(Invalid):
                await _login(
                    node,
                    f"guess{i}@example.nl",
                    "raden",
                    client="203.0.113.9",
                    rules=rules,
                    now=NOW,
                )
        with pytest.raises(accounts.LoginThrottled):
            await _login(
                node, "ann@example.nl", PASSWORD, client="203.0.113.9", rules=rules, now=NOW
            )
        from_elsewhere = await _login(
            node, "ann@example.nl", PASSWORD, client="198.51.100.7", rules=rules, now=NOW
        )
        assert from_elsewhere.display_name == "Ann"

    asyncio.run(check())


def test_unknown_emails_are_throttled_like_known_ones(node: Node) -> None:
    async def check() -> None:
        for _ in range(5):
            with pytest.raises(Invalid):
                await _login(node, "nobody@example.nl", "raden", now=NOW)
        with pytest.raises(accounts.LoginThrottled):
            await _login(node, "nobody@example.nl", "raden", now=NOW)

    asyncio.run(check())
