"""Accounts on this node: register, log in, who is acting, roles.

An account ties an email address and a password to one person: their profile document (created
through node.people at registration; its id is the person id and the account's key) and their
Automerge actor on this node. The first account registered on a node is its host.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import msgspec
from argon2 import PasswordHasher
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from ..acting import ROLES, Acting
from ..errors import Invalid, NotFound, PermissionDenied
from ..people import ProfileForm, create_profile
from ..phrases import N_
from ..projection.models import PersonRow
from ..replication.catalog import bind_actor
from . import throttle
from .models import EMAIL, ID, Account, AccountRole
from .passwords import (
    MAX_LENGTH,
    check_new_password,
    default_hasher,
    hash_password,
    verify_password,
)

if TYPE_CHECKING:
    from ..runtime import Node

_EMAIL = re.compile(r"^[^\s@\x00-\x1f\x7f]{1,64}@(?:[\w-]{1,63}\.)+[^\W\d_]{2,63}$")
WRONG_LOGIN = N_("Dit e-mailadres en wachtwoord horen niet bij elkaar.")


class RegisterForm(msgspec.Struct, kw_only=True):
    """What someone fills in to join this node. An empty village means this node's own name."""

    email: str
    password: str
    display_name: str
    village: str = ""
    neighbourhood: str = ""


class LoginForm(msgspec.Struct, kw_only=True):
    email: str
    password: str


class AccountInfo(msgspec.Struct, frozen=True, kw_only=True):
    """An account as the host's account page shows it (never the hash or the actor)."""

    person_id: str
    email: str
    display_name: str
    roles: list[str]
    created_at: datetime
    last_login: datetime | None


def clean_email(value: object) -> str:
    """Trimmed and lowercased; refused with a Dutch message when it cannot be an address."""
    if not isinstance(value, str):
        raise Invalid("email", N_("Vul een e-mailadres in."))
    email = value.strip().lower()
    if not email:
        raise Invalid("email", N_("Vul een e-mailadres in."))
    if len(email) > EMAIL or not _EMAIL.match(email):
        raise Invalid("email", N_("Dit is geen geldig e-mailadres (zoals naam@voorbeeld.nl)."))
    return email


async def register(
    node: Node,
    session: AsyncSession,
    form: RegisterForm,
    *,
    hasher: PasswordHasher | None = None,
    now: datetime | None = None,
) -> Acting:
    """Create an account and its public profile; returns the new person, logged in.

    Raises Invalid for a bad or already used email address, a password outside 10-1000
    characters, or profile fields the profile refuses (display name, place).
    """
    hasher = hasher or default_hasher()
    now = now or datetime.now(UTC)
    email = clean_email(form.email)
    password = check_new_password(form.password, email)
    if await session.scalar(select(Account.person_id).where(Account.email == email)):
        raise Invalid(
            "email", N_("Er is al een account met dit e-mailadres. Log in met dat adres.")
        )
    password_hash = await hash_password(hasher, password)
    actor = secrets.token_bytes(16)
    profile = ProfileForm(
        display_name=form.display_name,
        village=form.village if form.village.strip() else node.identity.name,
        neighbourhood=form.neighbourhood,
    )
    person_id = await create_profile(node, session, profile, actor=actor)
    # the node vouches for the new actor in its catalog, so peers apply what it writes
    await asyncio.to_thread(bind_actor, node, actor, person_id)
    name = await session.scalar(select(PersonRow.display_name).where(PersonRow.id == person_id))
    name = name or form.display_name.strip()[:80]
    first = not await session.scalar(select(func.count()).select_from(Account))
    roles = frozenset({"resident", "host"} if first else {"resident"})
    account = Account(
        person_id=person_id,
        email=email,
        password_hash=password_hash,
        actor=actor,
        display_name=name,
        created_at=now,
        last_login=now,
        roles=[AccountRole(role=role) for role in sorted(roles)],
    )
    session.add(account)
    try:
        await session.flush()
    except IntegrityError:
        raise Invalid("email", N_("Er is al een account met dit e-mailadres.")) from None
    return Acting(person_id=person_id, actor=actor, display_name=name, roles=roles)


async def login(
    node: Node,
    session: AsyncSession,
    form: LoginForm,
    *,
    client: str | None = None,
    hasher: PasswordHasher | None = None,
    rules: throttle.ThrottleRules = throttle.DEFAULT_RULES,
    now: datetime | None = None,
) -> Acting:
    """The person whose email and password these are.

    Raises Invalid with one message for an unknown email and a wrong password alike (and takes
    as long for both), and throttle.LoginThrottled (an Invalid with retry_after) after too many
    failures for this email or this client address. A hash made with older parameters is
    replaced on success. Failures are committed on their own, whatever the caller does next.
    """
    hasher = hasher or default_hasher()
    now = now or datetime.now(UTC)
    email = throttle.email_key(form.email if isinstance(form.email, str) else "")
    address = throttle.client_key(client)
    password = form.password
    if not isinstance(password, str) or not password or len(password) > MAX_LENGTH:
        raise Invalid("password", WRONG_LOGIN)
    await throttle.check(session, email, address, rules, now)
    account = await session.scalar(
        select(Account).options(selectinload(Account.roles)).where(Account.email == email)
    )
    stored = account.password_hash if account is not None else None
    if not await verify_password(hasher, stored, password) or account is None:
        await throttle.record_failure(node.sessions, email, address, rules, now)
        raise Invalid("password", WRONG_LOGIN)
    if hasher.check_needs_rehash(account.password_hash):
        account.password_hash = await hash_password(hasher, password)
    account.last_login = now
    await throttle.forget_failures(session, email)
    await session.flush()
    return await _acting(session, account)


async def _acting(session: AsyncSession, account: Account) -> Acting:
    name = await session.scalar(
        select(PersonRow.display_name).where(PersonRow.id == account.person_id)
    )
    return Acting(
        person_id=account.person_id,
        actor=account.actor,
        display_name=name or account.display_name,
        roles=frozenset(role.role for role in account.roles),
        language=account.language,
    )


async def choose_language(session: AsyncSession, acting: Acting, language: str) -> None:
    """Remember the person's language choice on their account."""
    account = await session.get(Account, acting.person_id)
    if account is not None and account.language != language:
        account.language = language[:8]
        await session.flush()


async def acting_for(session: AsyncSession, account_id: str) -> Acting | None:
    """Who a web session's account id (the person id) is now, or None if the account is gone.

    The display name comes from the profile as projected, so a renamed profile shows at once.
    """
    if not isinstance(account_id, str) or not 0 < len(account_id) <= ID:
        return None
    account = await session.scalar(
        select(Account).options(selectinload(Account.roles)).where(Account.person_id == account_id)
    )
    return None if account is None else await _acting(session, account)


def _require_host(acting: Acting | None) -> Acting:
    if acting is None or "host" not in acting.roles:
        raise PermissionDenied(N_("Alleen de beheerder van deze node kan dit doen."))
    return acting


async def set_roles(
    session: AsyncSession, acting: Acting | None, account_id: str, roles: Iterable[str]
) -> frozenset[str]:
    """Give an account exactly these roles (resident is always kept); hosts only.

    The last host cannot stop being host, so a node is never left without one.
    """
    _require_host(acting)
    wanted = set(roles) if not isinstance(roles, str) else {roles}
    unknown = sorted(role for role in wanted if role not in ROLES)
    if unknown:
        raise Invalid("roles", N_("Onbekende rol: %(roles)s."), roles=", ".join(unknown)[:100])
    wanted.add("resident")
    account = await session.scalar(
        select(Account).options(selectinload(Account.roles)).where(Account.person_id == account_id)
    )
    if account is None:
        raise NotFound(N_("account"))
    had = {role.role for role in account.roles}
    if "host" in had and "host" not in wanted:
        hosts = await session.scalar(
            select(func.count()).select_from(AccountRole).where(AccountRole.role == "host")
        )
        if (hosts or 0) <= 1:
            raise Invalid("roles", N_("Er moet minstens één beheerder (host) overblijven."))
    await session.execute(delete(AccountRole).where(AccountRole.person_id == account_id))
    session.add_all(AccountRole(person_id=account_id, role=role) for role in sorted(wanted))
    await session.flush()
    session.expire(account)
    return frozenset(wanted)


async def list_accounts(session: AsyncSession, acting: Acting | None) -> list[AccountInfo]:
    """Every account on this node, oldest first; hosts only (it shows email addresses)."""
    _require_host(acting)
    rows = (
        await session.execute(
            select(Account, PersonRow.display_name)
            .outerjoin(PersonRow, PersonRow.id == Account.person_id)
            .options(selectinload(Account.roles))
            .order_by(Account.created_at, Account.person_id)
        )
    ).all()
    return [
        AccountInfo(
            person_id=account.person_id,
            email=account.email,
            display_name=name or account.display_name,
            roles=sorted(role.role for role in account.roles),
            created_at=account.created_at,
            last_login=account.last_login,
        )
        for account, name in rows
    ]
