"""Every route of the web app, by feature; web/app.py mounts ROUTES."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from . import (
    about,
    accounts,
    alliances,
    allies,
    api,
    discussions,
    events,
    feeds,
    grants,
    impact,
    initiatives,
    jobs,
    language,
    moderation,
    notifications,
    offline,
    operations,
    organisations,
    peers,
    people,
    places,
    plan,
    polls,
    sync,
)

ROUTES: list[ControllerRouterHandler] = [
    *about.ROUTES,
    *initiatives.ROUTES,
    *allies.ROUTES,
    *plan.ROUTES,
    *discussions.ROUTES,
    *people.ROUTES,
    *organisations.ROUTES,
    *grants.ROUTES,
    *jobs.ROUTES,
    *polls.ROUTES,
    *events.ROUTES,
    *places.ROUTES,
    *impact.ROUTES,
    *alliances.ROUTES,
    *accounts.ROUTES,
    *moderation.ROUTES,
    *notifications.ROUTES,
    *api.ROUTES,
    *language.ROUTES,
    *peers.ROUTES,
    *sync.ROUTES,
    *feeds.ROUTES,
    *operations.ROUTES,
    *offline.ROUTES,
]
