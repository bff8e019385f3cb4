"""Views of a video call with a specialist (kiosk/flow/call.py): choose, consent, wait, call, end,
callback, failure. Pure: texts and buttons only; the call screen's video is the Kivy widget's part.

Consent says what is shared before anything opens; identity has its own choice, off by default. The
wait is honest: the place in the queue, and an expected wait only when the gateway has one. Every
failure shows its plain words and, small, its code for staff.
"""

from __future__ import annotations

from kiosk.call import flow as cf
from kiosk.call.words import OUTCOME_WORDS, TOPIC_WORDS, institution_name, words_for
from kiosk.flow import call as call_flow
from kiosk.flow import call_events as cev
from kiosk.flow import events as ev
from kiosk.flow.call_state import CallDesk
from kiosk.flow.state import Screen, State
from kiosk.i18n import N_, Translator
from kiosk.runtime.speech import join_utterances
from kiosk.ui.viewmodel import Button, CallBanner, FieldView, View

# What the specialist gets of the screen the citizen is on while sharing (CallBanner.picture).
SHOWN, BLANK = "screen", "blank"
PIN_PADS = frozenset({Screen.PIN, Screen.PIN_CHANGE, Screen.CHANGING_PIN, Screen.SIGN_PIN2})  # always blank
# Screens with card data (the signer's name) beside any view with an identity line: blank unless the
# citizen chose on the consent screen to show name and personal code.
CARD_DATA = frozenset({Screen.SIGN_REVIEW, Screen.SIGN_DONE, Screen.CHECK_RESULT, Screen.REVIEW, Screen.RESULT,
                       Screen.PROXY_AUTHORISATION, Screen.STAFF_PANEL})

TALK_TITLE = N_("Talk to a specialist")
HELP: dict[str, str] = {
    "call_setup": N_("Choose the institution whose specialist you want to talk to, and what it is about. The specialist sees and hears you through the kiosk's camera and microphone; nothing is recorded."),
    "call_consent": N_("Nothing is switched on before you press “Start the call”. The camera light shows when the camera is on. Your name and personal code go to the specialist only if you choose so."),
    "call_waiting": N_("You are waiting for the next free specialist. You can cancel at any time; if nobody can answer, you can leave your phone number for a callback."),
    "call": N_("You are talking to a specialist. “Mute” stops your microphone, “Camera off” your picture. “Show my screen” lets the specialist see the kiosk's screen while you go on with your application; the bar at the top takes you back to the call. A screen for your PIN is never shown. “End call” ends the call; taking out your card ends it too."),
    "call_ended": N_("The call is over: nothing of it was recorded or kept on this kiosk. “Continue” takes you back to where you were."),
    "call_callback": N_("Type the phone number the specialist should call, with the numbers on the screen. The kiosk prints a ticket with the number and a reference; the number is not kept on the kiosk."),
    "call_failed": N_("The call could not be made. You can try again later, or ask the staff for help."),
}


def entry(state: State, tr: Translator, kind: str = "secondary") -> tuple[Button, ...]:
    """"Talk to a specialist", where a call can start (calls set up, a citizen signed in)."""
    if not call_flow.can_start(state):
        return ()
    _ = tr.gettext
    if kind == "choice":
        return (Button("btn-talk-specialist", _(TALK_TITLE), cev.TalkToSpecialist(), kind="choice",
                       detail=_("A video call with an institution, from this kiosk")),)
    return (Button("btn-talk-specialist", _(TALK_TITLE), cev.TalkToSpecialist(), kind=kind),)


def sharing(state: State) -> bool:
    return state.call is not None and state.call.call.sharing


def hides_identity(state: State) -> bool:
    """The screen is shown to the specialist and the citizen did not agree to show name and code: the
    catalogue leaves out "You: <name>" (other screens with card data are blanked)."""
    return sharing(state) and state.call is not None and not state.call.call.share_identity


def shared_picture(state: State, view: View) -> str:
    """What the specialist gets of this screen: the screen, a blank picture (a PIN pad always; card data
    unless the citizen chose to show it), or "" when the screen is not shared."""
    if not sharing(state) or not call_flow.away(state):
        return ""
    if state.screen in PIN_PADS:
        return BLANK
    assert state.call is not None
    if state.call.call.share_identity:
        return SHOWN
    return BLANK if state.screen in CARD_DATA or view.identity else SHOWN


def banner(state: State, tr: Translator, view: View) -> CallBanner | None:
    """The call banner on every screen while a call goes on away from the call screen."""
    if not call_flow.away(state):
        return None
    _ = tr.gettext
    desk = state.call
    assert desk is not None
    who, short_who = talking_to(desk, tr), desk.institution
    if desk.call.specialist:
        short_who = f"{desk.call.specialist}, {desk.institution}"  # "Anna Bērziņa, VSAA": the same in every language
    back = Button("btn-back-to-call", _("Back to the call"), cev.BackToCall())
    if desk.call.phase not in cf.MEDIA_PHASES:  # the call ended while the citizen was here
        ended = _("The call has ended")
        return CallBanner(who, ended, (Button("btn-close-call-banner", _("OK"), cev.CloseCallBanner()),),
                          short_who=short_who, short_status=ended, institution=desk.institution)
    picture = shared_picture(state, view)
    if picture == BLANK:
        status, short = _("The specialist cannot see this screen"), _("Screen hidden")
    elif picture == SHOWN:
        status, short = _("Your screen is being shown"), _("Screen shown")
    else:
        status, short = _("Your screen is not being shown"), _("Screen not shown")
    toggle = Button("btn-stop-sharing", _("Stop showing"), cev.StopShowing()) if desk.call.sharing \
        else Button("btn-share-screen", _("Show my screen"), cev.ShowMyScreen())
    return CallBanner(who, status, (toggle, back), picture, short_who=short_who, short_status=short,
                      institution=desk.institution)


def talking_to(desk: CallDesk, tr: Translator, institution: str = "") -> str:
    """Who the citizen is talking to, as at a counter: "Ar jums runā Anna Bērziņa, VSAA" when the gateway
    named the specialist, else "Saruna ar VSAA". ``institution``: its words in place of the code (speech)."""
    where = institution or desk.institution
    if desk.call.specialist:
        return tr.gettext("You are talking to %(name)s, %(institution)s") % {"name": desk.call.specialist,
                                                                               "institution": where}
    return tr.gettext("Call with %(institution)s") % {"institution": where}


def topic_words(state: State, tr: Translator, topic: str) -> str:
    title = call_flow.topic_title(state, topic)
    if title:
        return title
    return tr.gettext(TOPIC_WORDS[topic]) if topic in TOPIC_WORDS else topic


def _desk(state: State) -> CallDesk:
    return state.call if state.call is not None else CallDesk(back_to="catalogue")


def call_setup(state: State, tr: Translator, _digits: object) -> View:
    """First the institution, then the topic (a tap on it goes on); the service's own topic first."""
    _ = tr.gettext
    desk = _desk(state)
    cfg = state.config.calls
    title = _(TALK_TITLE)
    back = Button("btn-back", _("Back"), ev.Back())
    if not desk.institution:
        institutions = cfg.institutions if cfg is not None else ()
        prompt = _("Which institution do you want to talk to?")
        choices = tuple(Button(f"institution-{code.lower()}", _(institution_name(code)), cev.ChooseInstitution(code),
                               kind="choice") for code in institutions)
    else:
        prompt = _("What is it about?")
        choices = tuple(Button(f"topic-{number}", topic_words(state, tr, code), cev.ChooseTopic(code), kind="choice",
                               selected=code == desk.topic)
                        for number, code in enumerate(call_flow.topics(state), 1))
        prompt = f"{_(institution_name(desk.institution))}. {prompt}"
    notice = _("Please choose the institution and the topic.") if state.problem == "call_choice_missing" else ""
    return View("call_setup", tr.language, title, (prompt,), notice=notice, choices=choices, actions=(back,),
                tone="warning" if notice else "normal",
                speech=join_utterances([title, notice, prompt, *(c.text for c in choices)]))


def call_consent(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    desk = _desk(state)
    title = _("Before the call")
    lines = (
        _("The specialist of %(institution)s will see and hear you: the kiosk's camera and microphone switch on when the specialist answers.") % {"institution": _(institution_name(desk.institution))},
        _("The call is not recorded. The light beside the camera is on while the camera is on."),
    )
    share = Button("chk-share-identity", _("Show my name and personal code to the specialist"),
                   cev.ToggleShareIdentity(), kind="check", selected=desk.share_identity,
                   detail=_("Only if you want: it saves telling them."))
    actions = (Button("btn-back", _("Cancel"), ev.Back()),
               Button("btn-start-call", _("Start the call"), cev.CallIntent(cf.ConsentGiven()), kind="primary"))
    return View("call_consent", tr.language, title, lines, choices=(share,), actions=actions,
                speech=join_utterances([title, *lines, share.text]))


def wait_line(tr: Translator, call: cf.CallState) -> str:
    if call.expected_wait_s is None:
        return tr.gettext("We cannot estimate the wait yet.")
    minutes = max(1, round(call.expected_wait_s / 60))
    return tr.ngettext("Expected wait: about %(n)d minute.", "Expected wait: about %(n)d minutes.", minutes) % {"n": minutes}


def call_waiting(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    call = _desk(state).call
    cancel = (Button("btn-cancel-call", _("Cancel"), ev.Back(), kind="danger"),)
    if call.phase is cf.Phase.REQUESTING:
        title = _("Asking for a specialist…")
        return View("call_waiting", tr.language, title, (), actions=cancel, tone="busy")
    title = _("Waiting for a specialist")
    lines = (_("Your place in the queue: %(n)d") % {"n": call.position}, wait_line(tr, call),
             _("Please stay at the kiosk. The call starts by itself when a specialist answers."))
    return View("call_waiting", tr.language, title, lines, actions=cancel, tone="busy")


def call_screen(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    desk = _desk(state)
    call = desk.call
    who = talking_to(desk, tr)  # the institution's code, not its name: the video needs the room
    if call.phase is cf.Phase.CONNECTING:
        status = _("Connecting…")
    else:
        status = _("Muted: the specialist cannot hear you.") if call.muted else _("The specialist can hear you.")
    actions = (
        Button("btn-mute", _("Unmute") if call.muted else _("Mute"), cev.CallIntent(cf.ToggleMute()),
               selected=call.muted),
        Button("btn-camera", _("Camera on") if call.camera_off else _("Camera off"), cev.CallIntent(cf.ToggleCamera()),
               selected=call.camera_off),
        *((Button("btn-share-screen", _("Show my screen"), cev.ShowMyScreen()),)
          if call.phase is cf.Phase.IN_CALL else ()),
        Button("btn-end-call", _("End call"), cev.CallIntent(cf.HangUp()), kind="danger"),
    )
    short = f"{call.specialist}, {desk.institution}" if call.specialist else who
    return View("call", tr.language, who, (status,), short_title=short, actions=actions,
                speech=join_utterances([talking_to(desk, tr, _(institution_name(desk.institution))), status]))


def call_ended(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    outcome = _desk(state).call.outcome
    line = _(OUTCOME_WORDS[outcome]) if outcome is not None else _(words_for("call_ended"))
    title = _("The call has ended")
    lines = (line, _("Nothing of the call was recorded."))
    return View("call_ended", tr.language, title, lines, tone="success",
                actions=(Button("btn-finish-call", _("Continue"), cev.CallIntent(cf.Finish()), kind="primary"),))


def call_callback(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    desk = _desk(state)
    call = desk.call
    title = _("Ask for a callback")
    # no outcome: no call was made, the institution is closed (its words stay when a number is mistyped)
    reason = words_for("institution_closed") if call.outcome is None else OUTCOME_WORDS[call.outcome]
    done = Button("btn-finish-call", _("Done"), cev.CallIntent(cf.Finish()), kind="primary")
    if call.ticket_printed:
        if desk.print_status == "failed":
            lines = (_("The ticket could not be printed. Please ask the staff; the specialist was not told yet."),)
            tone = "error"
        elif desk.print_status == "printing":
            lines, tone = (_("Printing your ticket…"),), "busy"
        else:
            lines, tone = (_("Take your ticket from the printer. The institution will call you."),), "success"
        return View("call_callback", tr.language, title, lines, actions=(done,), tone=tone)
    error = _(words_for("phone_invalid")) if call.error == "phone_invalid" else ""
    phone = FieldView(id=call_flow.PHONE_FIELD, kind="phone", label=_("Your phone number"),
                      hint=_("For example +371 2000 0000"), value=desk.phone, error=error, required=True,
                      max_length=call_flow.PHONE_MAX)
    actions = (Button("btn-back", _("No, thanks"), ev.Back()),
               Button("btn-next", _("Print ticket"), ev.Next(), kind="primary", enabled=bool(desk.phone)))
    return View("call_callback", tr.language, title, (_(reason),), fields=(phone,), actions=actions,
                tone="error" if error else "normal", speech=join_utterances([title, _(reason), phone.label, error]))


def call_failed(state: State, tr: Translator, _digits: object) -> View:
    _ = tr.gettext
    code = _desk(state).call.error or "call_failed"
    title = _("The call could not be made")
    line = _(words_for(code))
    return View("call_failed", tr.language, title, (line,), tone="error", footnote=code,
                actions=(Button("btn-finish-call", _("Back"), cev.CallIntent(cf.Finish()), kind="primary"),))
