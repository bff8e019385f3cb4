"""One module (+ .kv) per kind of screen; :data:`WIDGETS` names the Kivy widget class of every screen.

Importing this package imports Kivy; the pure presenter (kiosk.ui.presenter) does not.
"""

from __future__ import annotations

from kiosk.flow.state import Screen
from kiosk.ui.screens import call, catalogue, form, message, pin, report, result, review, sign_review, welcome
from kiosk.ui.screens.base import KioskScreen

# One entry per screen (a test fails when a screen has none). Several screens share a layout.
WIDGETS: dict[Screen, type[KioskScreen]] = {
    Screen.WELCOME: welcome.WelcomeScreen,
    Screen.READING_CARD: message.MessageScreen,
    Screen.CARD_PROBLEM: message.MessageScreen,
    Screen.PIN: pin.PinScreen,
    Screen.AUTHENTICATING: message.MessageScreen,
    Screen.CATALOGUE: catalogue.CatalogueScreen,
    Screen.SERVICE_INTRO: message.MessageScreen,
    Screen.FORM: form.FormScreen,
    Screen.REVIEW: review.ReviewScreen,
    Screen.SUBMITTING: message.MessageScreen,
    Screen.RESULT: result.ResultScreen,
    Screen.TAKE_CARD: message.MessageScreen,
    Screen.GOODBYE: message.MessageScreen,
    Screen.OUT_OF_ORDER: message.MessageScreen,
    Screen.STAFF_PANEL: message.MessageScreen,
    Screen.PIN_CHANGE: pin.PinScreen,  # the same pad: another title, prompt and counter per step
    Screen.CHANGING_PIN: message.MessageScreen,
    Screen.PIN_CHANGED: message.MessageScreen,
    Screen.PROXY_AUTHORISATION: form.FormScreen,  # the e-asistents authorisation is a form
    Screen.STAFF_REPRINT: form.FormScreen,  # one field: the reference, on the on-screen keyboard
    Screen.SIGN_FILES: message.MessageScreen,  # the stick's files as choice buttons
    Screen.SIGN_REVIEW: sign_review.SignReviewScreen,
    Screen.SIGN_PIN2: pin.PinScreen,  # the same pad: PIN2's title, prompt, counter and colour
    Screen.SIGN_BUSY: message.MessageScreen,
    Screen.SIGN_DONE: message.MessageScreen,
    Screen.CHECK_RESULT: message.MessageScreen,
    Screen.CALL_SETUP: message.MessageScreen,  # institutions and topics as choice buttons
    Screen.CALL_CONSENT: message.MessageScreen,
    Screen.CALL_WAITING: message.MessageScreen,
    Screen.CALL: call.CallScreen,  # the specialist's video large, the kiosk's own small
    Screen.CALL_ENDED: message.MessageScreen,
    Screen.CALL_CALLBACK: form.FormScreen,  # one field: the phone number on the numeric keys
    Screen.CALL_FAILED: message.MessageScreen,
}
REPORT_WIDGET = report.ReportScreen  # first boot's report (not a flow screen): texts left, a large QR code right
