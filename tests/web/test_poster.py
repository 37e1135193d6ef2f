"""The A4 poster: a print page and a PDF whose QR code leads to the initiative."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from litestar import Litestar
from litestar.testing import TestClient
from pypdf import PdfReader

from node.identity import init_node
from node.settings import Settings
from web.app import create_app

from .builders import page_problems, post_form, post_initiative, register


def qr_texts_in_pdf(pdf: bytes) -> list[str]:
    """Every QR code found in the images of the PDF's first page."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    found = []
    for image in page.images:
        found.extend(result.text for result in zxingcpp.read_barcodes(image.image))
    return found


def test_poster_page_shows_title_summary_needs_and_qr(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(
        client, "Moestuin <b>& co</b>", summary="Samen groente kweken achter de school."
    )
    added = post_form(
        client,
        f"/initiatieven/{garden}/nodig",
        {"kind": "hands", "description": "Twee mensen om te sjouwen"},
    )
    assert added.status_code in (200, 303)
    response = client.get(f"/initiatieven/{garden}/poster")
    assert response.status_code == 200
    html = response.text
    assert "<h1>Moestuin &lt;b&gt;&amp; co&lt;/b&gt;</h1>" in html
    assert "Samen groente kweken achter de school." in html
    assert "Twee mensen om te sjouwen" in html
    assert 'src="data:image/png;base64,' in html
    assert f"http://testserver.local/initiatieven/{garden}" in html
    assert '<link rel="stylesheet" href="/static/css/poster.css">' in html
    assert page_problems(html) == []
    css = client.get("/static/css/poster.css").text
    assert "@page" in css and "A4" in css


def test_initiative_page_links_to_its_poster(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    assert f'href="/initiatieven/{garden}/poster"' in client.get(f"/initiatieven/{garden}").text


def test_poster_pdf_carries_a_qr_code_to_the_initiative(client: TestClient[Litestar]) -> None:
    register(client)
    garden = post_initiative(client, "Moestuin")
    response = client.get(f"/initiatieven/{garden}/poster.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "set-cookie" not in response.headers
    assert qr_texts_in_pdf(response.content) == [f"http://testserver.local/initiatieven/{garden}"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Moestuin" in text


@pytest.fixture
def public_client(tmp_path: Path) -> Iterator[TestClient[Litestar]]:
    data = tmp_path / "data"
    init_node(data, "Wezep")
    settings = Settings(data_dir=str(data), public_url="https://wezep.example")
    with TestClient(create_app(settings)) as client:
        yield client


def test_poster_qr_uses_the_public_address_when_set(public_client: TestClient[Litestar]) -> None:
    register(public_client)
    garden = post_initiative(public_client, "Moestuin")
    pdf = public_client.get(f"/initiatieven/{garden}/poster.pdf").content
    assert qr_texts_in_pdf(pdf) == [f"https://wezep.example/initiatieven/{garden}"]


@pytest.mark.parametrize("suffix", ["poster", "poster.pdf"])
@pytest.mark.parametrize("initiative_id", ["onbekend", "2EQDi2eykVzviK1PLduz5BZV8sVX"])
def test_poster_of_an_unknown_initiative_is_not_found(
    client: TestClient[Litestar], initiative_id: str, suffix: str
) -> None:
    assert client.get(f"/initiatieven/{initiative_id}/{suffix}").status_code == 404
