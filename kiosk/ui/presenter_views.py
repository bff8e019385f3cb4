"""The presenter's entries for the screens whose views live in modules of their own (kiosk.ui.pin_view,
form_view, result_view, staff_view, proxy_view, sign_view, call_view): each imports its module when its
screen is first presented, so the first frame (the welcome screen) waits for none of them, nor for the
flows they bring in (docs/ui.md, *Start*). The registry itself is kiosk.ui.presenter.SCREENS.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.flow.state import Screen, State
from kiosk.i18n import Translator
from kiosk.ui.viewmodel import View

Digits = tuple[str, ...] | None  # the PIN pad's shuffled digits
Builder = Callable[[State, Translator, Digits], View]


@dataclass(frozen=True)
class ScreenPresenter:
    """The UI's entry for one screen: how its view is built, and the help overlay's text (a msgid)."""

    build: Builder
    help: str


PresenterLoader = Callable[[], ScreenPresenter]  # imports the module of a screen's view, if any, and gives its entry


@functools.cache
def sign_views() -> dict[Screen, ScreenPresenter]:
    """Signing and checking documents: the views and help texts of kiosk.ui.sign_view."""
    from kiosk.ui import sign_view as v

    builds = {Screen.SIGN_FILES: v.sign_files, Screen.SIGN_REVIEW: v.sign_review, Screen.SIGN_PIN2: v.sign_pin2,
              Screen.SIGN_BUSY: v.sign_busy, Screen.SIGN_DONE: v.sign_done, Screen.CHECK_RESULT: v.check_result}
    return {screen: ScreenPresenter(build, v.HELP[screen.value]) for screen, build in builds.items()}


@functools.cache
def call_views() -> dict[Screen, ScreenPresenter]:
    """A video call with a specialist: the views and help texts of kiosk.ui.call_view."""
    from kiosk.ui import call_view as v

    builds = {Screen.CALL_SETUP: v.call_setup, Screen.CALL_CONSENT: v.call_consent,
              Screen.CALL_WAITING: v.call_waiting, Screen.CALL: v.call_screen, Screen.CALL_ENDED: v.call_ended,
              Screen.CALL_CALLBACK: v.call_callback, Screen.CALL_FAILED: v.call_failed}
    return {screen: ScreenPresenter(build, v.HELP[screen.value]) for screen, build in builds.items()}


def sign(screen: Screen) -> PresenterLoader:
    """The entry of a signing screen, sign_view imported on the first call."""
    return lambda: sign_views()[screen]


def call(screen: Screen) -> PresenterLoader:
    """The entry of a call screen, call_view imported on the first call."""
    return lambda: call_views()[screen]


def pin_pad(state: State, tr: Translator, digits: Digits) -> View:
    from kiosk.ui import pin_view

    return pin_view.pin_pad(state, tr, digits)


def pin_change(state: State, tr: Translator, digits: Digits) -> View:
    from kiosk.ui import pin_view

    return pin_view.pin_change(state, tr, digits)


def changing_pin(state: State, tr: Translator, digits: Digits) -> View:
    from kiosk.ui import pin_view

    return pin_view.changing_pin(state, tr, digits)


def pin_changed(state: State, tr: Translator, digits: Digits) -> View:
    from kiosk.ui import pin_view

    return pin_view.pin_changed(state, tr, digits)


def proxy_authorisation(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import proxy_view

    return proxy_view.proxy_authorisation(state, tr)


def staff_reprint(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import proxy_view

    return proxy_view.staff_reprint(state, tr)


def form(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import form_view

    return form_view.form(state.form, state.form_errors, tr, for_citizen=state.proxy is not None)


def result(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import result_view

    return result_view.result(state, tr)


def out_of_order(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import staff_view

    return staff_view.out_of_order(state, tr)


def staff_panel(state: State, tr: Translator, _digits: Digits) -> View:
    from kiosk.ui import staff_view

    return staff_view.staff_panel(state, tr)
