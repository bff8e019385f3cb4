"""The screens of unblocking PIN2 while signing, as view models on real flow states, in Latvian and
English: the review says PIN2 is blocked and offers the PUK; the pad's steps say PIN2 and show PIN2's
colour for the new code; the end goes back to signing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.ui.pin_view import TONE_PIN2
from kiosk.ui.presenter import present
from kiosk.ui.viewmodel import PinKind
from tests.unit.flow import support
from tests.unit.flow.test_pin2_unblock import NEW_PIN2, at_new_pin2, blocked_review, keys
from tests.unit.flow.test_signing_flow import signed_in


@pytest.fixture(scope="module")
def tr():
    return {"lv": Translator("lv"), "en": Translator("en")}


def view(state, tr, lang="en"):
    return present(replace(state, language=lang), tr[lang])


def run(state, *events):
    return support.run(state, *events)[0]


def ids(v) -> list[str]:
    return [b.id for b in v.actions]


def test_the_review_says_pin2_is_blocked_and_offers_the_puk(tr) -> None:
    state = blocked_review(signed_in())
    en, lv = view(state, tr), view(state, tr, "lv")
    assert en.notice == "PIN2 is blocked" and en.lines[:2] == (
        "You can unblock it here with the PUK code from your PIN envelope, or ask staff for help.",
        "PUK code: 3 tries left")
    assert ids(en) == ["btn-back", "btn-unblock"]  # no "Sign with PIN2" the card would refuse
    unblock = en.actions[1]
    assert (unblock.text, unblock.intent, unblock.kind) == ("Unblock PIN2 with PUK", ev.StartPukUnblock(), "primary")
    assert lv.actions[1].text == "Atbloķēt PIN2 ar PUK" and lv.notice == "PIN2 ir bloķēts"


def test_with_the_puk_blocked_too_only_back_and_the_words_for_pmlp(tr) -> None:
    state = blocked_review(signed_in(), puk_tries=0)
    en = view(state, tr)
    assert ids(en) == ["btn-back"]
    state = run(at_new_pin2(signed_in()), *keys(NEW_PIN2), ev.PinConfirm(), *keys(NEW_PIN2), ev.PinConfirm(),
                ev.PinChangeFailed("puk_blocked", 0))
    lv = view(state, tr, "lv")
    assert lv.notice == "PIN2 un PUK kods ir bloķēti" and "PMLP" in lv.lines[0] and ids(lv) == ["btn-back"]


def test_the_pad_says_pin2_and_takes_pin2s_colour_for_the_new_code(tr) -> None:
    puk = run(blocked_review(signed_in()), ev.StartPukUnblock(), ev.PinKey())
    v = view(puk, tr)
    assert (v.title, v.pin.kind, v.tone) == ("Enter your PUK code", PinKind.PUK, "normal")
    assert v.lines[0] == "Unblocking PIN2: step 1 of 3" and (v.pin.min_length, v.pin.max_length) == (8, 12)
    new = at_new_pin2(signed_in())
    for lang, title, step in (("en", "Enter a new PIN2", "Unblocking PIN2: step 2 of 3"),
                              ("lv", "Ievadiet jaunu PIN2", "PIN2 atbloķēšana: 2. solis no 3")):
        v = view(new, tr, lang)
        assert (v.title, v.lines[0], v.pin.kind, v.tone, v.pin.min_length) == (title, step, PinKind.PIN2, TONE_PIN2, 5)
    again = view(run(new, *keys(NEW_PIN2), ev.PinConfirm()), tr)
    assert (again.title, again.pin.kind) == ("Enter the new PIN2 again", PinKind.PIN2)


def test_unblocked_goes_on_to_signing_and_not_known_checks_first(tr) -> None:
    done = run(at_new_pin2(signed_in()), *keys(NEW_PIN2), ev.PinConfirm(), *keys(NEW_PIN2), ev.PinConfirm())
    assert view(done, tr).title == "Unblocking PIN2…"
    unblocked = view(run(done, ev.PinChanged(3)), tr)
    assert (unblocked.title, unblocked.tone) == ("PIN2 has been unblocked", "success")
    assert "PIN2: 3 tries left" in unblocked.lines and unblocked.actions[-1].text == "Continue signing"
    lv = view(run(done, ev.PinChanged(3)), tr, "lv")
    assert lv.title == "PIN2 ir atbloķēts" and lv.actions[-1].text == "Turpināt parakstīšanu"
    uncertain = view(run(done, ev.PinChangeFailed("card_timeout")), tr)
    assert uncertain.tone == "warning" and uncertain.actions[-1].text == "Check PIN status"
    assert "the new PIN2 was saved" in uncertain.lines[0] and "If PIN2 is still blocked" in uncertain.lines[-1]

