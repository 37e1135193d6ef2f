"""What a node keeps between requests stays current: facets and cached pages follow every change."""

from __future__ import annotations

from litestar import Litestar
from litestar.testing import TestClient

from .builders import post_initiative, register


def test_the_tag_and_neighbourhood_choices_follow_a_new_initiative(
    client: TestClient[Litestar],
) -> None:
    register(client)
    post_initiative(client, "Moestuin", neighbourhood="Centrum", tags="groen")
    before = client.get("/").text
    assert 'value="groen"' in before
    assert "Zonnedorp" not in before
    post_initiative(client, "Zonnepanelen", neighbourhood="Zonnedorp", tags="energie")
    after = client.get("/").text
    assert 'value="energie"' in after
    assert "Zonnedorp" in after
