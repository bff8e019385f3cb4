"""The pure presenter: ``present(state, translator) -> View`` for every screen.

No Kivy here: the whole UI's content (texts, buttons and the intent each posts, what speech reads)
is decided by this function and checked in unit tests in both languages. The Kivy screens only lay
the view out. Personal data appears only where the citizen needs it on screen and never in
``View.speech`` (speech goes through the speaker: EN 301 549 5.1.3.9).
"""

from __future__ import annotations

from typing import Any

from kiosk.i18n import N_, Translator
from kiosk.receipts import status_link
from kiosk.runtime.speech import join_utterances
from kiosk.ui import form_view, pin_view, proxy_view, staff_view
from kiosk.ui.catalogue_view import catalogue_choices
from kiosk.ui.texts import (
    LANGUAGE_NAMES,
    OFFLINE_CONSENT,
    OFFLINE_NOTICE,
    PROBLEMS,
    SCREEN_HELP,
    TIPS,
    UNKNOWN_PROBLEM,
)
from kiosk.ui.viewmodel import Button, IntentSpec, Overlay, View

I = IntentSpec  # noqa: E741 - short on purpose, used on every line below
STAFF_CALLED = N_("Staff have been called. Please stay here, someone will come to you.")


def present(state: Any, tr: Translator, *, shuffled_digits: tuple[str, ...] | None = None) -> View:
    """The view of ``state`` in the translator's language (``tr`` must match ``state.language``)."""
    screen = str(getattr(state.screen, "value", state.screen))
    builder = _BUILDERS.get(screen, _out_of_order)
    view = builder(state, tr, shuffled_digits)
    overlays = _overlays(state, tr, screen)
    toolbar = _toolbar(state, tr, screen)
    help_text = tr.gettext(SCREEN_HELP.get(screen, SCREEN_HELP["welcome"]))
    speech = view.speech or join_utterances([view.title, *view.lines])
    if state.staff_called and not state.help_open:  # a calm reminder while the person waits
        view = _replace(view, lines=(tr.gettext(STAFF_CALLED), *view.lines))
    if overlays:
        speech = overlays[-1].speech
    view = proxy_view.adjust_result(state, view, tr)
    return _replace(view, overlays=overlays, toolbar=toolbar, help_text=help_text, speech=speech,
                    banner=staff_view.guided_banner(state, tr))


def _replace(view: View, **changes: Any) -> View:
    from dataclasses import replace

    return replace(view, **changes)


def problem_texts(code: str | None, tr: Translator) -> tuple[str, str]:
    title, action = PROBLEMS.get(code or "", UNKNOWN_PROBLEM)
    return tr.gettext(title), tr.gettext(action)


def problem_sentence(code: str | None, tr: Translator) -> str:
    title, action = problem_texts(code, tr)
    return f"{title}. {action}"


# --- always present ---------------------------------------------------------------------------


def _toolbar(state: Any, tr: Translator, screen: str) -> tuple[Button, ...]:
    _ = tr.gettext
    acc = state.accessibility
    other = "en" if tr.language == "lv" else "lv"
    speech_text = _("Speech on") if acc.speech else _("Speech")
    if screen == "welcome" and not acc.speech:  # found before any language is chosen: say it in both
        other_tr = Translator("en" if tr.language == "lv" else "lv")
        both = (speech_text, other_tr.gettext("Speech"))
        speech_text = " / ".join(both if tr.language == "lv" else both[::-1])
    buttons = [Button("btn-speech", speech_text, I("ToggleAccessibility", ("speech",)), selected=acc.speech)]
    if screen not in ("submitting", "welcome"):  # the welcome screen has both languages as big buttons
        buttons.append(Button(f"lang-{other}", tr.gettext(LANGUAGE_NAMES[other]), I("ChooseLanguage", (other,))))
    buttons.append(Button("btn-help", _("Help"), I("Help", (True,)), kind="help"))
    return tuple(buttons)


def _overlays(state: Any, tr: Translator, screen: str) -> tuple[Overlay, ...]:
    _ = tr.gettext
    out: list[Overlay] = []
    if state.help_open:
        lines = [_(SCREEN_HELP.get(screen, SCREEN_HELP["welcome"]))]
        if state.staff_called:
            lines.append(_(STAFF_CALLED))
        buttons = [Button("btn-close-help", _("Close"), I("Help", (False,)), kind="primary")]
        if not state.staff_called:
            buttons.insert(0, Button("btn-call-staff", _("Call staff"), I("CallStaff"), kind="secondary"))
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
                           (Button("btn-more-time", _("More time"), I("MoreTime"), kind="primary"),),
                           join_utterances([title, line, _("Touch the screen to continue.")])))
    return tuple(out)


# --- screens ----------------------------------------------------------------------------------


def _welcome(state: Any, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    acc = state.accessibility
    lines = [_("Insert your eID card into the reader below the screen, chip first and facing up.")]
    notice = problem_sentence(state.problem, tr) if state.problem else ""  # reader missing etc.
    minutes = max(1, round(state.config.idle_timeout_s / 60))
    lines.append(tr.ngettext(
        "If nobody touches the screen for %(n)d minute, everything entered is erased.",
        "If nobody touches the screen for %(n)d minutes, everything entered is erased.",
        minutes,
    ) % {"n": minutes})
    choices = (
        Button("lang-lv", tr.gettext(LANGUAGE_NAMES["lv"]), I("ChooseLanguage", ("lv",)),
               selected=tr.language == "lv", kind="choice"),
        Button("lang-en", tr.gettext(LANGUAGE_NAMES["en"]), I("ChooseLanguage", ("en",)),
               selected=tr.language == "en", kind="choice"),
        Button("acc-large_text", _("Large text"), I("ToggleAccessibility", ("large_text",)),
               selected=acc.large_text, kind="choice"),
        Button("acc-high_contrast", _("High contrast"), I("ToggleAccessibility", ("high_contrast",)),
               selected=acc.high_contrast, kind="choice"),
    )
    title = _("Welcome! Public e-services kiosk")
    speech = join_utterances([title, notice, *lines, _("To hear the screen read aloud, press the speech button in the top left corner or the round key on the keypad.")])
    return View("welcome", tr.language, title, tuple(lines), notice=notice, choices=choices,
                picture="insert_card", tips=tuple(tr.gettext(t) for t in TIPS),
                tone="warning" if state.problem else "normal", speech=speech)


def _busy(title: str, line: str) -> Any:
    def build(state: Any, tr: Translator, _digits: Any) -> View:
        return View(str(state.screen.value), tr.language, tr.gettext(title), (tr.gettext(line),), tone="busy")

    return build


def _card_problem(state: Any, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    title, action = problem_texts(state.problem, tr)
    puk_lines, unblock = pin_view.blocked_card_extras(state, tr)
    actions = (
        Button("btn-call-staff", _("Call staff"), I("CallStaff")),
        Button("btn-back", _("Take card out"), I("Back"), kind="secondary" if unblock else "primary"),
        *unblock,
    )
    picture = "insert_card" if state.problem in ("card_upside_down", "card_mute", "unknown_card") else ""
    return View("card_problem", tr.language, title, (action, *puk_lines), actions=actions, tone="error",
                picture=picture)


def _catalogue(state: Any, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    session = state.session
    lines = []
    if session is not None and session.given_name:  # who is signed in, in the nominative
        lines.append(_("You: %(name)s") % {"name": f"{session.given_name} {session.surname}".strip().title()})
    heading, choices, empty = catalogue_choices(state, tr)
    if empty:
        lines.append(empty)
    actions: tuple[Button, ...] = (Button("btn-finish", _("Finish"), I("Finish")),)
    if state.situation_id or state.search_text:
        actions = (Button("btn-back", _("Back"), I("Back")), *actions)
    notice = _(OFFLINE_NOTICE) if _offline(state) else ""
    return View("catalogue", tr.language, heading, tuple(lines), notice=notice, choices=choices, actions=actions,
                search=state.search_text,
                speech=join_utterances([heading, notice, empty, *(c.text for c in choices)]))


def _offline(state: Any) -> bool:
    """Signed in without the gateway: applications are kept and sent later (the gateway verifies them then)."""
    return getattr(state.session, "offline", None) is not None


def _service_intro(state: Any, tr: Translator, _digits: Any) -> View:
    from kiosk.ui.catalogue_view import service_of

    _ = tr.gettext
    service = service_of(state.catalogue, state.service_id)
    lang = tr.language
    if service is None:
        return View("service_intro", lang, _("Something went wrong"), (),
                    actions=(Button("btn-back", _("Back"), I("Back")),), tone="error")
    lines = [service.description.get(lang), _("Institution: %(name)s") % {"name": service.institution.get(lang)}]
    needs = [t.get(lang) for t in service.before_you_start]
    if needs:
        lines.append(_("You will need:"))
        lines += ["•  " + need for need in needs]
    lines.append(_("Processing time: %(time)s") % {"time": service.processing_time.get(lang)})
    if getattr(service, "model_note", None):
        lines.append(service.model_note.get(lang))
    actions = (Button("btn-back", _("Back"), I("Back")),
               Button("btn-start", _("Start"), I("StartForm"), kind="primary"))
    return View("service_intro", lang, service.title.get(lang), tuple(lines), actions=actions)


def _form(state: Any, tr: Translator, _digits: Any) -> View:
    return form_view.form(state, tr)


def _review(state: Any, tr: Translator, _digits: Any) -> View:
    return form_view.review(state, tr)


def _consent(state: Any, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    lines = [_("I confirm that the information I have given is correct and complete, and I want to submit this application.")]
    if _offline(state):
        lines.append(_(OFFLINE_CONSENT))
    else:
        lines.append(_("Your application is sent to the institution. Nothing of it stays on this kiosk after you finish."))
    notice = problem_sentence(state.problem, tr) if state.problem else ""
    choices = (Button("consent-yes", _("Yes, I confirm"), I("SetConsent", (not state.consent,)),
                      selected=state.consent, kind="check"),)
    actions = (Button("btn-back", _("Back"), I("Back")),
               Button("btn-submit", _("Submit"), I("Submit"), kind="primary", enabled=state.consent))
    title = _("Confirm and submit")
    return View("consent", tr.language, title, tuple(lines), notice=notice, choices=choices,
                actions=actions, tone="error" if state.problem else "normal",
                speech=join_utterances([title, notice, *lines, choices[0].text]))


def _result(state: Any, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    sub = state.submission
    printing = state.printing
    lines: list[str] = []
    if sub is None:
        return View("result", tr.language, _("Something went wrong"), (), tone="error")
    if sub.pending:
        title = _("Your application is saved")
        lines.append(_("There is no connection right now. The kiosk will send it automatically as soon as it can."))
    else:
        title = _("Your application has been submitted")
    if sub.short_code:
        lines.append(_("Code to check your application online: %(code)s") % {"code": sub.short_code})
    tone = "success"
    notice = ""
    actions: list[Button] = []
    if printing is not None and printing.status == "printing":
        lines.append(_("Printing your receipt…"))
    elif printing is not None and printing.status == "failed":
        notice = problem_sentence(printing.problem or "printer_error", tr)
        tone = "warning"
        actions += [Button("btn-call-staff", _("Call staff"), I("CallStaff")),
                    Button("btn-reprint", _("Print again"), I("Reprint"))]
    elif printing is not None and printing.status == "printed":
        lines.append(_("Your receipt has been printed. Please take it."))
    lines.append(_("Scan the QR code with your phone to check your application online."))
    actions.append(Button("btn-finish", _("Finish"), I("Finish"), kind="primary"))
    # The reference is spoken character by character (5.1.3.16: transaction output is spoken too).
    spoken = [title, notice, _("Reference number:") + " " + " ".join(sub.reference), *lines]
    return View("result", tr.language, title, tuple(lines), notice=notice, actions=tuple(actions), tone=tone,
                big_text=sub.reference, big_label=_("Reference number:"),
                qr=status_link(sub.status_url, sub.reference, sub.short_code) if sub.short_code or sub.pending else "",
                speech=join_utterances(spoken))


def _take_card(state: Any, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    return View("take_card", tr.language, _("Please take your card"),
                (_("Take your eID card from the reader and your receipt from the printer."),),
                picture="take_card", tone="warning")


def _goodbye(state: Any, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    return View("goodbye", tr.language, _("Thank you and goodbye!"),
                (_("Everything you entered has been erased from this kiosk."),),
                actions=(Button("btn-finish", _("Start again"), I("Finish"), kind="primary"),), tone="success")


def _out_of_order(state: Any, tr: Translator, _digits: Any) -> View:
    return staff_view.out_of_order(state, tr)


def _staff_panel(state: Any, tr: Translator, _digits: Any) -> View:
    return staff_view.staff_panel(state, tr)


_BUILDERS = {
    "welcome": _welcome,
    "reading_card": _busy(N_("Reading your card…"), N_("Please do not take the card out.")),
    "card_problem": _card_problem,
    "pin": pin_view.pin_pad,
    "pin_change": pin_view.pin_change,
    "changing_pin": pin_view.changing_pin,
    "pin_changed": pin_view.pin_changed,
    "authenticating": _busy(N_("Checking your PIN1…"), N_("This takes a few seconds. Please do not take the card out.")),
    "catalogue": _catalogue,
    "service_intro": _service_intro,
    "form": _form,
    "review": _review,
    "consent": _consent,
    "submitting": _busy(N_("Sending your application…"), N_("Please wait and do not take the card out.")),
    "result": _result,
    "take_card": _take_card,
    "goodbye": _goodbye,
    "out_of_order": _out_of_order,
    "staff_panel": _staff_panel,
    "proxy_authorisation": lambda state, tr, _digits: proxy_view.proxy_authorisation(state, tr),
    "staff_reprint": lambda state, tr, _digits: proxy_view.staff_reprint(state, tr),
}
