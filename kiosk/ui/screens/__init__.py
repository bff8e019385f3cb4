"""One module (+ .kv) per kind of screen; :data:`WIDGETS` names, for every screen, how to get its Kivy widget
class.

A screen's module is imported the first time the screen is shown (:func:`widget_for`), not when the app
starts: the first frame (the welcome screen) waits only for the welcome's own module, and the app loads
the others (:func:`load_all`) once that frame is on the screen (docs/ui.md, *Start*). Each loader is a
plain import inside a function; Python imports a module once, so a later call is a dictionary lookup.

Importing this package imports Kivy (``base``); the pure presenter (kiosk.ui.presenter) does not.
"""

from __future__ import annotations

from collections.abc import Callable

from kiosk.flow.state import Screen
from kiosk.ui.screens.base import KioskScreen

WidgetLoader = Callable[[], type[KioskScreen]]  # imports a screen's module and returns its widget class


def _welcome() -> type[KioskScreen]:
    from kiosk.ui.screens.welcome import WelcomeScreen

    return WelcomeScreen


def _message() -> type[KioskScreen]:
    from kiosk.ui.screens.message import MessageScreen

    return MessageScreen


def _pin() -> type[KioskScreen]:
    from kiosk.ui.screens.pin import PinScreen

    return PinScreen


def _catalogue() -> type[KioskScreen]:
    from kiosk.ui.screens.catalogue import CatalogueScreen

    return CatalogueScreen


def _form() -> type[KioskScreen]:
    from kiosk.ui.screens.form import FormScreen

    return FormScreen


def _review() -> type[KioskScreen]:
    from kiosk.ui.screens.review import ReviewScreen

    return ReviewScreen


def _result() -> type[KioskScreen]:
    from kiosk.ui.screens.result import ResultScreen

    return ResultScreen


def _sign_review() -> type[KioskScreen]:
    from kiosk.ui.screens.sign_review import SignReviewScreen

    return SignReviewScreen


def _call() -> type[KioskScreen]:
    from kiosk.ui.screens.call import CallScreen

    return CallScreen


def report_widget() -> type[KioskScreen]:
    """First boot's report (not a flow screen): texts left, a large QR code right."""
    from kiosk.ui.screens.report import ReportScreen

    return ReportScreen


# One entry per screen (a test fails when a screen has none). Several screens share a layout.
WIDGETS: dict[Screen, WidgetLoader] = {
    Screen.WELCOME: _welcome,
    Screen.READING_CARD: _message,
    Screen.CARD_PROBLEM: _message,
    Screen.PIN: _pin,
    Screen.AUTHENTICATING: _message,
    Screen.CATALOGUE: _catalogue,
    Screen.SERVICE_INTRO: _message,
    Screen.FORM: _form,
    Screen.REVIEW: _review,
    Screen.SUBMITTING: _message,
    Screen.RESULT: _result,
    Screen.TAKE_CARD: _message,
    Screen.GOODBYE: _message,
    Screen.OUT_OF_ORDER: _message,
    Screen.STAFF_PANEL: _message,
    Screen.PIN_CHANGE: _pin,  # the same pad: another title, prompt and counter per step
    Screen.CHANGING_PIN: _message,
    Screen.PIN_CHANGED: _message,
    Screen.PROXY_AUTHORISATION: _form,  # the e-asistents authorisation is a form
    Screen.STAFF_REPRINT: _form,  # one field: the reference, on the on-screen keyboard
    Screen.SIGN_FILES: _message,  # the stick's files as choice buttons
    Screen.SIGN_REVIEW: _sign_review,
    Screen.SIGN_PIN2: _pin,  # the same pad: PIN2's title, prompt, counter and colour
    Screen.SIGN_BUSY: _message,
    Screen.SIGN_DONE: _message,
    Screen.CHECK_RESULT: _message,
    Screen.CALL_SETUP: _message,  # institutions and topics as choice buttons
    Screen.CALL_CONSENT: _message,
    Screen.CALL_WAITING: _message,
    Screen.CALL: _call,  # the specialist's video large, the kiosk's own small
    Screen.CALL_ENDED: _message,
    Screen.CALL_CALLBACK: _form,  # one field: the phone number on the numeric keys
    Screen.CALL_FAILED: _message,
}


def widget_for(screen: Screen) -> type[KioskScreen]:
    """The widget class of ``screen``, its module imported on the first call."""
    return WIDGETS[screen]()


def load_all() -> None:
    """Import every screen's module now (the app does this just after its first frame, so the first tap on
    another screen does not wait for an import)."""
    for loader in dict.fromkeys(WIDGETS.values()):
        loader()
    report_widget()
