"""A resident asks their home node to erase them (docs/trust.md §4).

Locally: the account (e-mail, password hash, roles), its failed logins and the app connections
vouched for as the person go; moderation records keep what happened but no longer name them.
Then the node publishes the signed erasure record in its catalog. What the person wrote is taken
out of the documents by `node.trust.erasure.settle`, here for the documents this node is the home
of (the profile among them, which is removed) and on every peer for theirs, once the record has
reached them. The replicator runs it as soon as the catalog changed; a CLI command calls
`node.replication.erasing.apply_erasures` itself.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.models import Account, AccountRole, LoginFailure, ModerationRecord
from ..errors import NotFound
from ..peers.models import PeerRow
from ..phrases import N_
from ..runtime import Node
from ..trust.erasure import publish_erasure
from ..trust.rebase import FORMER_RESIDENT
from ..trust.records import Erasure


async def erase_resident(node: Node, session: AsyncSession, person_id: str) -> Erasure:
    """Erase a resident of this node; the caller commits. Raises NotFound for no account."""
    account = await session.get(Account, person_id)
    if account is None:
        raise NotFound(N_("account"))
    await session.execute(delete(LoginFailure).where(LoginFailure.email == account.email))
    await session.execute(
        update(PeerRow).where(PeerRow.person_id == person_id).values(person_id=None)
    )
    for column in (ModerationRecord.by, ModerationRecord.undone_by):
        await session.execute(
            update(ModerationRecord).where(column == person_id).values({column: FORMER_RESIDENT})
        )
    await session.execute(delete(AccountRole).where(AccountRole.person_id == person_id))
    await session.delete(account)
    await session.flush()
    return await asyncio.to_thread(publish_erasure, node, person_id)


async def person_of_email(session: AsyncSession, email: str) -> str:
    found = await session.scalar(
        select(Account.person_id).where(Account.email == email.strip().lower())
    )
    if found is None:
        raise NotFound(N_("account"))
    return found
