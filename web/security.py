"""Security headers on every response, error pages included: a Content-Security-Policy without
inline scripts or styles ('self' only, so the vendored htmx runs and nothing else), no framing, no
sniffing. Added in a `before_send` hook because route middleware never sees unrouted 404s.

One exception to "no framing": a route whose handler has `opt={EMBEDDABLE: True}` (the widget,
web/routes/widget.py) may be framed by any site. It gets the same policy with
`frame-ancestors *` and no X-Frame-Options (DENY there would still forbid framing in browsers that
honour it). Every other page, including unrouted ones, keeps refusing to be framed, which is what
protects its forms from clickjacking.
"""

from __future__ import annotations

from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

EMBEDDABLE = "embeddable"
"""The route option that lets other sites put a page in an iframe."""


def _policy(frame_ancestors: str) -> str:
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        )
    )


CSP = _policy("'none'")
EMBEDDABLE_CSP = _policy("*")
COMMON = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}
HEADERS = {"content-security-policy": CSP, "x-frame-options": "DENY", **COMMON}
EMBEDDABLE_HEADERS = {"content-security-policy": EMBEDDABLE_CSP, **COMMON}


def _embeddable(scope: Scope) -> bool:
    handler: Any = scope.get("route_handler")
    return bool(handler is not None and handler.opt.get(EMBEDDABLE))


async def add_security_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    chosen = EMBEDDABLE_HEADERS if _embeddable(scope) else HEADERS
    for name, value in chosen.items():
        if name not in headers:
            headers[name] = value
    # one URL serves a page or an htmx partial: caches must keep the two apart
    headers.add("vary", "HX-Request")
