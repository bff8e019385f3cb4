"""The moments around the form, as views: the PIN pad's function keys, busy screens, the confirmation
page, the take-card screen, the welcome screen's speech hint."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.ui.presenter import present
from kiosk.ui.result_view import chunked
from tests.unit.ui import states as S


@pytest.fixture(scope="module")
def screens():
    return S.every_screen(S.catalogue())


@pytest.fixture(scope="module")
def tr():
    return {"lv": Translator("lv"), "en": Translator("en")}


def test_pin_pad_function_keys_are_cancel_erase_ok_and_pin_services_sit_apart(screens, tr):
    view = present(screens["pin"], tr["lv"])
    kinds = {b.id: b.kind for b in view.actions}
    assert kinds == {"pin-cancel": "cancel", "pin-erase": "erase", "pin-ok": "ok", "pin-change": "link"}
    assert [b.text for b in view.actions[:3]] == ["Atcelt", "Dzēst", "Labi"]
    assert "primary" not in kinds.values()  # the pad's OK is green, not the screen's primary blue


def test_last_try_warning_comes_first_and_nothing_competes_with_it(screens, tr):
    state = run_wrong_pin_on_last_try()
    view = present(state, tr["en"])
    assert view.pin.last_try and view.pin.tries_text.startswith("Careful: this is your last try")
    assert view.lines == () and view.notice.startswith("Wrong PIN1")
    assert "pin-change" not in {b.id for b in view.actions}


def run_wrong_pin_on_last_try():
    state = S.run(S.pin(2), *S.typed(4), ev.PinConfirm(), ev.AuthFailed("wrong_pin", 1))
    assert state.screen.value == "pin"
    return state


@pytest.mark.parametrize("name", ["reading_card", "authenticating", "submitting"])
def test_busy_screens_say_how_long_they_usually_take(screens, tr, name):
    assert present(screens[name], tr["lv"]).lines[-1] == "Parasti tas aizņem līdz 10 sekundēm."
    en = present(screens[name], tr["en"])
    assert en.tone == "busy" and en.lines[-1] == "It usually takes up to 10 seconds."
    assert "10 seconds" in en.speech


def test_changing_pin_is_a_busy_screen_with_its_time(tr):
    state = S.pin_change_states()["changing_pin"]
    view = present(state, tr["en"])
    assert view.tone == "busy" and view.lines[-1] == "It usually takes up to 10 seconds."


def test_reference_in_chunks():
    assert chunked("PT-2026-7KQ3M9XA") == "PT-2026 - 7KQ3 M9XA"
    assert chunked("PIE-2026-000123") == "PIE-2026 - 000 123"
    assert chunked("PT-2026-1234567") == "PT-2026 - 1 234 567"
    assert chunked("LOCAL-ABCDEFGHIJ") == "LOCAL - AB CDEF GHIJ"
    assert chunked("SHORT") == "SHORT" and chunked("PT-12") == "PT-12"


def test_confirmation_names_the_institution_what_next_and_one_code(screens, tr):
    view = present(screens["result"], tr["lv"])
    assert view.title == "Iesniegums nosūtīts: Pilsonības un migrācijas lietu pārvalde (PMLP)"
    assert view.big_text == "PIE-2026 - 000 123" and view.big_label == "Iesnieguma numurs:"
    assert view.qr_label == "Kods iesnieguma pārbaudei internetā: K7QX"
    assert view.lines[-1].startswith("Kas notiks tālāk: Iedzīvotāju reģistrā jaunā adrese parādīsies")  # what_next
    assert view.lines[0] == "Apliecinājums ir izdrukāts. Lūdzu, paņemiet to."  # the next few seconds first
    assert {"btn-reprint", "btn-finish"} <= {b.id for b in view.actions}  # reprint is always there
    assert "K7QX" in view.speech and "P I E - 2 0 2 6" in view.speech


def test_confirmation_falls_back_to_the_processing_time(screens, tr):
    cat = S.catalogue()
    service = cat.get("residence-declaration")
    bare = replace(service, what_next=None)
    state = replace(screens["result"], catalogue=_with(cat, bare))
    view = present(state, tr["en"])
    assert view.lines[-1] == "What happens next: " + service.processing_time.get("en")


def _with(cat, service):
    class One:
        def get(self, service_id):
            return service if service_id == service.id else cat.get(service_id)

        def __getattr__(self, name):
            return getattr(cat, name)

    return One()


def test_paper_out_keeps_the_reference_first(screens, tr):
    view = present(screens["result-paper-out"], tr["en"])
    assert view.big_text == "PIE-2026 - 000 123" and view.notice.startswith("The printer is out of paper")
    assert "btn-reprint" in {b.id for b in view.actions}
    # "Call staff" on the page right under the problem, not a third button in the bar
    assert [b.id for b in view.choices] == ["btn-call-staff"] and "btn-call-staff" not in {b.id for b in view.actions}


def test_proxy_confirmation_addresses_the_staff_member(screens, tr):
    from tests.unit.ui.test_proxy_view import filled

    proxy = filled(S.catalogue()).proxy
    for name in ("result", "result-pending"):
        for lang in ("lv", "en"):
            view = present(replace(screens[name], proxy=proxy), tr[lang])
            words = " ".join([view.title, *view.lines]).lower()
            assert "jūsu" not in words and "your" not in words, (name, lang, words)


def test_take_card_keeps_the_persons_language_and_is_spoken(screens, tr):
    state = S.run(screens["result"], ev.ChooseLanguage("en"), ev.ToggleAccessibility("large_text"), ev.Finish())
    assert state.screen.value == "take_card" and state.language == "en" and state.accessibility.large_text
    view = present(state, tr["en"])
    assert view.title == "Please take your card" and view.picture == "take_card" and view.actions == ()
    assert view.speech.startswith("Please take your card")
