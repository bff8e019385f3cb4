"""The flow with an offline sign-in: browse, fill, submit with the proof; refused without a clock check;
and what the screens say about it (both languages)."""

from dataclasses import replace

from kiosk.flow import effects as fx
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from kiosk.i18n import Translator
from kiosk.ui.presenter import present
from tests.unit.ui import states as S


def test_offline_citizen_submits_with_the_proof_and_no_session():
    cat = S.catalogue()
    state = S.review(cat, S.OFFLINE_CITIZEN)
    state, effects = S.step(state, ev.Submit())
    (submit,) = effects
    assert state.screen == Screen.SUBMITTING and isinstance(submit, fx.SubmitForm)
    assert submit.offline is S.OFFLINE_CITIZEN.offline and submit.session_ref == ""
    assert "BĒRZIŅŠ" not in repr(submit)
    form = S.form_start(cat, S.OFFLINE_CITIZEN).form  # prefilled from the card's certificate, locked
    assert {k: form.answers[k] for k in form.locked} == {
        "given_name": S.GIVEN, "surname": S.SURNAME, "personal_code": S.CODE}


def test_online_citizen_submits_without_an_offline_proof():
    state = S.review(S.catalogue())
    _state, (submit,) = S.step(state, ev.Submit())
    assert submit.offline is None


def test_no_clock_check_goes_back_to_the_pin_pad_and_says_why():
    state = S.run(S.pin(), *[ev.PinKey()] * 4, ev.PinConfirm(), ev.AuthFailed("offline_auth_unavailable"))
    assert state.screen == Screen.PIN and state.problem == "offline_auth_unavailable"
    lv = present(state, Translator("lv")).notice
    en = present(replace(state, language="en"), Translator("en")).notice
    assert en.startswith("No connection to the e-service system") and "clock" in en
    assert lv.startswith("Nav savienojuma ar e-pakalpojumu sistēmu") and "pulkstenis" in lv


def test_offline_notice_on_catalogue_and_check_answers_in_both_languages():
    cat = S.catalogue()
    catalogue = S.signed_in(cat, S.OFFLINE_CITIZEN)
    consent = S.review(cat, S.OFFLINE_CITIZEN)
    en = present(replace(catalogue, language="en"), Translator("en"))
    lv = present(catalogue, Translator("lv"))
    assert en.notice.startswith("There is no connection") and "sent automatically" in en.notice and en.notice in en.speech
    assert lv.notice.startswith("Pašlaik nav savienojuma") and "nosūtīts automātiski" in lv.notice
    assert any("sent automatically" in line for line in present(replace(consent, language="en"),
                                                                 Translator("en")).lines)
    online = present(S.signed_in(cat), Translator("en"))
    assert online.notice == "" and not any("automatically" in line for line in online.lines)
