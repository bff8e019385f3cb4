"""The call screens' views in both languages: the entry where a call can start, consent that says what
is shared, an honest wait, the call's controls, the callback field, a failure's words and code; nothing
personal in speech."""

from __future__ import annotations

import pytest

from kiosk.call import flow as cf
from kiosk.flow import call_events as cev
from kiosk.flow import events as ev
from kiosk.i18n import Translator
from kiosk.ui.presenter import present
from tests.unit.call.test_call_session import at_catalogue, pension_intro
from tests.unit.flow.support import run
from tests.unit.ui import states as S


@pytest.fixture(scope="module")
def cat():
    return S.catalogue()


def ids(view):
    return [b.id for b in view.buttons()]


@pytest.mark.parametrize("language", ["lv", "en"])
def test_the_entry_is_on_the_catalogue_the_intro_and_in_a_form_pages_help(cat, language):
    tr = Translator(language)
    assert "btn-talk-specialist" in ids(present(at_catalogue(cat), tr))
    assert "btn-talk-specialist" in ids(present(pension_intro(cat), tr))
    form = run(pension_intro(cat), ev.StartForm(), ev.Help(True))[0]
    assert "btn-talk-specialist" in [b.id for b in present(form, tr).overlays[0].buttons]
    assert "btn-talk-specialist" not in ids(present(S.signed_in(cat), tr))  # calls not set up


def test_consent_says_what_is_shared_and_the_choice_is_separate(cat):
    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next())[0]
    lv = present(state, Translator("lv"))
    text = " ".join(lv.texts())
    assert "netiek ierakstīta" in text and "Gaismiņa" in text and "Valsts sociālās apdrošināšanas" in text
    (share,) = lv.choices
    assert share.id == "chk-share-identity" and not share.selected
    chosen = present(run(state, cev.ToggleShareIdentity())[0], Translator("en"))
    assert chosen.choices[0].selected


def test_the_wait_is_honest(cat):
    waiting = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                  cev.CallNews(cf.CallQueued("c-1", 3, None)))[0]
    en = present(waiting, Translator("en"))
    assert "Your place in the queue: 3" in en.lines and "We cannot estimate the wait yet." in en.lines
    assert ids(en)[-1] == "btn-cancel-call"
    estimated = present(run(waiting, cev.CallNews(cf.QueuePosition(2, 300)))[0], Translator("lv"))
    assert "Gaidīšana: apmēram 5 minūtes." in estimated.lines


@pytest.mark.parametrize("language", ["lv", "en"])
def test_the_call_has_mute_camera_and_end_and_never_speaks_the_code(cat, language):
    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.ToggleShareIdentity(),
                cev.CallIntent(cf.ConsentGiven()), cev.CallNews(cf.CallQueued("c-1", 1)),
                cev.CallNews(cf.PeerJoined()), cev.CallNews(cf.MediaConnected()))[0]
    view = present(state, Translator(language))
    assert [b.id for b in view.actions] == ["btn-mute", "btn-camera", "btn-share-screen", "btn-end-call"]
    assert S.CODE not in " ".join(view.texts()) + view.speech
    muted = present(run(state, cev.CallIntent(cf.ToggleMute()))[0], Translator("en"))
    assert muted.actions[0].text == "Unmute" and muted.lines == ("Muted: the specialist cannot hear you.",)


def test_callback_asks_for_the_number_then_says_take_the_ticket(cat):
    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                cev.CallNews(cf.CallQueued("c-1", 1)), cev.CallNews(cf.RingTimeout()))[0]
    view = present(state, Translator("en"))
    (phone,) = view.fields
    assert (phone.id, phone.kind) == ("phone", "phone")
    assert "Nobody could answer now" in view.lines[0]
    wrong = present(run(state, ev.Answer("phone", "12"), ev.Next())[0], Translator("lv"))
    assert wrong.fields[0].error == "Lūdzu, pārbaudiet tālruņa numuru: no 8 līdz 15 cipariem."
    printed = run(state, ev.Answer("phone", "+37120000000"), ev.Next(), cev.CallbackPrinted(True))[0]
    done = present(printed, Translator("en"))
    assert done.fields == () and "Take your ticket" in done.lines[0] and ids(done)[-1] == "btn-finish-call"


@pytest.mark.parametrize("language", ["lv", "en"])
def test_a_failure_has_words_and_its_code_for_staff(cat, language):
    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                cev.CallNews(cf.RequestFailed("gateway_unreachable")))[0]
    view = present(state, Translator(language))
    assert view.footnote == "gateway_unreachable" and view.tone == "error"
    assert Translator(language).has(
        "The kiosk cannot reach the service right now. Please try again in a moment.")
    assert view.lines[0] == Translator(language).gettext(
        "The kiosk cannot reach the service right now. Please try again in a moment.")


def test_a_closed_institution_says_so_even_after_a_mistyped_number(cat):
    from tests.unit.call.test_call_session import SUNDAY

    state = run(pension_intro(cat, when=SUNDAY), cev.TalkToSpecialist(), ev.Next(), ev.Answer("phone", "1"),
                ev.Next())[0]
    view = present(state, Translator("en"))
    assert view.lines == ("The institution is closed now. Leave your phone number and they will call you back.",)
    assert view.fields[0].error == "Please check the phone number: 8 to 15 digits."
