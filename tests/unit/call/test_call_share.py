"""Showing the kiosk's screen during a call, inside the session flow (pure): "Show my screen" goes back to
the service while the call goes on, the banner's taps (stop showing, show again, back to the call), the
call's news away from the call screen, and card removal, the reader going away or Finish ending the call,
the sharing and the session."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kiosk.call import flow as cf
from kiosk.flow import call_events as cev
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from tests.unit.call.test_call_session import in_call, kinds
from tests.unit.flow.support import run
from tests.unit.ui import states as S
from wire.call import CallOutcome


@pytest.fixture(scope="module")
def cat():
    return S.catalogue()


def sharing(cat):
    state, effects = run(in_call(cat), cev.ShowMyScreen())
    assert effects == [cev.RunCall(cf.ShareScreen(on=True), topic_title=effects[0].topic_title)]
    return state


def test_show_my_screen_goes_back_to_the_service_while_the_call_goes_on(cat):
    state = sharing(cat)
    assert state.screen == Screen.SERVICE_INTRO and state.service_id == "old-age-pension"
    assert state.call.call.phase is cf.Phase.IN_CALL and state.call.call.sharing
    form, effects = run(state, ev.StartForm(), ev.Answer("nope", "x"))  # the service's own screens work as ever
    assert form.screen == Screen.FORM and form.call == state.call and effects == []
    later = run(form, ev.Tick(form.now + 3600))[0]  # talking: no idle wipe away from the call screen either
    assert later.screen == Screen.FORM and later.session is not None


def test_the_banner_stops_and_restarts_showing_and_goes_back_to_the_call(cat):
    form = run(sharing(cat), ev.StartForm())[0]
    stopped, effects = run(form, cev.StopShowing())
    assert stopped.screen == Screen.FORM and not stopped.call.call.sharing
    assert kinds(effects) == [cf.ShareScreen] and effects[0].effect.on is False
    again, effects = run(stopped, cev.ShowMyScreen())
    assert again.screen == Screen.FORM and again.call.call.sharing and effects[0].effect == cf.ShareScreen(on=True)
    back, effects = run(again, cev.BackToCall())
    assert back.screen == Screen.CALL and not back.call.call.sharing
    assert [e.effect for e in effects] == [cf.ShareScreen(on=False)]  # returning removes the track
    assert run(stopped, cev.BackToCall())[1] == []  # not shown: nothing to stop
    ended, effects = run(back, cev.CallIntent(cf.HangUp()), cev.CallIntent(cf.Finish()))
    assert ended.screen == Screen.FORM and ended.call is None and ended.form == form.form  # where they were last


def test_talk_to_a_specialist_during_the_call_returns_to_it(cat):
    state, effects = run(sharing(cat), cev.TalkToSpecialist())
    assert state.screen == Screen.CALL and state.call.call.phase is cf.Phase.IN_CALL and not state.call.call.sharing
    assert kinds(effects) == [cf.ShareScreen]


def test_the_call_ending_away_leaves_the_citizen_where_they_are(cat):
    state = run(sharing(cat), ev.StartForm())[0]
    over, effects = run(state, cev.CallNews(cf.RemoteEnded(CallOutcome.RESOLVED)))
    assert over.screen == Screen.FORM and over.call.call.phase is cf.Phase.ENDED and not over.call.call.sharing
    assert kinds(effects) == [cf.StopMedia]
    assert run(over, cev.ShowMyScreen())[1] == []  # nothing to show it to
    closed = run(over, cev.CloseCallBanner())[0]
    assert closed.screen == Screen.FORM and closed.call is None and closed.form == state.form
    callback = run(state, cev.CallNews(cf.RemoteEnded(CallOutcome.CALLBACK)), cev.CloseCallBanner())[0]
    assert callback.screen == Screen.CALL_CALLBACK  # the specialist asked for a number to call back
    assert run(callback, ev.Back())[0].screen == Screen.FORM


@pytest.mark.parametrize("end", [ev.CardRemoved(), ev.ReaderUnavailable("reader_missing"), ev.Finish()])
def test_card_removal_or_finish_ends_the_call_and_the_sharing_and_wipes(cat, end):
    state = run(sharing(cat), ev.StartForm())[0]
    gone, effects = run(state, end)
    assert gone.call is None and gone.session is None and gone.form is None
    assert gone.screen in (Screen.WELCOME, Screen.TAKE_CARD)
    assert kinds(effects)[:3] == [cf.EndCall, cf.StopMedia, cev.ForgetCall]
    assert "Wipe" in [k.__name__ for k in kinds(effects)]


def test_banner_taps_without_a_call_change_nothing(cat):
    state = S.signed_in(cat)
    for tap in (cev.ShowMyScreen(), cev.StopShowing(), cev.BackToCall(), cev.CloseCallBanner()):
        after, effects = run(state, tap)
        assert (after.screen, after.call, effects) == (Screen.CATALOGUE, None, [])


# --- the views: the call screen's button, the banner, what the specialist gets of each screen ------------

def view_of(state, language="lv"):
    from kiosk.i18n import Translator
    from kiosk.ui.presenter import present

    return present(state, Translator(language))


def with_identity(cat):
    """The call with the citizen's consent to show name and personal code."""
    from tests.unit.call.test_call_session import pension_intro

    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.ToggleShareIdentity(),
                cev.CallIntent(cf.ConsentGiven()), cev.CallNews(cf.CallQueued("c-1", 1)), cev.CallNews(cf.PeerJoined()),
                cev.CallNews(cf.MediaConnected()))[0]
    return run(state, cev.ShowMyScreen())[0]


@pytest.mark.parametrize(("language", "words"), [("lv", "Rādīt manu ekrānu"), ("en", "Show my screen")])
def test_the_call_screen_offers_show_my_screen_and_has_no_banner(cat, language, words):
    view = view_of(in_call(cat), language)
    assert [b.text for b in view.actions if b.id == "btn-share-screen"] == [words]
    assert view.call_banner is None


@pytest.mark.parametrize("language", ["lv", "en"])
def test_the_banner_names_the_call_says_what_is_shown_and_offers_stop_and_back(cat, language):
    banner = view_of(sharing(cat), language).call_banner
    expected = {"lv": ("Saruna ar VSAA", "Ekrāns tiek rādīts", ["Beigt rādīt", "Atpakaļ uz sarunu"]),
                "en": ("Call with VSAA", "Your screen is being shown", ["Stop showing", "Back to the call"])}[language]
    assert (banner.who, banner.status, [b.text for b in banner.buttons]) == expected
    assert [b.id for b in banner.buttons] == ["btn-stop-sharing", "btn-back-to-call"] and banner.picture == "screen"
    assert view_of(sharing(cat), language).speech.startswith(f"{expected[0]}. {expected[1]}")  # said first
    stopped = view_of(run(sharing(cat), cev.StopShowing())[0], language).call_banner
    assert stopped.status == {"lv": "Ekrāns netiek rādīts", "en": "Your screen is not being shown"}[language]
    assert [b.id for b in stopped.buttons] == ["btn-share-screen", "btn-back-to-call"] and stopped.picture == ""
    ended = view_of(run(sharing(cat), cev.CallNews(cf.RemoteEnded(CallOutcome.RESOLVED)))[0], language).call_banner
    assert ended.status == {"lv": "Saruna ir beigusies", "en": "The call has ended"}[language]
    assert [(b.id, b.text) for b in ended.buttons] == [("btn-close-call-banner", {"lv": "Labi", "en": "OK"}[language])]
    assert ended.picture == ""


def named(cat, name="Anna Bērziņa"):
    """Sharing in a call whose specialist the gateway named."""
    from tests.unit.call.test_call_session import pension_intro

    state = run(pension_intro(cat), cev.TalkToSpecialist(), ev.Next(), cev.CallIntent(cf.ConsentGiven()),
                cev.CallNews(cf.CallQueued("c-1", 1)), cev.CallNews(cf.PeerJoined(name)),
                cev.CallNews(cf.MediaConnected()))[0]
    return state


@pytest.mark.parametrize(("language", "who", "short"), [
    ("lv", "Ar jums runā Anna Bērziņa, VSAA", "Anna Bērziņa, VSAA"),
    ("en", "You are talking to Anna Bērziņa, VSAA", "Anna Bērziņa, VSAA")])
def test_the_call_screen_and_the_banner_say_who_the_citizen_talks_to(cat, language, who, short):
    state = named(cat)
    call = view_of(state, language)
    assert call.title == who and call.speech.startswith(who.removesuffix("VSAA"))  # said with the institution's name
    banner = view_of(run(state, cev.ShowMyScreen())[0], language).call_banner
    assert (banner.who, banner.short_who) == (who, short)
    ended = run(state, cev.ShowMyScreen(), cev.CallNews(cf.RemoteEnded(CallOutcome.RESOLVED)))[0]
    assert ended.call.call.specialist == ""  # the name goes with the call
    assert view_of(ended, language).call_banner.who == {"lv": "Saruna ar VSAA", "en": "Call with VSAA"}[language]
    finished = run(state, cev.CallIntent(cf.HangUp()))[0]
    assert finished.call.call.specialist == "" and "Bērziņa" not in " ".join(view_of(finished, language).texts())


def test_card_data_is_blanked_unless_the_citizen_chose_to_show_it_and_pin_pads_always(cat):
    from kiosk.ui import call_view
    from kiosk.ui.viewmodel import View

    shared = sharing(cat)
    catalogue = run(shared, ev.Back())[0]
    assert catalogue.screen == Screen.CATALOGUE
    texts = view_of(catalogue).texts()
    assert not any(S.GIVEN.title() in t for t in texts)  # "Jūs: <name>" left out while shown without consent
    assert view_of(catalogue).call_banner.picture == "screen"
    first_question = run(shared, ev.StartForm())[0]
    view = view_of(first_question)
    assert view.identity and view.call_banner.picture == "blank"  # the card's name and code on this page
    assert view.call_banner.status == "Speciālists šo ekrānu neredz"
    consented = with_identity(cat)
    assert view_of(run(consented, ev.StartForm())[0]).call_banner.picture == "screen"
    assert any(S.GIVEN.title() in t for t in view_of(run(consented, ev.Back())[0]).texts())
    plain = View("x", "lv", "x")
    for screen in (Screen.PIN, Screen.SIGN_PIN2, Screen.PIN_CHANGE):  # a PIN pad: never, consent or not
        assert call_view.shared_picture(replace(consented, screen=screen), plain) == "blank"
    for screen in (Screen.SIGN_REVIEW, Screen.REVIEW, Screen.SIGN_DONE):  # the signer, the check answers
        assert call_view.shared_picture(replace(shared, screen=screen), plain) == "blank"
        assert call_view.shared_picture(replace(consented, screen=screen), plain) == "screen"
    assert call_view.shared_picture(in_call(cat), plain) == ""  # on the call screen nothing is shared


def test_the_language_changes_mid_call_from_the_banner_screen_and_the_call_goes_on(cat):
    """The header's (or the banner's) other language while the screen is shown: the call, the sharing and
    the form stay; the banner and its one language button come in the new language."""
    form = run(sharing(cat), ev.StartForm())[0]
    english, effects = run(form, ev.ChooseLanguage("en"))
    assert english.language == "en" and english.screen == Screen.FORM and english.call == form.call
    assert english.call.call.sharing and not any(isinstance(e, cf.ShareScreen) for e in effects)
    view = view_of(english, "en")
    assert view.call_banner.buttons[-1].text == "Back to the call"
    assert [b.id for b in view.toolbar if b.id.startswith("lang-")] == ["lang-lv"]
    back = run(english, ev.ChooseLanguage("lv"))[0]
    assert view_of(back).call_banner.buttons[-1].text == "Atpakaļ uz sarunu" and back.call == form.call
