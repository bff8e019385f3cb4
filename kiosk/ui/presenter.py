"""The pure presenter: ``present(state, translator) -> View`` for every screen.

No Kivy here: the whole UI's content (texts, buttons and the intent each posts, what speech reads)
is decided by this function and checked in unit tests in both languages. The Kivy screens only lay
the view out. Personal data appears only where the citizen needs it on screen and never in
``View.speech`` (speech goes through the speaker: EN 301 549 5.1.3.9).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from kiosk.flow import events as ev
from kiosk.flow.state import Screen, State
from kiosk.i18n import N_, Translator
from kiosk.runtime.speech import join_utterances
from kiosk.ui import presenter_views as pv
from kiosk.ui.presenter_views import Builder, Digits, PresenterLoader, ScreenPresenter
from kiosk.ui.texts import (
    HEADPHONES_HINT,
    LANGUAGE_NAMES,
    OFFLINE_NOTICE,
    PROBLEMS,
    TIPS,
    UNKNOWN_PROBLEM,
    busy_time,
)
from kiosk.ui.viewmodel import BULLET, Button, Overlay, View

STAFF_CALLED = N_("Staff have been called. Please stay here, someone will come to you.")


def present(state: State, tr: Translator, *, shuffled_digits: tuple[str, ...] | None = None) -> View:
    """The view of ``state`` in the translator's language (``tr`` must match ``state.language``)."""
    entry = SCREENS[state.screen]()
    view = entry.build(state, tr, shuffled_digits)
    overlays = _overlays(state, tr, entry.help)
    toolbar = _toolbar(state, tr, state.screen)
    help_text = tr.gettext(entry.help)
    speech = view.speech or join_utterances([view.title, *view.lines])
    if state.staff_called and not state.help_open:  # a calm reminder while the person waits
        view = _replace(view, lines=(tr.gettext(STAFF_CALLED), *view.lines))
    if overlays:
        speech = overlays[-1].speech
    call_banner = None
    if state.call is not None:  # a call held while this screen shows (kiosk/flow/call.py)
        from kiosk.ui import call_view

        call_banner = call_view.banner(state, tr, view)
    if call_banner is not None and not overlays:  # a call going on here: said first on every screen
        speech = join_utterances([call_banner.who, call_banner.status, speech])
    banner = ""
    if state.proxy is not None or state.guide is not None:  # staff beside the citizen or submitting for one
        from kiosk.ui import proxy_view, staff_view

        view = proxy_view.adjust_result(state, view, tr)
        banner = staff_view.guided_banner(state, tr)
    return _replace(view, overlays=overlays, toolbar=toolbar, help_text=help_text, speech=speech,
                    banner=banner, call_banner=call_banner)


def _replace(view: View, **changes: Any) -> View:
    return replace(view, **changes)


def problem_texts(code: str | None, tr: Translator) -> tuple[str, str]:
    title, action = PROBLEMS.get(code or "", UNKNOWN_PROBLEM)
    return tr.gettext(title), tr.gettext(action)


def problem_sentence(code: str | None, tr: Translator) -> str:
    title, action = problem_texts(code, tr)
    return f"{title}. {action}"


# --- always present ---------------------------------------------------------------------------


STAFF_CHIP_ID = "btn-cancel-staff-call"


def _toolbar(state: State, tr: Translator, screen: Screen) -> tuple[Button, ...]:
    _ = tr.gettext
    acc = state.accessibility
    other = "en" if tr.language == "lv" else "lv"
    speech_text = _("Speech on") if acc.speech else _("Speech")
    if screen == Screen.WELCOME and not acc.speech:  # found before any language is chosen: say it in both
        other_tr = Translator("en" if tr.language == "lv" else "lv")
        both = (speech_text, other_tr.gettext("Speech"))
        speech_text = " / ".join(both if tr.language == "lv" else both[::-1])
    buttons = [Button("btn-speech", speech_text, ev.ToggleAccessibility("speech"), selected=acc.speech)]
    if screen not in (Screen.SUBMITTING, Screen.WELCOME):  # the welcome screen has both languages as big buttons
        buttons.append(Button(f"lang-{other}", tr.gettext(LANGUAGE_NAMES[other]), ev.ChooseLanguage(other)))
    if screen != Screen.WELCOME:  # the text size is always one tap away (the welcome screen has "Large text")
        buttons.append(Button("btn-text-size", "A−" if acc.large_text else "A+",
                              ev.ToggleAccessibility("large_text")))  # A− / A+ says the state: no ✓ needed
    buttons.append(Button("btn-help", _("Help"), ev.Help(True), kind="help"))
    if state.staff_called:  # the header's chip: staff are coming, and the citizen can take it back
        buttons.append(Button(STAFF_CHIP_ID, _("Cancel"), ev.CancelStaffCall(),
                              detail=_("A member of staff has been called")))
    return tuple(buttons)


def _overlays(state: State, tr: Translator, help_msgid: str) -> tuple[Overlay, ...]:
    _ = tr.gettext
    out: list[Overlay] = []
    if state.help_open:
        lines = [_(help_msgid)]
        if state.staff_called:
            lines.append(_(STAFF_CALLED))
        buttons = [Button("btn-close-help", _("Close"), ev.Help(False), kind="primary")]
        if not state.staff_called:
            buttons.insert(0, Button("btn-call-staff", _("Call staff"), ev.CallStaff(), kind="secondary"))
        buttons[:0] = _talk_to_specialist(state, tr)  # stuck in a form: a specialist of its institution
        title = _("Help")
        out.append(Overlay("help", title, tuple(lines), tuple(buttons), join_utterances([title, *lines])))
    seconds = state.idle_warning_seconds
    if seconds is not None:
        title = _("Do you need more time?")
        line = tr.ngettext(
            "Everything you entered will be erased in %(n)d second.",
            "Everything you entered will be erased in %(n)d seconds.",
            seconds,
        ) % {"n": seconds}
        out.append(Overlay("idle-warning", title, (line,),
                           (Button("btn-more-time", _("More time"), ev.MoreTime(), kind="primary"),),
                           join_utterances([title, line, _("Touch the screen to continue.")])))
    return tuple(out)


# --- screens ----------------------------------------------------------------------------------


def _welcome(state: State, tr: Translator, _digits: Digits) -> View:
    _ = tr.gettext
    acc = state.accessibility
    lines = [_("Insert your eID card into the reader below the screen, chip first and facing up.")]
    notice = problem_sentence(state.problem, tr) if state.problem else ""  # reader missing etc.
    minutes = max(1, round(state.config.idle_timeout_s / 60))
    idle = tr.ngettext(
        "If nobody touches the screen for %(n)d minute, everything entered is erased.",
        "If nobody touches the screen for %(n)d minutes, everything entered is erased.",
        minutes,
    ) % {"n": minutes}
    choices = (
        Button("lang-lv", tr.gettext(LANGUAGE_NAMES["lv"]), ev.ChooseLanguage("lv"),
               selected=tr.language == "lv", kind="choice"),
        Button("lang-en", tr.gettext(LANGUAGE_NAMES["en"]), ev.ChooseLanguage("en"),
               selected=tr.language == "en", kind="choice"),
        Button("acc-large_text", _("Large text"), ev.ToggleAccessibility("large_text"),
               selected=acc.large_text, kind="choice"),
        Button("acc-high_contrast", _("High contrast"), ev.ToggleAccessibility("high_contrast"),
               selected=acc.high_contrast, kind="choice"),
    )
    title = _("Welcome! Public e-services kiosk")
    headphones = _(HEADPHONES_HINT)  # large: speech must be found without reading the small print
    speech = join_utterances([title, notice, headphones, *lines, idle, _("To hear the screen read aloud, press the speech button in the top left corner or the round key on the keypad.")])
    return View("welcome", tr.language, title, tuple(lines), notice=notice, choices=choices, big_text=headphones,
                picture="insert_card", tips=(idle, *(tr.gettext(t) for t in TIPS)),
                tone="warning" if state.problem else "normal", speech=speech)


BUSY_SECONDS = 10  # what the card, the gateway and the outbox usually need (the deadlines are longer)


def _busy(title: str, line: str) -> Any:
    """A busy screen: what is happening, what not to do, and how long it usually takes (the screen moves)."""
    def build(state: State, tr: Translator, _digits: Digits) -> View:
        return View(str(state.screen.value), tr.language, tr.gettext(title),
                    (tr.gettext(line), busy_time(tr, BUSY_SECONDS)), tone="busy")

    return build


def _talk_to_specialist(state: State, tr: Translator, kind: str = "secondary") -> tuple[Button, ...]:
    """"Talk to a specialist" where a video call can start (calls set up, a citizen signed in)."""
    if state.session is None or state.config.calls is None:
        return ()
    from kiosk.ui import call_view

    return call_view.entry(state, tr, kind=kind)


def _card_problem(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import pin_view

    _ = tr.gettext
    title, action = problem_texts(state.problem, tr)
    puk_lines, unblock = pin_view.blocked_card_extras(state, tr)
    actions = (
        Button("btn-call-staff", _("Call staff"), ev.CallStaff()),
        Button("btn-back", _("Take card out"), ev.Back(), kind="secondary" if unblock else "primary"),
        *unblock,
    )
    picture = "insert_card" if state.problem in ("card_upside_down", "card_mute", "unknown_card") else ""
    return View("card_problem", tr.language, title, (action, *puk_lines), actions=actions, tone="error",
                picture=picture)


def _catalogue(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import call_view, sign_view
    from kiosk.ui.catalogue_view import catalogue_choices

    _ = tr.gettext
    session = state.session
    lines = []
    if session is not None and session.given_name and not call_view.hides_identity(state):  # who is signed in
        lines.append(_("You: %(name)s") % {"name": f"{session.given_name} {session.surname}".strip().title()})
    heading, choices, empty = catalogue_choices(state, tr)
    choices = (*choices, *sign_view.catalogue_entries(state, tr))  # signing and checking (kiosk/flow/signing.py)
    if not (state.situation_id or state.search_text):
        choices = (*choices, *_talk_to_specialist(state, tr, kind="choice"))  # a video call (kiosk/flow/call.py)
    if empty:
        lines.append(empty)
    actions: tuple[Button, ...] = (Button("btn-finish", _("Finish"), ev.Finish()),)
    if state.situation_id or state.search_text:
        actions = (Button("btn-back", _("Back"), ev.Back()), *actions)
    notice = _(OFFLINE_NOTICE) if _offline(state) else ""
    return View("catalogue", tr.language, heading, tuple(lines), notice=notice, choices=choices, actions=actions,
                search=state.search_text,
                speech=join_utterances([heading, notice, empty, *(c.text for c in choices)]))


def _offline(state: State) -> bool:
    """Signed in without the gateway: applications are kept and sent later (the gateway verifies them then)."""
    return state.session is not None and state.session.offline is not None


def _service_intro(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui.catalogue_view import service_of

    _ = tr.gettext
    service = service_of(state.catalogue, state.service_id)
    lang = tr.language
    if service is None:
        return View("service_intro", lang, _("Something went wrong"), (),
                    actions=(Button("btn-back", _("Back"), ev.Back()),), tone="error")
    lines = [service.description.get(lang), _("Institution: %(name)s") % {"name": service.institution.get(lang)}]
    needs = [t.get(lang) for t in service.before_you_start]
    if needs:
        lines.append(_("You will need:"))
        lines += [BULLET + need for need in needs]
    lines.append(_("Processing time: %(time)s") % {"time": service.processing_time.get(lang)})
    actions = (Button("btn-back", _("Back"), ev.Back()),
               Button("btn-start", _("Start"), ev.StartForm(), kind="primary"))
    # a video call with the service's institution: after the words, the action bar stays Back / Start
    return View("service_intro", lang, service.title.get(lang), tuple(lines), actions=actions,
                choices=_talk_to_specialist(state, tr, kind="choice"))


def _review(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import form_view

    notice = problem_sentence(state.problem, tr) if state.problem else ""
    return form_view.review(state, tr, notice=notice, offline=_offline(state))


def _take_card(state: State, tr: Translator, _digits: Digits) -> View:
    _ = tr.gettext
    # Full screen (no action bar), the card picture moving out, spoken, a tone until the card is out
    # (the app repeats it while this screen shows); the person's language and display choices still apply.
    title = _("Please take your card")
    line = _("Take your eID card from the reader and your receipt from the printer.")
    return View("take_card", tr.language, title, (line,), picture="take_card", tone="warning",
                speech=join_utterances([title, line]))


def _goodbye(state: State, tr: Translator, _digits: Digits) -> View:
    _ = tr.gettext
    return View("goodbye", tr.language, _("Thank you and goodbye!"),
                (_("Everything you entered has been erased from this kiosk."),),
                actions=(Button("btn-finish", _("Start again"), ev.Finish(), kind="primary"),), tone="success")


def _here(build: Builder, help_msgid: str) -> PresenterLoader:
    """A screen whose entry is at hand (its builder here or a wrapper that imports its view when first built)."""
    entry = ScreenPresenter(build, help_msgid)
    return lambda: entry


# One entry per screen (a test fails when a screen has none), each a loader: a screen's view module is
# imported when the screen is first presented, not at start (docs/ui.md, *Start*). The Kivy widget is in
# kiosk.ui.screens.WIDGETS.
SCREENS: dict[Screen, PresenterLoader] = {
    Screen.WELCOME: _here(
        _welcome,
        N_("Insert your eID card into the reader below the screen, chip first and facing up. Choose a language and, if you wish, larger text, high contrast or speech.")),
    Screen.READING_CARD: _here(
        _busy(N_("Reading your card…"), N_("Please do not take the card out.")),
        N_("Wait while the card is being read. Do not take the card out.")),
    Screen.CARD_PROBLEM: _here(
        _card_problem,
        N_("Read the message and follow the steps. If you are not sure, call staff.")),
    Screen.PIN: _here(
        pv.pin_pad,
        N_("Enter PIN1 of your eID card with the number keys and press OK. PIN1 has 4 to 12 digits. Nobody can see the digits you type. To choose a new PIN1, press “Change PIN1”.")),
    Screen.PIN_CHANGE: _here(
        pv.pin_change,
        N_("Three steps: first your current PIN1 (or, for a blocked PIN1 or PIN2, the PUK code from your PIN envelope), then the new PIN twice. Nobody can see the digits you type. Cancel stops without changing anything.")),
    Screen.CHANGING_PIN: _here(
        pv.changing_pin,
        N_("The card is saving your new PIN. This takes a few seconds. Do not take the card out.")),
    Screen.PIN_CHANGED: _here(
        pv.pin_changed,
        N_("Press “Sign in” (or “Continue signing”) to go on with your new PIN, or “Finish” to end. If the card did not answer, check the PIN status first.")),
    Screen.AUTHENTICATING: _here(
        _busy(N_("Checking your PIN1…"), N_("This takes a few seconds. Please do not take the card out.")),
        N_("Your PIN is being checked. This takes a few seconds.")),
    Screen.CATALOGUE: _here(
        _catalogue,
        N_("Choose the life situation that fits you, then the e-service. You can also search by typing a word.")),
    Screen.SERVICE_INTRO: _here(
        _service_intro,
        N_("Read what you will need, then press Start.")),
    Screen.FORM: _here(
        pv.form,
        N_("Answer the question and press Continue. You can go back at any time. Your answers are kept until you finish.")),
    Screen.REVIEW: _here(
        _review,
        N_("Check your answers. Press Change to correct one. Then read the declaration and press Confirm and send.")),
    Screen.SUBMITTING: _here(
        _busy(N_("Sending your application…"), N_("Please wait and do not take the card out.")),
        N_("Your application is being sent. Do not take the card out.")),
    Screen.RESULT: _here(
        pv.result,
        N_("Your application has been received. Keep the receipt or write down the reference number.")),
    Screen.TAKE_CARD: _here(
        _take_card,
        N_("Take your card from the reader and the receipt from the printer.")),
    Screen.GOODBYE: _here(
        _goodbye,
        N_("Thank you. Everything you entered has been erased from this kiosk.")),
    Screen.OUT_OF_ORDER: _here(
        pv.out_of_order,
        N_("This kiosk cannot be used right now. Library staff can help you.")),
    Screen.STAFF_PANEL: _here(
        pv.staff_panel,
        N_("The device's health and staff actions. Sign out with the button or by taking your card out.")),
    Screen.PROXY_AUTHORISATION: _here(
        pv.proxy_authorisation,
        N_("Enter the citizen's details and the written authorisation exactly as on the papers. Every field is required.")),
    Screen.STAFF_REPRINT: _here(
        pv.staff_reprint,
        N_("Type the reference number from the citizen's paper or screen, then press Print copy. The receipt is printed again with the content the e-service system keeps, marked as a copy; it shows no personal data beyond the citizen's initials.")),
    Screen.SIGN_FILES: pv.sign(Screen.SIGN_FILES),
    Screen.SIGN_REVIEW: pv.sign(Screen.SIGN_REVIEW),
    Screen.SIGN_PIN2: pv.sign(Screen.SIGN_PIN2),
    Screen.SIGN_BUSY: pv.sign(Screen.SIGN_BUSY),
    Screen.SIGN_DONE: pv.sign(Screen.SIGN_DONE),
    Screen.CHECK_RESULT: pv.sign(Screen.CHECK_RESULT),
    Screen.CALL_SETUP: pv.call(Screen.CALL_SETUP),
    Screen.CALL_CONSENT: pv.call(Screen.CALL_CONSENT),
    Screen.CALL_WAITING: pv.call(Screen.CALL_WAITING),
    Screen.CALL: pv.call(Screen.CALL),
    Screen.CALL_ENDED: pv.call(Screen.CALL_ENDED),
    Screen.CALL_CALLBACK: pv.call(Screen.CALL_CALLBACK),
    Screen.CALL_FAILED: pv.call(Screen.CALL_FAILED),
}
