"""Work a node does now and then (node/rounds.py): a failed round is logged and the next comes
anyway; stop ends it."""

from __future__ import annotations

import asyncio
import logging

import pytest

from node.rounds import Rounds


class Flaky(Rounds):
    name = "flaky"
    failure = "the flaky round failed"

    def __init__(self) -> None:
        super().__init__(0.01)
        self.done = 0

    async def once(self) -> int:
        self.done += 1
        if self.done == 1:
            raise RuntimeError("the first round breaks")
        return self.done


def test_a_failed_round_is_logged_and_the_rounds_go_on_until_stopped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def run() -> int:
        rounds = Flaky()
        rounds.start()
        while rounds.done < 3:
            await asyncio.sleep(0.01)
        await rounds.stop()
        stopped_at = rounds.done
        await asyncio.sleep(0.05)
        assert rounds.done == stopped_at  # nothing after stop
        await rounds.stop()  # stopping twice is harmless
        return stopped_at

    with caplog.at_level(logging.ERROR, logger="mekaar"):
        assert asyncio.run(run()) >= 3
    assert [r.getMessage() for r in caplog.records] == ["the flaky round failed"]
