"""The running node: settings, identity, documents and database, opened once by the app factory
or a CLI command and passed down (no globals)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from sync.file_store import FileDocStore

from .built_views import BuiltViews
from .db import make_engine, make_sessions
from .documents.heads import HeadsIndex
from .documents.repository import DocumentRepository
from .identity import NodeIdentity, load_node
from .migrations import prepare
from .settings import Settings
from .trust.erasure import Erasures
from .trust.view import RightsView
from .trust.vouchers import Vouchers

HEADS_INDEX = "heads-index.json"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Node:
    settings: Settings
    identity: NodeIdentity
    documents: DocumentRepository
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    node_actor: bytes = field(default_factory=lambda: os.urandom(16))
    """The actor this process writes the node's own catalog with: new for every process, since a
    node restored from a backup must never repeat an actor's sequence numbers its peers already
    hold (they would refuse the change)."""
    vouchers: Vouchers = field(default_factory=Vouchers)
    """Which node vouches for each actor, from the catalogs held here (docs/trust.md §2)."""
    erasures: Erasures = field(default_factory=Erasures)
    """The erasure and rebase records in force here (docs/trust.md §4)."""
    rights: RightsView = field(init=False)
    """Reads documents under the rights that hold across nodes (docs/trust.md §3)."""
    built: BuiltViews = field(default_factory=BuiltViews)
    """Page views built from documents, kept while their inputs stay the same."""
    clock: Callable[[], datetime] = field(default_factory=lambda: _utc_now)
    """What time it is for rules with a moment in them (a grant round's deadline). The demo sets
    it back to replay a past round; tests move it past a deadline."""

    def __post_init__(self) -> None:
        if self.settings.clock_shift_days:
            shift = timedelta(days=self.settings.clock_shift_days)
            self.clock = lambda: _utc_now() + shift
        self.rights = RightsView(
            self.documents, self.vouchers, self.settings.data_path, self.identity.node_id
        )
        self.documents.view = self.rights

    @classmethod
    async def open(cls, settings: Settings, *, null_pool: bool = False) -> Node:
        """Open an initialised node (`mekaar init`) and bring its database to the newest schema
        revision (node/migrations): a new database is created, an old one upgraded."""
        identity = load_node(settings.data_path)
        store = FileDocStore(settings.documents_path)
        heads = HeadsIndex(settings.data_path / HEADS_INDEX, store.stamp)
        documents = DocumentRepository(store, identity.node_id, heads=heads)
        engine = make_engine(settings.effective_database_url, null_pool=null_pool)
        await prepare(engine)
        return cls(settings, identity, documents, engine, make_sessions(engine))

    async def close(self) -> None:
        if self.documents.heads is not None:
            self.documents.heads.save()  # so the next start loads no document just for its heads
        await self.engine.dispose()
