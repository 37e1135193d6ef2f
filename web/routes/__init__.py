"""Every route of the web app, by feature; web/app.py mounts ROUTES."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from . import about, language

ROUTES: list[ControllerRouterHandler] = [*about.ROUTES, *language.ROUTES]
