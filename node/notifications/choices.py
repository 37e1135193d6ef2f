"""The settings page's form and saving it; turning e-mail off from an unsubscribe link."""

from __future__ import annotations

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession

from ..acting import Acting, require_login
from ..errors import Invalid
from ..phrases import N_
from .inbox import settings_row
from .kinds import DIGESTS, KINDS


class PreferencesForm(msgspec.Struct, kw_only=True):
    """`digest` is off, daily or weekly; `hear` lists the kinds left on (a checkbox each)."""

    digest: str = ""
    hear: list[str] | str = msgspec.field(default_factory=list)


async def save_preferences(
    session: AsyncSession, acting: Acting | None, form: PreferencesForm
) -> None:
    me = require_login(acting)
    if form.digest not in DIGESTS:
        raise Invalid("digest", N_("Kies hoe vaak u e-mail wilt: nooit, dagelijks of wekelijks."))
    hear = [form.hear] if isinstance(form.hear, str) else form.hear
    unknown = set(hear) - set(KINDS)
    if unknown:
        raise Invalid("hear", N_("Deze soort melding bestaat niet."))
    row = await settings_row(session, me.person_id)
    row.digest = form.digest
    row.muted = [kind for kind in KINDS if kind not in hear]
    await session.flush()


async def stop_mail(session: AsyncSession, person_id: str) -> None:
    """The unsubscribe link's work (its token was checked by the caller): no more digests."""
    row = await settings_row(session, person_id)
    row.digest = "off"
    await session.flush()
