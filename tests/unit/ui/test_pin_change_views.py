"""The PIN change and PUK unblock screens as view models, in both languages, on real flow states."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.ui.presenter import present
from tests.unit.ui import states as S


@pytest.fixture(scope="module")
def tr():
    return {"lv": Translator("lv"), "en": Translator("en")}


@pytest.fixture(scope="module")
def steps():
    return S.pin_change_states()


def view(state, tr, lang="en"):
    return present(replace(state, language=lang), tr[lang])


def button(v, wid):
    return next(b for b in v.buttons() if b.id == wid)


def test_pin_pad_offers_change_pin1(tr):
    v = view(S.pin(), tr, "lv")
    change = button(v, "pin-change")
    assert change.text == "Mainīt PIN1" and change.intent == ev.StartPinChange()
    assert [b.id for b in v.actions][:3] == ["pin-cancel", "pin-erase", "pin-ok"]


def test_each_step_has_its_own_title_on_the_same_pad(steps, tr):
    titles = {name: view(steps[name], tr).title for name in
              ("pin_change-current", "pin_change-new", "pin_change-repeat", "pin_change-puk")}
    assert titles == {"pin_change-current": "Enter your current PIN1", "pin_change-new": "Enter a new PIN1",
                      "pin_change-repeat": "Enter the new PIN1 again", "pin_change-puk": "Enter your PUK code"}
    lv = view(steps["pin_change-puk"], tr, "lv")
    assert lv.title == "Ievadiet PUK kodu" and "PIN kodu aploksnes" in " ".join(lv.lines)
    for name in titles:
        v = view(steps[name], tr)
        assert v.screen == "pin_change" and v.pin is not None and len(v.choices) == 10
        assert {b.id for b in v.actions} == {"pin-cancel", "pin-erase", "pin-ok"}
    assert view(steps["pin_change-current"], tr).lines[0] == "Step 1 of 3"
    assert view(steps["pin_change-repeat"], tr, "lv").lines[0] == "3. solis no 3"


def test_puk_needs_eight_digits_before_ok(steps, tr):
    three = view(steps["pin_change-puk"], tr)
    assert three.pin.min_length == 8 and three.pin.max_length == 12 and not button(three, "pin-ok").enabled
    eight = view(S.run(steps["pin_change-puk"], *[ev.PinKey()] * 5), tr)
    assert eight.pin.length == 8 and button(eight, "pin-ok").enabled
    new = view(steps["pin_change-new"], tr)
    assert new.pin.min_length == 4 and not button(new, "pin-ok").enabled  # two digits typed


def test_tries_left_for_the_pin_being_checked(steps, tr):
    assert view(steps["pin_change-current"], tr).pin.tries_text == "3 tries left"
    wrong = view(steps["pin_change-current-wrong"], tr)
    assert wrong.pin.last_try and wrong.notice.startswith("Wrong PIN1") and wrong.tone == "error"
    puk = view(steps["pin_change-puk"], tr, "lv")
    assert puk.pin.tries_text == "Atlikuši 3 mēģinājumi"
    last = view(steps["pin_change-puk-last-try"], tr)
    assert last.pin.last_try and "PMLP" in last.pin.tries_text and last.notice.startswith("Wrong PUK code")
    assert view(steps["pin_change-new"], tr).pin.tries_text == ""  # a new PIN1 has no counter yet


@pytest.mark.parametrize("name,start", [
    ("pin_change-mismatch", "The new PIN1 codes do not match"),
    ("pin_change-too-long", "Too many digits"),
    ("pin_change-puk-short", "The PUK code is too short"),
    ("pin_change-refused", "The card did not accept the code"),
])
def test_problems_are_explained_and_spoken(steps, tr, name, start):
    v = view(steps[name], tr)
    assert v.notice.startswith(start) and start in v.speech
    assert view(steps[name], tr, "lv").notice != v.notice


def test_speech_is_the_same_whatever_was_typed(steps, tr):
    one = view(steps["pin_change-repeat"], tr)
    more = view(S.run(steps["pin_change-repeat"], ev.PinKey(), ev.PinKey(), ev.PinKey()), tr)
    assert one.speech == more.speech and one.pin.length != more.pin.length


def test_blocked_card_offers_unblock_with_puk_tries(steps, tr):
    v = view(steps["card_problem-blocked-unblock"], tr, "lv")
    unblock = button(v, "btn-unblock")
    assert unblock.text == "Atbloķēt ar PUK" and unblock.intent == ev.StartPukUnblock() and unblock.kind == "primary"
    assert "PUK kods: atlikuši 2 mēģinājumi" in v.lines
    assert button(v, "btn-back").kind == "secondary"
    unknown = view(S.run(S.pin(1), *S.typed(4), ev.AuthFailed("wrong_pin", 0)), tr)
    assert button(unknown, "btn-unblock") and not any("PUK code:" in line for line in unknown.lines)


def test_puk_blocked_sends_the_citizen_to_pmlp(steps, tr):
    v = view(steps["card_problem-puk-blocked"], tr)
    assert v.title == "PIN1 and the PUK code are blocked" and not any(b.id == "btn-unblock" for b in v.buttons())
    assert "PMLP" in v.lines[0]
    gone = view(S.run(steps["pin_change-puk-last-try"], *S.typed(8), *S.typed(4), *S.typed(4),
                      ev.PinChangeFailed("puk_blocked", 0)), tr, "lv")
    assert gone.title == "PIN1 un PUK kods ir bloķēti" and "Pilsonības un migrācijas lietu pārvaldē (PMLP)" in gone.lines[0]
    assert button(gone, "btn-back").kind == "primary"


def test_busy_and_done_screens(steps, tr):
    assert view(steps["changing_pin"], tr).title == "Changing your PIN1…"
    assert view(steps["changing_pin-unblock"], tr, "lv").title == "PIN1 tiek atbloķēts…"
    done = view(steps["pin_changed"], tr, "lv")
    assert done.title == "Jūsu PIN1 ir nomainīts" and done.tone == "success"
    assert button(done, "btn-next").text == "Pieslēgties" and button(done, "btn-finish").intent == ev.Finish()
    unblocked = view(steps["pin_changed-unblocked"], tr)
    assert unblocked.title == "PIN1 has been unblocked" and "PIN1: 3 tries left" in unblocked.lines


def test_uncertain_outcome_asks_to_check_the_status_not_to_retry(steps, tr):
    v = view(steps["pin_changed-uncertain"], tr)
    assert v.title == "The card did not answer" and v.tone == "warning"
    assert button(v, "btn-next").text == "Check PIN status"
    assert "The kiosk does not send your PIN again by itself." in v.lines
    assert not any("try again" in b.text.lower() for b in v.buttons())
    u = view(steps["pin_changed-uncertain-unblock"], tr, "lv")
    assert any("atbloķēšana nenotika" in line for line in u.lines)


def test_new_screens_have_their_own_help(steps, tr):
    helps = {view(steps[n], tr).help_text for n in ("pin_change-new", "changing_pin", "pin_changed")}
    assert len(helps) == 3 and all(helps)
    assert "Change PIN1" in view(S.pin(), tr).help_text


def test_every_pin_change_code_has_a_text_in_both_languages(tr):
    from kiosk.ui.texts import PROBLEMS

    codes = ("pin_mismatch", "wrong_pin", "wrong_puk", "pin_blocked", "puk_blocked", "pin_too_short",
             "puk_too_short", "pin_too_long", "pin_format_refused", "pin_change_uncertain")
    for code in codes:
        title, action = PROBLEMS[code]
        assert tr["lv"].has(title) and tr["lv"].has(action), code
        assert tr["lv"].gettext(title) != title and tr["lv"].gettext(action) != action, code
