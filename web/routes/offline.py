"""What a phone needs to keep working offline (docs/offline.md): the service worker at the site's
root, the web app manifest, the page shown for pages never visited, and a fresh CSRF token with
who is logged in, fetched before the service worker replays its outbox.

The service worker's file lives in web/static/js/sw.js; it is served here, at /sw.js, so that its
scope is the whole site, with the cache name's version filled in: a hash of the static files, so a
changed file gives a new worker that drops the old cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.response import Template
from litestar.utils.scope.state import ScopeState

from ..i18n import request_language
from ..public import translator

STATIC = Path(__file__).resolve().parent.parent / "static"
WORKER = STATIC / "js" / "sw.js"
NO_COOKIES: dict[str, Any] = {"acting": False, "skip_session": True, "exclude_from_csrf": True}
"""The worker and the manifest are the same for everyone: no session read, no cookie set."""
THEME = "#1f6f5c"


def static_version(directory: Path = STATIC) -> str:
    """A short hash of every static file's path and bytes: changes whenever one of them does."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(path.relative_to(directory).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def worker_source() -> bytes:
    """sw.js with its version filled in (read per request: small, and the worker is fetched
    rarely, on navigation at most once a day by the browser's update check)."""
    return WORKER.read_text("utf-8").replace("__VERSION__", static_version()).encode("utf-8")


@get("/sw.js", include_in_schema=False, opt=NO_COOKIES)
async def service_worker() -> Response[bytes]:
    return Response(
        worker_source(),
        media_type="text/javascript; charset=utf-8",
        headers={"cache-control": "no-cache", "service-worker-allowed": "/"},
    )


@get("/manifest.webmanifest", include_in_schema=False, opt=NO_COOKIES)
async def manifest(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    _ = translator(request)
    name = request.app.state.node.identity.name
    body = {
        "name": f"{_('Voor Mekaar')} · {name}",
        "short_name": _("Voor Mekaar"),
        "description": _("Initiatieven, gesprekken en klussen in %(village)s.") % {"village": name},
        "lang": request_language(request),
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME,
        "icons": [
            {"src": "/static/icon-192.png", "sizes": "192x192", "type": "image/png"},
            {"src": "/static/icon-512.png", "sizes": "512x512", "type": "image/png"},
            {"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return Response(
        body,
        media_type="application/manifest+json",
        headers={"cache-control": "no-cache", "vary": "Cookie, Accept-Language"},
    )


@get("/offline", include_in_schema=False)
async def offline_page() -> Template:
    """Shown by the service worker for a page the phone never kept; kept at install."""
    return Template("offline.html")


@get("/csrf", include_in_schema=False)
async def fresh_token(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    """The current CSRF token (the middleware sets its cookie if there was none) and who is
    logged in: before replaying, the service worker checks it is still the same person."""
    acting = request.state.acting
    body = {
        "token": ScopeState.from_scope(request.scope).csrf_token,
        "person": acting.person_id if acting else None,
    }
    return Response(body, headers={"cache-control": "no-store"})


ROUTES = [service_worker, manifest, offline_page, fresh_token]
