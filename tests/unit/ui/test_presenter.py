"""The pure presenter on real flow states: every screen, both languages, privacy of speech and texts."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kiosk.flow import events as ev
from kiosk.flow.machine import step
from kiosk.i18n import Translator
from kiosk.ui.presenter import present
from tests.unit.ui import states as S

FULL_CODE = re.compile(r"\b\d{6}-?\d{5}\b")


@pytest.fixture(scope="module")
def screens():
    return S.every_screen(S.catalogue())


@pytest.fixture(scope="module")
def tr():
    return {"lv": Translator("lv"), "en": Translator("en")}


def views(screens, tr):
    for name, state in screens.items():
        for lang in ("lv", "en"):
            yield name, lang, present(replace(state, language=lang), tr[lang])


def test_every_screen_has_stable_unique_ids_and_working_intents(screens, tr):
    for name, _lang, view in views(screens, tr):
        ids = [b.id for b in view.buttons()]
        assert len(ids) == len(set(ids)), (name, ids)
        assert "btn-help" in ids, name  # consistent help (WCAG 3.2.6)
        for b in view.buttons():
            assert b.text.strip(), (name, b.id)
            assert (b.intent is None) != (b.pin_digit is None), (name, b.id)
            if b.intent is not None:
                assert isinstance(b.intent, ev.Intent), (name, b.id)  # the report's DismissReport is not a screen
                step(screens[name], b.intent)  # the flow accepts every intent the UI can post


def test_help_button_text_is_the_same_on_every_screen(screens, tr):
    for lang in ("lv", "en"):
        helps = {next(b.text for b in present(replace(s, language=lang), tr[lang]).toolbar if b.id == "btn-help")
                 for s in screens.values()}
        assert len(helps) == 1


def test_speech_never_carries_personal_data(screens, tr):
    for name, lang, view in views(screens, tr):
        speech = view.speech + " ".join(o.speech for o in view.overlays)
        for secret in (S.GIVEN, S.SURNAME, S.CODE, "010190", "Lāčplēša", "BĒRZIŅŠ"):
            assert secret.casefold() not in speech.casefold(), (name, lang, secret)


def test_no_screen_shows_the_full_personal_code(screens, tr):
    for name, _lang, view in views(screens, tr):
        assert not any(FULL_CODE.search(t) for t in view.texts()), name
    review = present(screens["review"], tr["en"])
    assert review.identity.endswith(", ******-***01")  # check answers: the code masked in the card-data line


def test_pin_screen_speech_and_texts_do_not_depend_on_digits_typed(tr):
    one = S.run(S.pin(), ev.PinKey())
    four = S.run(S.pin(), *[ev.PinKey()] * 4)
    v1, v4 = present(one, tr["en"]), present(four, tr["en"])
    assert v1.speech == v4.speech and v1.title == v4.title
    assert (v1.pin.length, v4.pin.length) == (1, 4)
    assert not v1.actions[2].enabled and v4.actions[2].enabled  # OK needs at least four digits
    digits = {b.pin_digit for b in v1.choices}
    assert digits == set("0123456789")


def test_pin_last_try_warning_and_plural_tries(tr):
    assert present(S.pin(1), tr["en"]).pin.last_try
    assert "Careful" in present(S.pin(1), tr["en"]).pin.tries_text
    assert present(S.pin(2), tr["lv"]).pin.tries_text == "Atlikuši 2 mēģinājumi"
    assert present(S.pin(3), tr["en"]).pin.tries_text == "3 tries left"


def test_shuffled_digits_are_used_when_given(tr):
    order = ("5", "2", "9", "0", "1", "7", "3", "8", "6", "4")
    view = present(S.pin(), tr["en"], shuffled_digits=order)
    assert tuple(b.pin_digit for b in view.choices) == order and view.pin.shuffled


def test_wrong_pin_is_explained_on_the_pin_screen(tr):
    state = S.run(S.pin(), *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthFailed("wrong_pin", 2))
    view = present(state, tr["en"])
    assert view.screen == "pin" and view.notice.startswith("Wrong PIN1") and view.pin.tries_text == "2 tries left"
    assert not any("jānis" in line.casefold() for line in view.lines)  # the problem gets the room, not the greeting
    assert "Wrong PIN1" in view.speech  # input errors are spoken (5.1.3.15)


def test_language_switch_mid_form_keeps_answers(tr):
    cat = S.catalogue()
    state = S.run(S.form_start(cat), ev.Answer("whose", "child"))
    state = S.run(state, ev.ChooseLanguage("en"))
    view = present(state, tr["en"])
    chosen = [b for f in view.fields for b in f.choices if b.selected]
    assert [b.id for b in chosen] == ["field-whose-child"] and chosen[0].text == "My minor child's"
    back = present(S.run(state, ev.ChooseLanguage("lv")), tr["lv"])
    assert [b.text for f in back.fields for b in f.choices if b.selected] == ["Sava nepilngadīgā bērna"]


def _page(state, field_id):
    """The question page of ``field_id`` (answered questions before it are passed with Continue)."""
    for _ in range(20):
        if state.form.position == field_id:
            return state
        state = S.run(state, ev.Next())
    raise AssertionError(field_id)


def test_card_data_shows_on_the_first_question_only(screens, tr):
    first = present(screens["form"], tr["en"])
    assert first.lines[0] == "Question 1 of 8" and first.identity == "You: Jānis Bērziņš"  # not in capitals
    assert "Jānis" not in first.speech


def test_one_question_per_page_with_its_own_input(screens, tr):
    start = S.run(screens["form-address"], ev.Answer("new_address", {"street": "Brīvības iela 1", "city": "Rīga",
                                                                    "postcode": "1010"}))
    kinds = {}
    for fid in ("new_address", "moved_on", "legal_basis", "has_additional"):
        view = present(_page(start, fid), tr["en"])
        (field,) = view.fields
        assert view.title == field.label and "Question" in view.lines[0]
        assert not view.identity  # card data once: on question 1 only
        kinds[fid] = field
        start = S.run(_page(start, fid), ev.Answer("legal_basis", "rental"), ev.Answer("has_additional", False),
                      ev.Answer("moved_on", {"day": "1", "month": "11", "year": "2026"}))
    assert kinds["new_address"].kind == "address" and kinds["moved_on"].kind == "date"
    assert kinds["legal_basis"].kind == "choice" and kinds["has_additional"].kind == "yes_no"
    assert {c.kind for c in kinds["legal_basis"].choices} == {"radio"}  # never the primary button look
    moved = kinds["moved_on"]
    assert [p.label for p in moved.parts] == ["Day", "Month", "Year"] and moved.today.text == "Today"
    assert moved.min_date == "2025-11-26" and moved.max_date == "2026-11-26"
    assert [p.id for p in kinds["new_address"].parts] == ["new_address.street", "new_address.apartment",
                                                          "new_address.city", "new_address.postcode"]


def test_a_wrong_date_part_is_named_and_marked(screens, tr):
    state = _page(S.run(screens["form-address"], ev.Answer("new_address", {"street": "Brīvības iela 1",
                                                                           "city": "Rīga", "postcode": "1010"})),
                  "moved_on")
    state = S.run(state, ev.Answer("moved_on", {"day": "1", "month": "13", "year": "2026"}), ev.Next())
    view = present(replace(state, language="lv"), tr["lv"])
    (field,) = view.fields
    assert field.error == "Mēnesim jābūt skaitlim no 1 līdz 12."
    assert [p.error for p in field.parts] == ["", "!", ""] and view.error_summary.items == (field.error,)
    assert view.speech.startswith("Kļūda: Mēnesim")


def test_form_errors_are_shown_in_the_session_language(screens, tr):
    view = present(replace(screens["form-errors"], language="lv"), tr["lv"])
    whose = next(f for f in view.fields if f.id == "whose")
    assert whose.error and whose.error != present(screens["form-errors"], tr["en"]).fields[-1].error
    assert view.tone == "normal" and view.title == whose.label  # the title stays the question, not red
    assert view.error_summary.title == "Ir problēma" and view.error_summary.items == (whose.error,)


def test_check_answers_has_change_per_answer_and_one_declaration(screens, tr):
    view = present(screens["review"], tr["en"])
    changes = [r.edit for r in view.review if r.edit is not None]
    assert len(changes) == len(view.review)  # every row of the list is an answer the citizen can change
    assert not {"given_name", "surname", "personal_code"} & {r.field_id for r in view.review}
    assert view.identity.startswith("You: ") and view.identity.endswith(", ******-***01")  # card data: one line
    assert view.identity in view.texts() and view.identity not in view.speech  # shown, never spoken
    assert all(isinstance(b.intent, ev.ChangeAnswer) and b.text == "Change" for b in changes)
    assert "Declaration" in view.lines and view.actions[-1].text == "Confirm and send"
    assert view.actions[-1].kind == "primary" and isinstance(view.actions[-1].intent, ev.Submit)


def test_result_shows_reference_qr_and_printer_problem(screens, tr):
    view = present(screens["result-paper-out"], tr["en"])
    assert view.big_text == "PIE-2026 - 000 123"  # in chunks a person can copy; the link keeps it whole
    assert view.qr == "https://gw.example/s/PIE-2026-000123?c=K7QX"
    assert view.notice.startswith("The printer is out of paper") and view.tone == "warning"
    assert {"btn-reprint", "btn-finish"} <= {b.id for b in view.actions}
    assert "btn-call-staff" in {b.id for b in view.choices}
    assert "P I E - 2 0 2 6" in view.speech  # reference spelled out, transaction output is spoken
    pending = present(screens["result-pending"], tr["lv"])
    assert pending.title == "Jūsu iesniegums ir saglabāts"


def test_idle_warning_overlay_has_one_tap_more_time(screens, tr):
    view = present(screens["idle-warning"], tr["en"])
    (overlay,) = view.overlays
    assert [b.id for b in overlay.buttons] == ["btn-more-time"]
    assert "25 seconds" in overlay.lines[0] and "25 seconds" in view.speech
    state = screens["idle-warning"]
    for _ in range(12):  # at least ten extensions (WCAG 2.2.1)
        state, _fx = step(state, overlay.buttons[0].intent)
        assert state.idle_warning_seconds is None
        state = replace(state, idle_warning_seconds=20)


def test_welcome_states_the_timeout_and_offers_accessibility(screens, tr):
    view = present(screens["welcome"], tr["en"])
    assert "2 minutes" in view.tips[0] and "2 minutes" in view.speech  # WCAG 2.2.6, first where there is room
    ids = {b.id for b in view.buttons()}
    assert {"lang-lv", "lang-en", "acc-large_text", "acc-high_contrast", "btn-speech"} <= ids
    assert len(view.tips) == 5 and view.picture == "insert_card"
    assert view.big_text == "To hear the screen read aloud, plug in headphones or press the round key on the keypad."
    assert present(screens["welcome"], tr["lv"]).big_text == "Lai ekrāna tekstu dzirdētu, pievienojiet austiņas vai nospiediet apaļo taustiņu uz tastatūras."


def test_catalogue_search_and_situations(screens, tr):
    search = present(screens["catalogue-search"], tr["lv"])
    assert "service-passport-appointment" in {b.id for b in search.choices}
    top = present(screens["catalogue"], tr["en"])
    # life situations, then the kiosk's own signing and checking services (kiosk/ui/sign_view.py)
    assert all(b.id.startswith(("situation-", "svc-")) for b in top.choices) and len(top.choices) >= 5


def test_card_problems_have_texts_for_every_flow_code(tr):
    from kiosk.ui.texts import PROBLEMS

    for code in ("card_upside_down", "unknown_card", "pin_blocked", "wrong_pin", "reader_missing",
                 "gateway_unreachable", "paper_out", "consent_required", "pin_too_short"):
        assert code in PROBLEMS


def test_a_choice_made_after_an_error_clears_that_error(screens, tr):
    state = S.run(screens["form-errors"], ev.Answer("whose", "self"))
    whose = next(f for f in present(state, tr["en"]).fields if f.id == "whose")
    assert whose.error == "" and any(c.selected for c in whose.choices)
