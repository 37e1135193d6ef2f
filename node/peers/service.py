"""Peering: invite a neighbouring node (it gets a token to dial us with), add one we dial, list and
remove them, and check the token a dialling peer presents.

Tokens are 32 random bytes (url-safe base64). Only a hash of an issued token is kept, so a copy of
the database does not let anyone pose as the invited node; a token we present to another node is
kept as given, because we must present it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from sync.document_id import is_document_id
from sync.repo.urls import parse_automerge_url

from ..errors import Invalid, NotFound
from .models import NAME, URL, FollowedRow, PeerRow, QuarantineRow

INBOUND = "inbound"
OUTBOUND = "outbound"


@dataclass(frozen=True)
class Peer:
    id: int
    name: str
    direction: str
    url: str | None
    created_at: datetime


@dataclass(frozen=True)
class Invitation:
    peer: Peer
    token: str
    """Shown once: hand it to the other node's host over a channel you trust."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _peer(row: PeerRow) -> Peer:
    return Peer(row.id, row.name, row.direction, row.url, row.created_at)


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name or len(name) > NAME:
        raise Invalid("name", f"Geef de buur-node een naam van 1 tot {NAME} tekens.")
    return name


def check_peer_url(url: str) -> str:
    """A sync address: ws:// or wss://, with a host; `http(s)://` is accepted and converted, and
    a missing `/sync` path is added, since that is where every node serves the protocol."""
    url = url.strip()
    if len(url) > URL:
        raise Invalid("url", f"Het adres is langer dan {URL} tekens.")
    parts = urlsplit(url)
    scheme = {"http": "ws", "https": "wss"}.get(parts.scheme, parts.scheme)
    if scheme not in {"ws", "wss"} or not parts.hostname:
        raise Invalid("url", "Geef een adres als wss://dorp.example/sync of ws://127.0.0.1:8000.")
    if parts.query or parts.fragment or parts.username:
        raise Invalid("url", "Het adres mag geen ?, # of inloggegevens bevatten; het token apart.")
    path = parts.path.rstrip("/") or ""
    if not path.endswith("/sync"):
        path += "/sync"
    return f"{scheme}://{parts.netloc}{path}"


async def _name_free(session: AsyncSession, name: str) -> None:
    if await session.scalar(select(PeerRow.id).where(PeerRow.name == name)) is not None:
        raise Invalid("name", f"Er is al een buur-node met de naam {name!r}.")


async def invite(session: AsyncSession, name: str) -> Invitation:
    """Let a neighbouring node dial this one: returns the token its host gives to `peer add`."""
    name = _clean_name(name)
    await _name_free(session, name)
    token = secrets.token_urlsafe(32)
    row = PeerRow(
        name=name,
        direction=INBOUND,
        token_hash=token_hash(token),
        created_at=datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    return Invitation(_peer(row), token)


async def add(session: AsyncSession, url: str, token: str, name: str | None = None) -> Peer:
    """Dial a neighbouring node at `url` with the token its host issued to us."""
    url = check_peer_url(url)
    token = token.strip()
    if not 16 <= len(token) <= 128 or not token.isascii() or not token.isprintable():
        raise Invalid("token", "Dat token klopt niet: plak het zoals de andere node het gaf.")
    name = _clean_name(name or urlsplit(url).netloc)
    await _name_free(session, name)
    if await session.scalar(select(PeerRow.id).where(PeerRow.url == url)) is not None:
        raise Invalid("url", f"Deze node belt {url} al.")
    row = PeerRow(name=name, direction=OUTBOUND, url=url, token=token, created_at=datetime.now(UTC))
    session.add(row)
    await session.flush()
    return _peer(row)


async def remove(session: AsyncSession, name_or_id: str) -> Peer:
    row = await _find(session, name_or_id)
    peer = _peer(row)
    await session.delete(row)
    await session.flush()
    return peer


async def _find(session: AsyncSession, name_or_id: str) -> PeerRow:
    query = select(PeerRow).where(PeerRow.name == name_or_id)
    if name_or_id.isdigit():
        query = select(PeerRow).where(
            (PeerRow.name == name_or_id) | (PeerRow.id == int(name_or_id))
        )
    row = (await session.scalars(query)).first()
    if row is None:
        raise NotFound(f"buur-node {name_or_id}")
    return row


async def peers(session: AsyncSession) -> list[Peer]:
    rows = await session.scalars(select(PeerRow).order_by(PeerRow.name))
    return [_peer(row) for row in rows]


async def outbound(session: AsyncSession) -> list[tuple[Peer, str]]:
    """The nodes to dial, each with the token to present."""
    rows = await session.scalars(
        select(PeerRow).where(PeerRow.direction == OUTBOUND).order_by(PeerRow.id)
    )
    return [(_peer(row), row.token or "") for row in rows]


async def authenticate(session: AsyncSession, token: str) -> Peer | None:
    """The invited peer a presented token belongs to, or None."""
    if not token or len(token) > 128:
        return None
    wanted = token_hash(token)
    row = (
        await session.scalars(
            select(PeerRow).where(PeerRow.direction == INBOUND, PeerRow.token_hash == wanted)
        )
    ).first()
    if row is None or row.token_hash is None or not hmac.compare_digest(row.token_hash, wanted):
        return None
    return _peer(row)


# ---------------------------------------------------------------------------------- followed


async def follow(session: AsyncSession, url_or_id: str) -> str:
    """Ask every dialled peer for this document from now on; returns its id."""
    try:
        document_id = parse_automerge_url(url_or_id.strip()).document_id
    except ValueError as exc:
        raise Invalid("url", f"Geen automerge-adres of document-id: {exc}") from None
    if not is_document_id(document_id):
        raise Invalid("url", "Mekaar volgt alleen documenten met een id van 16 bytes.")
    if await session.get(FollowedRow, document_id) is None:
        session.add(FollowedRow(document_id=document_id, at=datetime.now(UTC)))
        await session.flush()
    return document_id


async def followed(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(FollowedRow.document_id).order_by(FollowedRow.at)))


# ---------------------------------------------------------------------------------- quarantine


@dataclass(frozen=True)
class Quarantined:
    document_id: str
    reason: str
    peer: str
    at: datetime


async def quarantine(session: AsyncSession, document_id: str, reason: str, peer: str) -> None:
    row = await session.get(QuarantineRow, document_id)
    if row is None:
        row = QuarantineRow(document_id=document_id)
        session.add(row)
    row.reason = reason[:1000]
    row.peer = peer[:NAME]
    row.at = datetime.now(UTC)
    await session.flush()


async def release(session: AsyncSession, document_id: str) -> None:
    """The document is valid again (a later change repaired it)."""
    await session.execute(delete(QuarantineRow).where(QuarantineRow.document_id == document_id))


async def quarantined(session: AsyncSession) -> list[Quarantined]:
    rows = await session.scalars(select(QuarantineRow).order_by(QuarantineRow.at.desc()))
    return [Quarantined(r.document_id, r.reason, r.peer, r.at) for r in rows]
