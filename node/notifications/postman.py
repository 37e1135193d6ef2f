"""The postman: sends the digests that are due, every few minutes, while the node serves (when
MEKAAR_SMTP_HOST is set). `mekaar digest send` does one round by hand."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..rounds import Rounds
from .digest import send_digests
from .language import Catalogs
from .postbox import Postbox, SmtpPostbox

if TYPE_CHECKING:
    from ..runtime import Node
    from ..settings import Settings

log = logging.getLogger("mekaar.notifications")
INTERVAL = 600.0


def base_url(settings: Settings) -> str:
    """Where links in a mail point: the public address, else where this node listens."""
    return settings.public_url or f"http://{settings.host}:{settings.port}"


class Postman(Rounds):
    name = "digest-postman"
    failure = "sending digests failed; trying again"
    log = log

    def __init__(
        self,
        node: Node,
        catalogs: Catalogs,
        postbox: Postbox | None = None,
        interval: float = INTERVAL,
    ) -> None:
        super().__init__(interval)
        self.node = node
        self.catalogs = catalogs
        self.postbox = postbox or SmtpPostbox(node.settings)

    async def once(self) -> int:
        return await self.round()

    async def round(self) -> int:
        """One look: how many digests were sent."""
        letters = await send_digests(
            self.node, self.postbox, self.catalogs, base_url=base_url(self.node.settings)
        )
        return sum(letter.sent for letter in letters)
