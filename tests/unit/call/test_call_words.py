"""Every call code and outcome a citizen can meet has Latvian and English words."""

from __future__ import annotations

import pytest

from kiosk.call.words import CODE_WORDS, OUTCOME_WORDS, words_for
from kiosk.i18n import Translator
from wire.call import CallOutcome


@pytest.mark.parametrize("language", ["lv", "en"])
def test_every_code_and_outcome_is_translated(language):
    words = Translator(language)
    for msgid in [*CODE_WORDS.values(), *OUTCOME_WORDS.values(), words_for("something_new")]:
        assert words.has(msgid), f"{language}: {msgid!r}"
    assert set(OUTCOME_WORDS) == set(CallOutcome)


def test_latvian_is_not_the_english_text():
    lv = Translator("lv")
    assert lv.gettext(OUTCOME_WORDS[CallOutcome.CALLBACK]) == "Speciālists jums atzvanīs."
    assert all(lv.gettext(m) != m for m in CODE_WORDS.values())


def test_refusal_codes_the_citizen_can_meet_have_words():
    for code in ("calls_disabled", "institution_unknown", "call_unknown", "call_ended", "ticket_invalid",
                 "gateway_unreachable"):
        assert code in CODE_WORDS
