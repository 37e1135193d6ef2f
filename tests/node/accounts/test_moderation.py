"""Moderators hide content on this node; every hide and undo stays on record."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from node import accounts
from node.acting import Acting
from node.errors import Invalid, NotFound, PermissionDenied
from node.runtime import Node

DOC = "2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt"
MOD = Acting("3Mod1111111111111111111111", b"\x01" * 16, "Mo", frozenset({"resident", "moderator"}))
HOST = Acting("3Host111111111111111111111", b"\x02" * 16, "Ho", frozenset({"resident", "host"}))
RESIDENT = Acting("3Res1111111111111111111111", b"\x03" * 16, "Re")
T = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_hiding_is_recorded_and_undoing_keeps_the_record(node: Node) -> None:
    async def check() -> None:
        async with node.sessions() as session:
            record = await accounts.hide(
                session, MOD, DOC, reason=" Reclame voor een winkel ", now=T
            )
            assert (record.doc_id, record.item_id, record.by) == (DOC, None, MOD.person_id)
            assert record.reason == "Reclame voor een winkel" and record.active
            assert await accounts.is_hidden(session, DOC)
            again = await accounts.hide(session, HOST, DOC, reason="nogmaals")
            assert again.id == record.id  # already hidden: the same record
            undone = await accounts.unhide(session, HOST, DOC, now=T + timedelta(hours=1))
            assert undone.undone_at == T + timedelta(hours=1) and undone.undone_by == HOST.person_id
            assert not await accounts.is_hidden(session, DOC)
            await session.commit()
        async with node.sessions() as session:
            log = await accounts.moderation_log(session, MOD, doc_id=DOC)
            assert [(e.id, e.reason, e.active) for e in log] == [
                (record.id, "Reclame voor een winkel", False)
            ]
            rehidden = await accounts.hide(session, MOD, DOC, reason="Weer reclame")
            assert rehidden.id != record.id
            assert len(await accounts.moderation_log(session, MOD)) == 2

    asyncio.run(check())


def test_single_items_can_be_hidden(node: Node) -> None:
    async def check() -> None:
        async with node.sessions() as session:
            await accounts.hide(session, MOD, DOC, item_id="comment1", reason="Scheldwoord")
            await accounts.hide(session, MOD, DOC, item_id="comment2", reason="Scheldwoord")
            await accounts.unhide(session, MOD, DOC, item_id="comment2")
            assert await accounts.hidden_items(session, DOC) == {"comment1"}
            assert not await accounts.is_hidden(session, DOC)  # the document itself is shown
            await accounts.hide(session, MOD, DOC, item_id="", reason="Alles")  # "" = document
            assert await accounts.hidden_items(session, DOC) == {"comment1", None}

    asyncio.run(check())


def test_only_moderators_and_hosts_hide(node: Node) -> None:
    async def check() -> None:
        async with node.sessions() as session:
            for who in (RESIDENT, None):
                with pytest.raises(PermissionDenied):
                    await accounts.hide(session, who, DOC, reason="Weg ermee")
                with pytest.raises(PermissionDenied):
                    await accounts.unhide(session, who, DOC)
                with pytest.raises(PermissionDenied):
                    await accounts.moderation_log(session, who)
            with pytest.raises(Invalid) as no_reason:
                await accounts.hide(session, MOD, DOC, reason="   ")
            assert no_reason.value.field == "reason"
            with pytest.raises(Invalid):
                await accounts.hide(session, MOD, DOC, reason="x" * 501)
            with pytest.raises(Invalid):
                await accounts.hide(session, MOD, "x" * 65, reason="te lang")
            with pytest.raises(NotFound):
                await accounts.unhide(session, MOD, DOC)  # nothing hidden

    asyncio.run(check())
