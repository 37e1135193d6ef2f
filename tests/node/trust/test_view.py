"""The node's rights view (node/trust/view.py): a profile found missing is not looked for on
disk for every change judged, and is looked for again once it is stored here."""

from __future__ import annotations

from typing import Any

import pytest

from tests.node.residents import Town


def test_a_missing_profile_is_looked_up_once_until_it_is_stored(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    rights, documents = town.node.rights, town.node.documents
    lookups: list[str] = []
    real_open = documents.open

    def counting_open(document_id: str) -> Any:
        lookups.append(document_id)
        return real_open(document_id)

    monkeypatch.setattr(documents, "open", counting_open)
    elsewhere = "2Xw1dRVvSp9kCnkqXsC2BpFdr2Nt"  # a person whose profile lives in another village
    assert rights._home_of(elsewhere) is None
    assert rights._home_of(elsewhere) is None
    assert lookups == [elsewhere]
    rights.stored(elsewhere)  # the profile arrived (the repository says so when it stores one)
    assert rights._home_of(elsewhere) is None
    assert lookups == [elsewhere, elsewhere]

    anna = town.resident("Anna")  # a profile held here: found, and kept
    lookups.clear()
    assert rights._home_of(anna.person_id) == town.node.identity.node_id
    assert rights._home_of(anna.person_id) == town.node.identity.node_id
    assert lookups.count(anna.person_id) <= 1  # registering may have looked already
