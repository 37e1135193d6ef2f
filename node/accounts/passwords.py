"""Passwords: argon2id through argon2-cffi, hashed and checked in a worker thread (each takes tens
of milliseconds of CPU on purpose, which must not stall the event loop).

Unknown emails are checked against a dummy hash made with the same parameters, so a login for an
address that has no account costs as long as one with a wrong password.
"""

from __future__ import annotations

import asyncio
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..errors import Invalid
from ..phrases import N_

MIN_LENGTH = 10
MAX_LENGTH = 1000

_default = PasswordHasher()  # argon2id with argon2-cffi's current recommended parameters
_dummies: dict[tuple[int, int, int, int, int], str] = {}
_dummy_lock = threading.Lock()


def default_hasher() -> PasswordHasher:
    return _default


def check_new_password(password: object, email: str) -> str:
    """A password someone chooses: 10 to 1000 characters, not their email address."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise Invalid(
            "password", N_("Kies een wachtwoord van minstens %(min)d tekens."), min=MIN_LENGTH
        )
    if len(password) > MAX_LENGTH:
        raise Invalid(
            "password", N_("Een wachtwoord is hoogstens %(max)d tekens lang."), max=MAX_LENGTH
        )
    if password.strip().casefold() == email.casefold():
        raise Invalid("password", N_("Kies een wachtwoord dat niet uw e-mailadres is."))
    return password


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    return await asyncio.to_thread(hasher.hash, password)


def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(hasher: PasswordHasher, stored: str | None, password: str) -> bool:
    """Check `password` against `stored`, or against a dummy hash when there is no account."""
    return await asyncio.to_thread(_verify, hasher, stored or _dummy(hasher), password)


def _dummy(hasher: PasswordHasher) -> str:
    key = (
        hasher.time_cost,
        hasher.memory_cost,
        hasher.parallelism,
        hasher.hash_len,
        hasher.salt_len,
    )
    with _dummy_lock:
        if key not in _dummies:
            _dummies[key] = hasher.hash("no account has this password")
        return _dummies[key]
