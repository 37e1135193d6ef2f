"""Item ids: random, or decided by an action's idempotency key (docs/offline.md)."""

from __future__ import annotations

import base58
from hypothesis import given
from hypothesis import strategies as st

from node.ids import MAX_KEY, item_id_for, keyed_item_id, new_item_id

keys = st.text(min_size=1, max_size=MAX_KEY)
scopes = st.lists(st.text(max_size=30), min_size=1, max_size=3)


@given(keys, scopes)
def test_one_key_in_one_scope_always_gives_the_same_id_shaped_like_a_random_one(
    key: str, scope: list[str]
) -> None:
    made = item_id_for(key, *scope)
    assert made == item_id_for(key, *scope) == keyed_item_id(key, *scope)
    assert len(base58.b58decode(made)) == len(base58.b58decode(new_item_id())) == 8


@given(keys, scopes, scopes)
def test_another_scope_gives_another_id(key: str, one: list[str], other: list[str]) -> None:
    if "\0".join(one) != "\0".join(other):
        assert keyed_item_id(key, *one) != keyed_item_id(key, *other)


def test_no_key_or_an_overlong_one_gives_a_fresh_id() -> None:
    assert item_id_for("", "doc") != item_id_for("", "doc")
    too_long = "k" * (MAX_KEY + 1)
    assert item_id_for(too_long, "doc") != item_id_for(too_long, "doc")
