"""E-mail digests: per person, at most one per period (a day or an ISO week, local time), only
with news since their last digest, never empty, grouped per initiative or discussion with the
newest first, in the person's language, as text and as HTML (escaped: titles and comments come
from other villages too).

A digest is recorded (its period and the last notice in it) and committed before the mail goes
out: a crash or a second run in the same period sends nothing twice. A mail the server refuses
is lost rather than repeated (logged; its notices stay on the page).
"""

from __future__ import annotations

import asyncio
import gettext
import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from jinja2 import Environment
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.models import Account
from ..phrases import N_
from .inbox import Group, group, preferences, settings_row
from .kinds import KINDS
from .language import Catalogs
from .models import Digest, Notice, NoticeSettings
from .postbox import Postbox
from .tokens import unsubscribe_token

if TYPE_CHECKING:
    from ..runtime import Node

log = logging.getLogger("mekaar.notifications")
LOCAL_TIME = ZoneInfo("Europe/Brussels")
SEND_FROM_HOUR = 7
"""Digests go out from 07:00 local time on: nobody's phone buzzes at night."""
MOST = 50
"""Notices one digest lists at most; the page has them all."""


def period_of(digest: str, now: datetime) -> str | None:
    """The period a digest made now belongs to; None when none goes out now."""
    local = now.astimezone(LOCAL_TIME)
    if digest == "off" or local.hour < SEND_FROM_HOUR:
        return None
    if digest == "daily":
        return local.date().isoformat()
    year, week, _day = local.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class Letter:
    """One digest, made and (unless a dry run) sent."""

    person_id: str
    to: str
    period: str
    notices: int
    message: EmailMessage
    sent: bool


async def send_digests(
    node: Node,
    postbox: Postbox | None,
    catalogs: Catalogs,
    *,
    base_url: str,
    now: datetime | None = None,
    dry_run: bool = False,
) -> list[Letter]:
    """Make (and send, unless `dry_run` or without a postbox) every digest due now."""
    now = now or node.clock()
    letters: list[Letter] = []
    async with node.sessions() as session:
        due = await _due(session)
    for person_id in due:
        async with node.sessions() as session:
            letter = await _make(node, session, person_id, catalogs, base_url, now, dry_run)
            if letter is None:
                continue
            try:
                await session.commit()
            except IntegrityError:  # another run made this period's digest meanwhile
                continue
        sent = False
        if not dry_run and postbox is not None:
            try:
                await asyncio.to_thread(postbox.send, letter.message)
                sent = True
            except Exception:  # a refused mail must not stop the other digests
                log.exception("digest for %s not sent", person_id)
            if sent:
                async with node.sessions() as session:
                    made = await session.get(Digest, (person_id, letter.period))
                    if made is not None:
                        made.sent_at = now
                    await session.commit()
        letters.append(
            Letter(letter.person_id, letter.to, letter.period, letter.notices, letter.message, sent)
        )
    return letters


async def _due(session: AsyncSession) -> list[str]:
    """People with unread notices after their last digest (a cheap first sieve)."""
    last = func.coalesce(NoticeSettings.digested_id, 0)
    query = (
        select(Notice.person_id)
        .outerjoin(NoticeSettings, NoticeSettings.person_id == Notice.person_id)
        .where(Notice.read_at.is_(None), Notice.id > last)
        .where(func.coalesce(NoticeSettings.digest, "weekly") != "off")
        .group_by(Notice.person_id)
    )
    return sorted(await session.scalars(query))


async def _make(
    node: Node,
    session: AsyncSession,
    person_id: str,
    catalogs: Catalogs,
    base_url: str,
    now: datetime,
    dry_run: bool,
) -> Letter | None:
    choices = await preferences(session, person_id)
    period = period_of(choices.digest, now)
    account = await session.get(Account, person_id)
    if period is None or account is None:
        return None
    if await session.get(Digest, (person_id, period)) is not None:
        return None  # one per period, whatever arrived since
    row = await session.get(NoticeSettings, person_id)
    after = row.digested_id if row is not None else 0
    rows = list(
        await session.scalars(
            select(Notice)
            .where(Notice.person_id == person_id, Notice.id > after, Notice.read_at.is_(None))
            .order_by(Notice.at.desc(), Notice.id.desc())
        )
    )
    rows = [r for r in rows if r.kind not in choices.muted]
    if not rows:
        return None  # never an empty digest
    up_to = max(r.id for r in rows)
    groups = await group(session, rows[:MOST])
    lang = account.language or node.settings.language
    if lang not in catalogs:
        lang = "nl"
    token = unsubscribe_token(node.identity.session_secret, person_id)
    message = compose(
        groups,
        catalogs[lang],
        lang=lang,
        to=account.email,
        village=node.identity.name,
        base_url=base_url.rstrip("/"),
        unsubscribe=f"/meldingen/uitschrijven/{person_id}/{token}",
        more=len(rows) > MOST,
    )
    if not dry_run:
        await _remember(session, person_id, period, up_to, len(rows), now)
    return Letter(person_id, account.email, period, len(rows), message, False)


async def _remember(
    session: AsyncSession, person_id: str, period: str, up_to: int, count: int, now: datetime
) -> None:
    row = await settings_row(session, person_id)
    row.digested_id = max(row.digested_id, up_to)
    values = {
        "person_id": person_id,
        "period": period,
        "up_to_id": up_to,
        "notices": count,
        "made_at": now,
        "sent_at": None,
    }
    session.add(Digest(**values))
    await session.flush()


# ------------------------------------------------------------------------------ the mail

_HTML = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
<p>{{ intro }}</p>
{% for g in groups %}
<h2 style="font-size: 1.15em"><a href="{{ base }}{{ g.link }}">{{ g.title }}</a></h2>
<ul>
{% for n in g.notices %}
<li><a href="{{ base }}{{ n.link }}">{{ n.sentence }}</a>
{%- if n.summary %}: {{ n.summary }}{% endif %}
<small>({{ n.when }})</small></li>
{% endfor %}
</ul>
{% endfor %}
{% if more %}<p><a href="{{ base }}/mijn/meldingen">{{ more }}</a></p>{% endif %}
<hr>
<p><small>{{ why }} <a href="{{ base }}/mijn/meldingen/instellingen">{{ settings }}</a> ·
<a href="{{ base }}{{ unsubscribe }}">{{ stop }}</a></small></p>
</body></html>
"""
)


def compose(
    groups: list[Group],
    catalog: gettext.NullTranslations,
    *,
    to: str,
    village: str,
    base_url: str,
    unsubscribe: str,
    more: bool,
    lang: str,
) -> EmailMessage:
    """The digest as a two-part message: plain text first, HTML as the alternative."""
    _ = catalog.gettext
    subject = _(N_("Nieuws uit %(village)s")) % {"village": village}
    intro = _(N_("Dit is er gebeurd in wat u volgt, het nieuwste eerst."))
    someone = _(N_("Iemand"))
    shown: list[dict[str, Any]] = [
        {
            "title": g.title,
            "link": g.link,
            "notices": [
                {
                    "sentence": _(KINDS[n.kind].sentence) % {"who": n.who or someone},
                    "summary": n.summary,
                    "link": n.link,
                    "when": n.at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M"),
                }
                for n in g.notices
            ],
        }
        for g in groups
    ]
    texts = {
        "why": _(N_("U krijgt dit overzicht omdat u meldingen per e-mail aan heeft staan.")),
        "settings": _(N_("Meldingen instellen")),
        "stop": _(N_("Geen e-mail meer")),
        "more": _(N_("Er is meer nieuws: kijk bij uw meldingen.")) if more else "",
    }
    lines = [intro, ""]
    for g in shown:
        lines += [f"{g['title']}", f"{base_url}{g['link']}"]
        for n in g["notices"]:
            summary = f": {n['summary']}" if n["summary"] else ""
            lines.append(f"- {n['sentence']}{summary} ({n['when']})")
            lines.append(f"  {base_url}{n['link']}")
        lines.append("")
    if more:
        lines += [texts["more"], f"{base_url}/mijn/meldingen", ""]
    lines += [
        "-- ",
        texts["why"],
        f"{texts['settings']}: {base_url}/mijn/meldingen/instellingen",
        f"{texts['stop']}: {base_url}{unsubscribe}",
    ]
    message = EmailMessage()
    message["Subject"] = subject
    message["To"] = to
    message["List-Unsubscribe"] = f"<{base_url}{unsubscribe}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content("\n".join(lines))
    html = _HTML.render(
        lang=lang,
        subject=subject,
        intro=intro,
        groups=shown,
        base=base_url,
        unsubscribe=unsubscribe,
        **texts,
    )
    message.add_alternative(html, subtype="html")
    return message
