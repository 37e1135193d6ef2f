"""Registering, logging in, who is acting, and roles."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from node import accounts
from node.accounts.models import Account
from node.acting import Acting
from node.errors import Invalid, NotFound, PermissionDenied
from node.people import ProfileForm, edit_profile
from node.runtime import Node

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "lange wandeling door de polder"


def form(email: str = "ann@example.nl", **changes: Any) -> accounts.RegisterForm:
    values = {"password": PASSWORD, "display_name": "Ann", "neighbourhood": "Centrum"}
    return accounts.RegisterForm(email=email, **{**values, **changes})


async def _register(node: Node, registration: accounts.RegisterForm) -> Acting:
    async with node.sessions() as session:
        acting = await accounts.register(node, session, registration, hasher=FAST)
        await session.commit()
        return acting


async def _login(node: Node, email: str, password: str, **options: Any) -> Acting:
    async with node.sessions() as session:
        acting = await accounts.login(
            node, session, accounts.LoginForm(email=email, password=password), **options
        )
        await session.commit()
        return acting


def test_registering_creates_a_profile_document_and_a_local_account(node: Node) -> None:
    async def check() -> None:
        ann = await _register(node, form(" Ann@Example.NL "))
        profile = node.documents.read(ann.person_id)
        assert profile["type"] == "person" and profile["display_name"] == "Ann"
        assert profile["created_by"] == ann.person_id
        assert profile["contributors"] == {ann.actor.hex(): ann.person_id}
        assert profile["place"] == {"village": "Oldebroek", "neighbourhood": "Centrum"}
        assert "email" not in profile and PASSWORD not in repr(profile)
        async with node.sessions() as session:
            account = await session.scalar(select(Account))
            assert account is not None
            assert account.email == "ann@example.nl"
            assert account.password_hash.startswith("$argon2id$")
            assert len(account.actor) == 16 and account.actor == ann.actor
            assert account.created_at.tzinfo is not None

    asyncio.run(check())


def test_the_first_account_is_host_and_later_ones_residents(node: Node) -> None:
    async def check() -> None:
        first = await _register(node, form("ann@example.nl"))
        second = await _register(node, form("bob@example.nl", display_name="Bob"))
        assert first.roles == {"resident", "host"}
        assert second.roles == {"resident"}
        assert first.actor != second.actor

    asyncio.run(check())


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "geen-adres"}, "email"),
        ({"email": "ann@localhost"}, "email"),
        ({"email": ""}, "email"),
        ({"email": "a" * 250 + "@example.nl"}, "email"),
        ({"password": "kort123"}, "password"),
        ({"password": "x" * 9}, "password"),
        ({"password": "x" * 1001}, "password"),
        ({"password": "ann@example.nl"}, "password"),
        ({"display_name": "  "}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
    ],
)
def test_bad_registrations_are_refused_in_dutch(
    node: Node, changes: dict[str, str], field: str
) -> None:
    async def check() -> None:
        with pytest.raises(Invalid) as refused:
            await _register(node, form(**{"email": "ann@example.nl", **changes}))
        assert refused.value.field == field and refused.value.message
        assert list(node.documents.store.ids()) == []  # no profile left behind

    asyncio.run(check())


def test_passwords_of_10_and_1000_characters_are_accepted(node: Node) -> None:
    async def check() -> None:
        await _register(node, form("a@example.nl", password="x" * 10))
        await _register(node, form("b@example.nl", password="é" * 1000))
        assert (await _login(node, "b@example.nl", "é" * 1000, hasher=FAST)).display_name == "Ann"

    asyncio.run(check())


def test_an_email_address_has_one_account_whatever_its_case(node: Node) -> None:
    async def check() -> None:
        await _register(node, form("ann@example.nl"))
        with pytest.raises(Invalid) as refused:
            await _register(node, form("ANN@example.NL", display_name="Andere Ann"))
        assert refused.value.field == "email"

    asyncio.run(check())


def test_login_returns_the_same_person_and_refuses_wrong_passwords(node: Node) -> None:
    async def check() -> None:
        ann = await _register(node, form())
        again = await _login(node, "ANN@example.nl ", PASSWORD, hasher=FAST)
        assert again == ann
        with pytest.raises(Invalid) as wrong:
            await _login(node, "ann@example.nl", PASSWORD + "!", hasher=FAST)
        with pytest.raises(Invalid) as unknown:
            await _login(node, "nobody@example.nl", PASSWORD, hasher=FAST)
        assert wrong.value.field == unknown.value.field == "password"
        assert wrong.value.message == unknown.value.message  # nothing tells which one it was
        async with node.sessions() as session:
            account = await session.scalar(select(Account))
            assert account is not None and account.last_login is not None

    asyncio.run(check())


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.checked: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.checked.append(str(hash))
        return super().verify(hash, password)


def test_an_unknown_email_costs_a_password_check_like_a_known_one(node: Node) -> None:
    async def check() -> None:
        await _register(node, form())
        hasher = CountingHasher()
        for email in ("ann@example.nl", "nobody@example.nl"):
            with pytest.raises(Invalid):
                await _login(node, email, "verkeerd wachtwoord", hasher=hasher)
        assert len(hasher.checked) == 2
        assert all(h.startswith("$argon2id$") for h in hasher.checked)

    asyncio.run(check())


def test_a_hash_with_old_parameters_is_replaced_at_login(node: Node) -> None:
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)

    async def stored() -> str:
        async with node.sessions() as session:
            account = await session.scalar(select(Account))
            assert account is not None
            return account.password_hash

    async def check() -> None:
        await _register(node, form())
        old = await stored()
        assert stronger.check_needs_rehash(old) is not False  # old parameters
        await _login(node, "ann@example.nl", PASSWORD, hasher=stronger)
        new = await stored()
        assert new != old and not stronger.check_needs_rehash(new)
        await _login(node, "ann@example.nl", PASSWORD, hasher=stronger)
        assert await stored() == new  # no rehash when nothing changed

    asyncio.run(check())


def test_acting_for_follows_the_account_and_its_profile(node: Node) -> None:
    async def check() -> None:
        ann = await _register(node, form())
        async with node.sessions() as session:
            assert await accounts.acting_for(session, ann.person_id) == ann
            assert await accounts.acting_for(session, "2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt") is None
            assert await accounts.acting_for(session, "x" * 500) is None
            await edit_profile(
                node, session, ann, ann.person_id, ProfileForm(display_name="Ann de Vries")
            )
            await session.commit()
            renamed = await accounts.acting_for(session, ann.person_id)
            assert renamed is not None and renamed.display_name == "Ann de Vries"

    asyncio.run(check())


def test_only_hosts_set_roles_and_a_node_keeps_a_host(node: Node) -> None:
    async def check() -> None:
        host = await _register(node, form("ann@example.nl"))
        bob = await _register(node, form("bob@example.nl", display_name="Bob"))
        async with node.sessions() as session:
            with pytest.raises(PermissionDenied):
                await accounts.set_roles(session, bob, bob.person_id, {"moderator"})
            with pytest.raises(PermissionDenied):
                await accounts.list_accounts(session, bob)
            with pytest.raises(Invalid):
                await accounts.set_roles(session, host, bob.person_id, {"emperor"})
            with pytest.raises(NotFound):
                await accounts.set_roles(session, host, "2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt", set())
            with pytest.raises(Invalid) as last_host:
                await accounts.set_roles(session, host, host.person_id, {"moderator"})
            assert last_host.value.field == "roles"
            roles = await accounts.set_roles(session, host, bob.person_id, ["moderator"])
            assert roles == {"resident", "moderator"}
            await session.commit()
            bob_now = await accounts.acting_for(session, bob.person_id)
            assert bob_now is not None and bob_now.moderates
            await accounts.set_roles(session, host, bob.person_id, {"host"})
            await accounts.set_roles(session, host, host.person_id, set())  # another host exists
            await session.commit()
            bob_host = await accounts.acting_for(session, bob.person_id)
            assert bob_host is not None and "host" in bob_host.roles
            listed = await accounts.list_accounts(session, bob_host)
            assert [(a.email, a.roles) for a in listed] == [
                ("ann@example.nl", ["resident"]),
                ("bob@example.nl", ["host", "resident"]),
            ]

    asyncio.run(check())
