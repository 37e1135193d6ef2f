"""A printable A4 poster per initiative, for the notice board at the shop or the village hall:
`/initiatieven/{id}/poster` (an HTML page; the browser's print makes the poster, no script needed)
and `/initiatieven/{id}/poster.pdf` (the same page through WeasyPrint).

The QR code points at the initiative's absolute address (MEKAAR_PUBLIC_URL, else this request's
host) and is a PNG in a data: URI, so it is an image in the PDF as on paper. WeasyPrint fetches
nothing from the network: its URL fetcher serves only this app's static files and data: URIs.
PDFs take about a second of CPU, so one is made at a time and the last few are kept per
initiative version and language.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from pathlib import Path
from typing import Any

import segno
from litestar import Request, Response, get
from litestar.params import FromPath
from litestar.response import Template
from litestar.types import ControllerRouterHandler
from sqlalchemy.ext.asyncio import AsyncSession
from weasyprint import HTML  # type: ignore[import-untyped]
from weasyprint.urls import (  # type: ignore[import-untyped]
    URLFetcher,
    URLFetcherResponse,
)

from node.accounts import hidden_items
from node.errors import NotFound
from node.initiatives.views import get_initiative
from node.phrases import N_
from node.runtime import Node

from ..deps import Db, NodeDep
from ..i18n import request_language
from ..public import PUBLIC_OPT, absolute

STATIC = Path(__file__).resolve().parents[1] / "static"
PDF_BASE = "https://poster.invalid/"
"""The address the PDF's page pretends to have: `/static/…` links resolve under it, and the
fetcher maps exactly that prefix onto the static folder."""
KEPT_PDFS = 32
TEMPLATE = "initiatives/poster.html"


class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
    """WeasyPrint's fetcher limited to data: URIs and this app's static files; anything else (a
    URL a resident might have smuggled into the page) is refused, never fetched."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = PDF_BASE + "static/"
        if url.startswith(prefix):
            path = (STATIC / url[len(prefix) :].split("?")[0]).resolve()
            if path.is_relative_to(STATIC) and path.is_file():
                media = "text/css" if path.suffix == ".css" else "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media})
        raise ValueError(f"not fetched for a poster: {url[:80]}")


def qr_data_uri(url: str) -> str:
    """The QR code of `url` as a PNG data: URI (medium error correction, for creased paper)."""
    return str(segno.make(url, error="m", micro=False).png_data_uri(scale=10, border=4))


async def poster_context(
    request: Request[Any, Any, Any], node: Node, db: AsyncSession, initiative_id: str
) -> dict[str, Any]:
    initiative = await get_initiative(node, initiative_id)
    if None in await hidden_items(db, initiative.id):
        raise NotFound(N_("initiatief"))
    url = absolute(request, f"/initiatieven/{initiative.id}")
    return {
        "initiative": initiative,
        "url": url,
        "qr": qr_data_uri(url),
        "open_needs": [need for need in initiative.needs if not need.fulfilled],
        "local": initiative.origin_node == node.identity.node_id,
    }


@get("/initiatieven/{initiative_id:str}/poster", include_in_schema=False, opt=PUBLIC_OPT)
async def poster_page(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, initiative_id: FromPath[str]
) -> Template:
    return Template(TEMPLATE, context=await poster_context(request, node, db, initiative_id))


def _render_pdf(html: str) -> bytes:
    pdf: bytes = HTML(string=html, base_url=PDF_BASE, url_fetcher=StaticOnlyFetcher()).write_pdf()
    return pdf


@get("/initiatieven/{initiative_id:str}/poster.pdf", include_in_schema=False, opt=PUBLIC_OPT)
async def poster_pdf(
    request: Request[Any, Any, Any], node: NodeDep, db: Db, initiative_id: FromPath[str]
) -> Response[bytes]:
    context = await poster_context(request, node, db, initiative_id)
    initiative = context["initiative"]
    key = (initiative.id, initiative.version, request_language(request), context["url"])
    kept: OrderedDict[tuple[str, ...], bytes] = request.app.state.setdefault(
        "posters", OrderedDict()
    )
    pdf = kept.get(key)
    if pdf is None:
        template = Template(TEMPLATE, context=context)
        full = template.create_template_context(request)
        engine: Any = request.app.template_engine
        html = engine.get_template(TEMPLATE).render(**full)
        slot: asyncio.Semaphore = request.app.state.setdefault("poster_slot", asyncio.Semaphore(1))
        async with slot:
            pdf = await asyncio.to_thread(_render_pdf, html)
        kept[key] = pdf
        while len(kept) > KEPT_PDFS:
            kept.popitem(last=False)
    filename = f"poster-{initiative.id}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"content-disposition": f'inline; filename="{filename}"'},
    )


ROUTES: list[ControllerRouterHandler] = [poster_page, poster_pdf]
