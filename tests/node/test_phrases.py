"""Node refusals keep their Dutch msgid and values apart, so web/ can show them in English while
the CLI, logs and `str(exc)` read Dutch."""

from __future__ import annotations

import pytest

from node.accounts.throttle import LoginThrottled
from node.errors import Invalid, NotFound, PermissionDenied
from node.fields import clean_text
from node.phrases import N_, Phrase

ENGLISH = {
    "%(label)s mag hoogstens %(max)d tekens lang zijn (nu %(length)d).": (
        "%(label)s can be at most %(max)d characters long (now %(length)d)."
    ),
    "De titel": "The title",
    "Niet gevonden: %(what)s.": "Not found: %(what)s.",
    "reactie": "comment",
    "Te veel mislukte pogingen om in te loggen. Probeer het %(when)s opnieuw.": (
        "Too many failed attempts to log in. Try again %(when)s."
    ),
    "over %(minutes)d minuten": "in %(minutes)d minutes",
    "Geen procent: %(n)d": "No percent: %(name)s",
}


def english(msgid: str) -> str:
    return ENGLISH.get(msgid, msgid)


def test_a_refusal_reads_dutch_and_translates_its_label_and_values() -> None:
    with pytest.raises(Invalid) as refused:
        clean_text("title", "x" * 201, label=N_("De titel"), max_len=200)
    assert refused.value.message == "De titel mag hoogstens 200 tekens lang zijn (nu 201)."
    assert str(refused.value) == "title: " + refused.value.message
    assert refused.value.phrase.render(english) == (
        "The title can be at most 200 characters long (now 201)."
    )


def test_not_found_keeps_its_dutch_noun_and_says_not_found_in_either_language() -> None:
    missing = NotFound(N_("reactie"))
    assert missing.what == "reactie"
    assert str(missing.phrase) == "Niet gevonden: reactie."
    assert missing.phrase.render(english) == "Not found: comment."


def test_a_throttled_login_translates_the_nested_time() -> None:
    throttled = LoginThrottled(600)
    assert "Probeer het over 10 minuten opnieuw" in throttled.message
    assert throttled.phrase.render(english) == (
        "Too many failed attempts to log in. Try again in 10 minutes."
    )


def test_a_text_without_values_is_shown_as_is_and_unknown_text_stays_unchanged() -> None:
    assert str(PermissionDenied("100% zeker niet")) == "100% zeker niet"
    schema_message = Invalid("title", "'x' is too long")
    assert schema_message.phrase.render(english) == "'x' is too long"


def test_a_translation_whose_placeholders_do_not_fit_falls_back_to_dutch() -> None:
    assert Phrase("Geen procent: %(n)d", n=3).render(english) == "Geen procent: 3"
