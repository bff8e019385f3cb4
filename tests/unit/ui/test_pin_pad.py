"""The PIN pad's kind, its short forms and what its text column gives up to fit beside the keys."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.ui.pin_fit import STEPS, Part, fit, total
from kiosk.ui.presenter import present
from kiosk.ui.viewmodel import PinKind
from tests.unit.ui import states as S


@pytest.fixture(scope="module")
def tr():
    return {"lv": Translator("lv"), "en": Translator("en")}


def view(state, tr, lang="en"):
    return present(replace(state, language=lang), tr[lang])


def test_the_pad_says_which_code_it_collects(tr):
    steps = S.pin_change_states()
    assert view(S.pin(), tr).pin.kind is PinKind.PIN1
    assert view(steps["pin_change-current"], tr).pin.kind is PinKind.PIN1
    assert view(steps["pin_change-new"], tr).pin.kind is PinKind.PIN1
    assert view(steps["pin_change-puk"], tr).pin.kind is PinKind.PUK
    assert {k.value for k in PinKind} == {"pin1", "pin2", "puk"}


def test_the_last_try_has_a_short_form_and_the_whole_sentence_for_speech(tr):
    last = view(S.run(S.pin(2), *S.typed(4), ev.PinConfirm(), ev.AuthFailed("wrong_pin", 1)), tr, "lv")
    assert last.pin.last_try and last.pin.tries_short == "Pēdējais mēģinājums!"
    assert last.pin.tries_text.startswith("Uzmanību: šis ir pēdējais mēģinājums")
    assert last.pin.tries_text in last.speech or "pēdējais mēģinājums" in last.speech
    assert last.pin.notice_short == "Nepareizs PIN1" and last.notice.startswith("Nepareizs PIN1. ")
    calm = view(S.pin(3), tr)
    assert calm.pin.tries_short == calm.pin.tries_text == "3 tries left" and calm.pin.notice_short == ""
    puk_last = view(S.pin_change_states()["pin_change-puk-last-try"], tr)
    assert puk_last.pin.tries_short == "Last try!" and puk_last.pin.notice_short == "Wrong PUK code"


def test_signing_in_prompt_is_short_and_follows_the_greeting(tr):
    v = view(S.pin(), tr, "lv")
    assert v.title == "Ievadiet PIN1" and v.lines == ("Labdien!", "4 līdz 12 cipari, tad „Labi”.")
    assert view(S.pin(), tr).lines[-1] == "4 to 12 digits, then OK."


# -- fitting the text column (pure arithmetic) ----------------------------------------------------------
FULL = {Part.TITLE: [128.0, 108.0], Part.DOTS: [60.0], Part.WARNING: [286.0, 124.0],
        Part.NOTICE: [124.0, 70.0], Part.LEAD: [54.0], Part.PROMPT: [108.0], Part.SERVICE: [74.0]}


def test_everything_shows_when_there_is_room():
    chosen = fit(FULL, 10_000, 8)
    assert chosen == {p: 0 for p in FULL}


def test_the_column_gives_up_what_matters_least_first():
    everything = total(FULL, {p: 0 for p in FULL}, 8)
    no_lead = fit(FULL, everything - 54, 8)  # just too tall: the greeting / "Step 1 of 3" goes first
    assert no_lead[Part.LEAD] is None and all(no_lead[p] == 0 for p in FULL if p is not Part.LEAD)
    tight = fit(FULL, 400, 8)
    assert tight[Part.TITLE] is not None and tight[Part.DOTS] == 0 and tight[Part.WARNING] is not None
    assert tight[Part.LEAD] is None and tight[Part.PROMPT] is None
    assert total(FULL, tight, 8) <= 400


def test_title_dots_and_tries_are_never_dropped_even_without_room():
    chosen = fit(FULL, 10, 8)
    assert chosen[Part.TITLE] == 1 and chosen[Part.DOTS] == 0 and chosen[Part.WARNING] == 1
    assert chosen[Part.NOTICE] is None and chosen[Part.SERVICE] is None  # the warning says what went wrong
    assert all(step.part is not Part.DOTS for step in STEPS)


def test_a_form_that_cannot_be_shown_at_all_is_endless_and_forces_the_next_one():
    heights = {Part.TITLE: [float("inf"), 54.0], Part.DOTS: [60.0], Part.PROMPT: [54.0]}
    chosen = fit(heights, 300, 8)
    assert chosen[Part.TITLE] == 1 and chosen[Part.PROMPT] == 0  # dropped on the way, back once the title fit
    assert total(heights, chosen, 8) <= 300


def test_parts_that_are_not_there_are_not_chosen():
    chosen = fit({Part.TITLE: [50.0], Part.DOTS: [40.0]}, 500, 8)
    assert chosen == {Part.TITLE: 0, Part.DOTS: 0}
