"""What a moderator hid stays out of everything that leaves the site: feeds, calendars, the
widget and posters."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import post_form, post_initiative, register


def test_a_hidden_initiative_is_in_no_feed_calendar_widget_or_poster(
    client: TestClient[Litestar],
) -> None:
    register(client, "Host")  # the first account is the host, a moderator
    spam = post_initiative(client, "Koop nu goedkope horloges")
    post_form(client, f"/initiatieven/{spam}/taken", {"title": "Horloges", "due": "2030-01-01"})
    hidden = post_form(client, "/moderatie/verbergen", {"doc_id": spam, "reason": "reclame"})
    assert hidden.status_code in (200, 303)
    for path in ("/nieuws.rss", "/nieuws.atom", "/agenda.ics", "/widget"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "horloges" not in response.text.lower(), path
    for suffix in ("nieuws.rss", "nieuws.atom", "agenda.ics", "poster", "poster.pdf"):
        assert client.get(f"/initiatieven/{spam}/{suffix}").status_code == 404, suffix
