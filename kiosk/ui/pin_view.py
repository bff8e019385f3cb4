"""The PIN pad's views: signing in, and the steps of a PIN1 change or a PUK unblock (of PIN1, or of
PIN2 while signing) on the same pad.

One pad, several prompts: the change and unblock steps are the PIN screen with another title,
prompt and tries counter, so a citizen meets one familiar keypad. Nothing here knows a digit:
the pad shows dots for ``pin_length`` and speech says the prompt, never what was typed.
"""

from __future__ import annotations

from typing import Any

from kiosk.flow import events as ev
from kiosk.flow.pin_change import limits
from kiosk.flow.state import PinChangeMode, PinChangeOutcome, PinStep, State
from kiosk.i18n import N_, Translator
from kiosk.runtime.speech import join_utterances
from kiosk.ui.texts import PROBLEMS, UNKNOWN_PROBLEM, busy_time
from kiosk.ui.viewmodel import Button, PinKind, PinView, View

DIGITS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "0")

STEP_TITLES = {
    PinStep.CURRENT: N_("Enter your current PIN1"),
    PinStep.PUK: N_("Enter your PUK code"),
    PinStep.NEW: N_("Enter a new PIN1"),
    PinStep.REPEAT: N_("Enter the new PIN1 again"),
}
STEP_PROMPTS = {
    PinStep.CURRENT: N_("The PIN1 you use now: 4 to 12 digits. Then press OK."),
    PinStep.PUK: N_("8 to 12 digits, from the PIN envelope you received with your card. Then press OK."),
    PinStep.NEW: N_("4 to 12 digits that nobody can guess: no easy row of digits, not your date of birth. Then press OK."),
    PinStep.REPEAT: N_("The same new PIN1 once more, then OK."),
}
PIN2_STEP_TITLES = {**STEP_TITLES, PinStep.NEW: N_("Enter a new PIN2"), PinStep.REPEAT: N_("Enter the new PIN2 again")}
PIN2_STEP_PROMPTS = {
    **STEP_PROMPTS,
    PinStep.NEW: N_("PIN2 is the signing PIN: 5 to 12 digits that nobody can guess, not the same as PIN1. Then press OK."),
    PinStep.REPEAT: N_("The same new PIN2 once more, then OK."),
}
STEP_NUMBER = {PinStep.CURRENT: 1, PinStep.PUK: 1, PinStep.NEW: 2, PinStep.REPEAT: 3}
PIN1_LAST_TRY = N_("Careful: this is your last try. One more wrong PIN1 blocks it.")
PUK_LAST_TRY = N_("Careful: this is your last try. After one more wrong PUK code only PMLP can help.")
LAST_TRY_SHORT = N_("Last try!")  # what the pad shows when the whole warning does not fit beside the keys
STEP_KINDS = {PinStep.CURRENT: PinKind.PIN1, PinStep.PUK: PinKind.PUK, PinStep.NEW: PinKind.PIN1,
              PinStep.REPEAT: PinKind.PIN1}
PIN2_STEP_KINDS = {**STEP_KINDS, PinStep.NEW: PinKind.PIN2, PinStep.REPEAT: PinKind.PIN2}
TONE_PIN2 = "sign"  # PIN2's own colour (kiosk.ui.screens.base.TONE_COLOURS): never PIN1's look


def tries_line(tr: Translator, tries: int | None, last_try_text: str) -> tuple[str, bool]:
    if tries is None:
        return "", False
    if tries == 1:
        return tr.gettext(last_try_text), True
    return tr.ngettext("%(n)d try left", "%(n)d tries left", tries) % {"n": tries}, False


def pin_of(state: State, tr: Translator, kind: PinKind, fewest: int, most: int, tries: tuple[str, bool],
         shuffled: bool) -> PinView:
    tries_text, last_try = tries
    return PinView(state.pin_length, most, fewest, tries_text, last_try, shuffled, kind=kind,
                   tries_short=tr.gettext(LAST_TRY_SHORT) if last_try else tries_text,
                   notice_short=notice_title(state, tr))


def pad_buttons(state: State, tr: Translator, digits: tuple[str, ...] | None, fewest: int, most: int,
         cancel: Button) -> tuple[tuple[Button, ...], tuple[Button, ...]]:
    _ = tr.gettext
    keys = tuple(Button(f"pin-{d}", d, pin_digit=d, kind="pin") for d in (digits or DIGITS))
    actions = (
        cancel,
        Button("pin-erase", _("Erase"), ev.PinErase(), kind="erase", enabled=state.pin_length > 0),
        Button("pin-ok", _("OK"), ev.PinConfirm(), kind="ok", enabled=state.pin_length >= fewest),
    )
    return keys, actions


def cancel_button(tr: Translator) -> Button:
    """Cancel, red and marked ✕ on the pad's function column (kiosk.ui.theme.FUNCTION_KEYS)."""
    return Button("pin-cancel", tr.gettext("Cancel"), ev.PinCancel(), kind="cancel")


def notice_title(state: State, tr: Translator) -> str:
    """The problem in a few words ("Wrong PIN1"): the pad's notice when the whole one does not fit."""
    if not state.problem:
        return ""
    return tr.gettext(PROBLEMS.get(state.problem, UNKNOWN_PROBLEM)[0])


def notice_of(state: State, tr: Translator) -> str:
    if not state.problem:
        return ""
    title, action = PROBLEMS.get(state.problem, UNKNOWN_PROBLEM)
    return f"{tr.gettext(title)}. {tr.gettext(action)}"


def pin_pad(state: State, tr: Translator, digits: tuple[str, ...] | None) -> View:
    """Signing in: PIN1, tries left, and the way to change PIN1."""
    _ = tr.gettext
    cfg = state.config
    card = state.card
    tries = tries_line(tr, card.pin_tries_left if card is not None else None, PIN1_LAST_TRY)
    tries_text, last_try = tries
    # Lines from the least to the most needed: the pad drops them in this order when they do not fit.
    lines = []
    if card and card.given_name and not state.problem and not last_try:
        lines.append(_("Hello!"))  # no name: a Latvian greeting needs the vocative (docs/ui.md, Words)
    prompt = _("4 to 12 digits, then OK.")
    notice = notice_of(state, tr)
    if not (last_try and notice):  # the last-try warning and why come first; the pad says the rest
        lines.append(prompt)
    keys, actions = pad_buttons(state, tr, digits, cfg.pin_min, cfg.pin_max, cancel_button(tr))
    # PIN services sit in the text column, calm and away from Cancel: nobody changes a PIN by a slip.
    if not last_try:  # on the last try the warning has the room; a change needs the same PIN1 anyway
        actions = (*actions, Button("pin-change", _("Change PIN1"), ev.StartPinChange(), kind="link"))
    pin = pin_of(state, tr, PinKind.PIN1, cfg.pin_min, cfg.pin_max, tries, digits is not None)
    title = _("Enter your PIN1")
    return View("pin", tr.language, title, tuple(lines), notice=notice, choices=keys, actions=actions, pin=pin,
                tone="error" if state.problem or last_try else "normal",
                speech=join_utterances([title, notice, prompt, tries_text]))


def pin_change(state: State, tr: Translator, digits: tuple[str, ...] | None) -> View:
    """One step of a change or unblock: the same pad, the step's title, prompt and counter; a new PIN2
    in PIN2's colour and words."""
    _ = tr.gettext
    pc = state.pin_change
    step = pc.step if pc is not None and pc.step is not None else PinStep.CURRENT
    pin2 = pc is not None and pc.mode.pin2
    fewest, most = limits(state, step)
    card = state.card
    tries: tuple[str, bool] = ("", False)
    if card is not None and step == PinStep.CURRENT:
        tries = tries_line(tr, card.pin_tries_left, PIN1_LAST_TRY)
    elif card is not None and step == PinStep.PUK:
        tries = tries_line(tr, card.puk_tries_left, PUK_LAST_TRY)
    tries_text, last_try = tries
    numbers = {"n": STEP_NUMBER[step], "total": 3}
    progress = _("Unblocking PIN2: step %(n)d of %(total)d") % numbers if pin2 else _("Step %(n)d of %(total)d") % numbers
    prompt = _((PIN2_STEP_PROMPTS if pin2 else STEP_PROMPTS)[step])
    notice = notice_of(state, tr)
    keys, actions = pad_buttons(state, tr, digits, fewest, most, cancel_button(tr))
    kind = (PIN2_STEP_KINDS if pin2 else STEP_KINDS)[step]
    pin = pin_of(state, tr, kind, fewest, most, tries, digits is not None)
    title = _((PIN2_STEP_TITLES if pin2 else STEP_TITLES)[step])
    # the warning and why need the room; else the pad drops the lines, the first first, when they do not fit
    lines = () if last_try and notice else (progress, prompt)
    calm = TONE_PIN2 if kind == PinKind.PIN2 else "normal"
    return View("pin_change", tr.language, title, lines, notice=notice, choices=keys,
                actions=actions, pin=pin, tone="error" if state.problem or last_try else calm,
                speech=join_utterances([title, notice, progress, prompt, tries_text]))


def changing_pin(state: State, tr: Translator, _digits: Any) -> View:
    _ = tr.gettext
    mode = state.pin_change.mode if state.pin_change is not None else PinChangeMode.CHANGE
    title = {PinChangeMode.CHANGE: _("Changing your PIN1…"), PinChangeMode.UNBLOCK: _("Unblocking PIN1…"),
             PinChangeMode.UNBLOCK_PIN2: _("Unblocking PIN2…")}[mode]
    lines = (_("Please do not take the card out."), busy_time(tr, 10))
    return View("changing_pin", tr.language, title, lines, tone="busy")


def pin_changed(state: State, tr: Translator, _digits: Any) -> View:
    """Done, or not known: sign in with the new PIN1 typed again, or check the status first."""
    _ = tr.gettext
    pc = state.pin_change
    if pc is not None and pc.mode.pin2:
        return pin2_unblocked(state, tr)
    uncertain = pc is not None and pc.outcome == PinChangeOutcome.UNCERTAIN
    unblock = pc is not None and pc.mode == PinChangeMode.UNBLOCK
    finish = Button("btn-finish", _("Finish"), ev.Finish())
    if uncertain:
        title, action = PROBLEMS["pin_change_uncertain"]
        lines = [_(action), _("The kiosk does not send your PIN again by itself."),
                 _("Press “Check PIN status”: the card is read again without any PIN, and you see how many tries are left.")]
        lines.append(_("If PIN1 is still blocked, the unblocking did not happen and you can try again.") if unblock
                     else _("Then sign in with the new PIN1. If it is refused, your previous PIN1 is still valid."))
        return View("pin_changed", tr.language, _(title), tuple(lines), tone="warning",
                    actions=(finish, Button("btn-next", _("Check PIN status"), ev.Next(), kind="primary")))
    title = _("PIN1 has been unblocked") if unblock else _("Your PIN1 has been changed")
    lines = [_("From now on use your new PIN1. Never tell it to anyone.")]
    tries = state.card.pin_tries_left if state.card is not None else None
    if tries:
        lines.append(tr.ngettext("PIN1: %(n)d try left", "PIN1: %(n)d tries left", tries) % {"n": tries})
    lines.append(_("To continue, press “Sign in” and enter the new PIN1."))
    return View("pin_changed", tr.language, title, tuple(lines), tone="success",
                actions=(finish, Button("btn-next", _("Sign in"), ev.Next(), kind="primary")))


def pin2_unblocked(state: State, tr: Translator) -> View:
    """PIN2 unblocked, or not known: back to signing with the new PIN2 typed again, or check first."""
    _ = tr.gettext
    pc, flow = state.pin_change, state.signing
    finish = Button("btn-finish", _("Finish"), ev.Finish())
    if pc is not None and pc.outcome == PinChangeOutcome.UNCERTAIN:
        title, action = PROBLEMS["pin2_unblock_uncertain"]
        lines = (_(action), _("The kiosk does not send your PIN again by itself."),
                 _("Press “Check PIN status”: the card is read again without any PIN, and you see how many tries are left."),
                 _("If PIN2 is still blocked, the unblocking did not happen and you can try again."))
        return View("pin_changed", tr.language, _(title), lines, tone="warning",
                    actions=(finish, Button("btn-next", _("Check PIN status"), ev.Next(), kind="primary")))
    lines = [_("From now on sign with your new PIN2. Never tell it to anyone.")]
    tries = flow.pin2_tries_left if flow is not None else None
    if tries:
        lines.append(tr.ngettext("PIN2: %(n)d try left", "PIN2: %(n)d tries left", tries) % {"n": tries})
    lines.append(_("To continue, press “Continue signing” and enter the new PIN2."))
    return View("pin_changed", tr.language, _("PIN2 has been unblocked"), tuple(lines), tone="success",
                actions=(finish, Button("btn-next", _("Continue signing"), ev.Next(), kind="primary")))


def puk_tries_lines(state: State, tr: Translator) -> list[str]:
    card = state.card
    if card is None or card.puk_tries_left is None:
        return []
    return [tr.ngettext("PUK code: %(n)d try left", "PUK code: %(n)d tries left", card.puk_tries_left)
            % {"n": card.puk_tries_left}]


def blocked_card_extras(state: State, tr: Translator) -> tuple[list[str], list[Button]]:
    """On the blocked-PIN1 screen: the PUK tries left and "Unblock with PUK" while it can work."""
    card = state.card
    if state.problem != "pin_blocked" or card is None or card.puk_tries_left == 0:
        return [], []
    return puk_tries_lines(state, tr), [Button("btn-unblock", tr.gettext("Unblock with PUK"), ev.StartPukUnblock(),
                                               kind="primary")]
