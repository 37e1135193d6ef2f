"""For the host: how replication with neighbouring nodes goes (connected or not, last sync,
documents behind, the last error) and what arrived that could not be shown (the quarantine, and
changes held because no node vouches for their writer), as a page and as JSON. Peers are added
with the CLI (`mekaar peer`), which is where the tokens are."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from litestar import Request, get
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from node.acting import Acting, require_login
from node.errors import PermissionDenied
from node.peers import service as peers
from node.phrases import N_
from node.replication.replicator import Replicator
from node.runtime import Node

from ..deps import ActingDep, Db, NodeDep


def _host(acting: Acting | None) -> Acting:
    acting = require_login(acting)
    if "host" not in acting.roles:
        raise PermissionDenied(N_("Alleen de beheerder van deze node ziet de buur-nodes."))
    return acting


async def _overview(node: Node, db: AsyncSession, replicator: Replicator) -> dict[str, Any]:
    live = {state.name: state for state in replicator.status()}
    rows = []
    for peer in await peers.peers(db):
        state = live.get(peer.name)
        rows.append(
            {
                "name": peer.name,
                "direction": peer.direction,
                "url": peer.url,
                "kind": peer.kind,
                "node_id": peer.node_id,
                "connected": bool(state and state.connected),
                "since": state.since if state else None,
                "last_sync": state.last_sync if state else None,
                "documents": state.documents if state else 0,
                "behind": state.behind if state else 0,
                "last_error": state.last_error if state else None,
            }
        )
    quarantine = [asdict(q) for q in await peers.quarantined(db)]
    held = [asdict(h) for h in replicator.held.listing()]
    refused = [
        {"document_id": doc_id, **asdict(refusal)}
        for doc_id, refusals in sorted(node.rights.refused().items())
        for refusal in refusals
    ]
    return {
        "node_id": node.identity.node_id,
        "peers": rows,
        "quarantine": quarantine,
        "held": held,
        "refused": refused,
    }


@get("/beheer/buren", name="peers", include_in_schema=False)
async def peers_page(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, acting: ActingDep
) -> Template:
    _host(acting)
    overview = await _overview(node, db, request.app.state.replicator)
    return Template("peers.html", context={"acting": acting, **overview})


@get("/api/peers", summary="Replication with neighbouring nodes (host only)")
async def peers_json(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, acting: ActingDep
) -> dict[str, Any]:
    _host(acting)
    return await _overview(node, db, request.app.state.replicator)


ROUTES = [peers_page, peers_json]
