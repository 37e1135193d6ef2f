"""Peering: invite a neighbouring node (it gets a token to dial us with), add one we dial, list and
remove them, and check the token a dialling peer presents.

Tokens are 32 random bytes (url-safe base64). Only a hash of an issued token is kept, so a copy of
the database does not let anyone pose as the invited node; a token we present to another node is
kept as given, because we must present it.

A token alone is not enough for a node: in every handshake it proves the key behind its node id
(sync/repo/proof.py), and the key is pinned: given by the host (`peer add --node`), or taken on
first use. From then on the token works only with that key (docs/trust.md §1).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from sync.document_id import is_document_id
from sync.repo.proof import ProofError, verify_key_of
from sync.repo.urls import parse_automerge_url

from ..errors import Invalid, NotFound
from .models import NAME, URL, FollowedRow, PeerRow, QuarantineRow

INBOUND = "inbound"
OUTBOUND = "outbound"
NODE = "node"
APP = "app"
RELAY = "relay"


@dataclass(frozen=True)
class Peer:
    id: int
    name: str
    direction: str
    url: str | None
    created_at: datetime
    kind: str = NODE
    node_id: str | None = None
    """The pinned key (a node id); None for an app or relay, or a node not yet seen."""
    pinned_at: datetime | None = None
    person_id: str | None = None
    """An app or relay: the local person this node vouches for its new actors as."""

    @property
    def proves_key(self) -> bool:
        return self.kind == NODE


class PinMismatch(Exception):
    """A node proved another key than the one pinned for its peer entry."""

    def __init__(self, peer: Peer, node_id: str) -> None:
        self.peer, self.node_id = peer, node_id
        super().__init__(
            f"buur-node {peer.name} bewees sleutel {node_id}, maar vastgezet is {peer.node_id}"
        )


@dataclass(frozen=True)
class Invitation:
    peer: Peer
    token: str
    """Shown once: hand it to the other node's host over a channel you trust."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _peer(row: PeerRow) -> Peer:
    return Peer(
        row.id,
        row.name,
        row.direction,
        row.url,
        row.created_at,
        row.kind or NODE,
        row.node_id,
        row.pinned_at,
        row.person_id,
    )


def check_node_id(node_id: str) -> str:
    """A node id as the other host gives it (`mekaar peer invite` prints it)."""
    node_id = node_id.strip()
    try:
        verify_key_of(node_id)
    except ProofError as exc:
        raise Invalid("node", f"Dat is geen node-id: {exc.reason}.") from None
    return node_id


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


async def invite(
    session: AsyncSession, name: str, kind: str = NODE, person: str | None = None
) -> Invitation:
    """Let a neighbouring node (or, with kind `app`, an automerge-repo app) dial this one:
    returns the token its host gives to `peer add`. A node's key is pinned on first use; an
    app's new actors are vouched for as `person` (a local account's e-mail or person id), and
    without one what it writes is held."""
    if kind not in {NODE, APP}:
        raise Invalid("kind", "Nodig een node of een app uit.")
    if person and kind != APP:
        raise Invalid("person", "Alleen voor een app staat deze node in als een bewoner.")
    person_id = await local_person(session, person) if person else None
    name = _clean_name(name)
    await _name_free(session, name)
    token = secrets.token_urlsafe(32)
    row = PeerRow(
        name=name,
        direction=INBOUND,
        token_hash=token_hash(token),
        created_at=datetime.now(UTC),
        kind=kind,
        person_id=person_id,
    )
    session.add(row)
    await session.flush()
    return Invitation(_peer(row), token)


async def add(
    session: AsyncSession,
    url: str,
    token: str,
    name: str | None = None,
    *,
    node_id: str | None = None,
    relay: bool = False,
    person: str | None = None,
) -> Peer:
    """Dial a neighbouring node at `url` with the token its host issued to us. `node_id` pins
    its key now (else it is pinned on first use); a `relay` is a plain automerge-repo sync
    server, which proves no key."""
    url = check_peer_url(url)
    if relay and node_id:
        raise Invalid("node", "Een relay-server heeft geen node-id.")
    if person and not relay:
        raise Invalid("person", "Alleen voor een relay-server staat deze node in als een bewoner.")
    person_id = await local_person(session, person) if person else None
    pinned = check_node_id(node_id) if node_id else None
    token = token.strip()
    if not 16 <= len(token) <= 128 or not token.isascii() or not token.isprintable():
        raise Invalid("token", "Dat token klopt niet: plak het zoals de andere node het gaf.")
    name = _clean_name(name or urlsplit(url).netloc)
    await _name_free(session, name)
    if await session.scalar(select(PeerRow.id).where(PeerRow.url == url)) is not None:
        raise Invalid("url", f"Deze node belt {url} al.")
    now = datetime.now(UTC)
    row = PeerRow(
        name=name,
        direction=OUTBOUND,
        url=url,
        token=token,
        created_at=now,
        kind=RELAY if relay else NODE,
        node_id=pinned,
        pinned_at=now if pinned else None,
        person_id=person_id,
    )
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


async def local_person(session: AsyncSession, email_or_id: str) -> str:
    """The person id of a local account, given its e-mail address or person id."""
    from ..accounts.models import Account

    wanted = email_or_id.strip()
    found = await session.scalar(
        select(Account.person_id).where(
            (Account.email == wanted.lower()) | (Account.person_id == wanted)
        )
    )
    if found is None:
        raise Invalid("person", f"Geen account op deze node met e-mailadres of id {wanted!r}.")
    return str(found)


async def pin(session: AsyncSession, peer_id: int, node_id: str) -> bool:
    """A node proved `node_id` for this peer entry: pin it on first use (returns True), or check
    it against the pin. Raises PinMismatch for another key, NotFound when the entry is gone."""
    row = await session.get(PeerRow, peer_id)
    if row is None:
        raise NotFound(f"buur-node {peer_id}")
    if row.kind != NODE:
        raise Invalid("kind", f"{row.name} is een {row.kind}: daar wordt geen sleutel vastgezet.")
    if row.node_id is None:
        # only if still unpinned: of two first connections racing, one pins, the other is
        # checked against what the first pinned
        done = await session.execute(
            update(PeerRow)
            .where(PeerRow.id == peer_id, PeerRow.node_id.is_(None))
            .values(node_id=node_id, pinned_at=datetime.now(UTC))
            .execution_options(synchronize_session=False)
        )
        await session.refresh(row)
        if getattr(done, "rowcount", 0) == 1:
            return True
    if row.node_id is None or not hmac.compare_digest(row.node_id, node_id):
        raise PinMismatch(_peer(row), node_id)
    return False


async def repin(session: AsyncSession, name_or_id: str, node_id: str | None = None) -> Peer:
    """Forget a node's pinned key (it moved to new hardware and has a new key, say): the next key
    it proves is pinned, or `node_id` right now."""
    row = await _find(session, name_or_id)
    if row.kind != NODE:
        raise Invalid("name", f"{row.name} is een {row.kind}, geen node: die heeft geen sleutel.")
    row.node_id = check_node_id(node_id) if node_id else None
    row.pinned_at = datetime.now(UTC) if node_id else None
    await session.flush()
    return _peer(row)


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


async def release_all(session: AsyncSession, document_ids: list[str]) -> None:
    """`release` for many documents at once (replication admits them by the hundred)."""
    for start in range(0, len(document_ids), 500):
        chunk = document_ids[start : start + 500]
        await session.execute(delete(QuarantineRow).where(QuarantineRow.document_id.in_(chunk)))


async def quarantined(session: AsyncSession) -> list[Quarantined]:
    rows = await session.scalars(select(QuarantineRow).order_by(QuarantineRow.at.desc()))
    return [Quarantined(r.document_id, r.reason, r.peer, r.at) for r in rows]
