"""A citizen's whole journey through the real composition root (no UI): emulated card in an
in-process reader, the reference gateway on loopback, the outbox, the emulated printer."""

from __future__ import annotations

from kiosk.flow import events as ev
from kiosk.flow.state import Screen

ADDRESS = {"street": "Lāčplēša iela 12", "apartment": "5", "city": "Rīga", "postcode": "LV-1011"}
RESIDENCE_ANSWERS = [
    [("whose", "self")],
    [("new_address", ADDRESS), ("moved_on", None), ("legal_basis", "rental"), ("has_additional", False)],
    [("truthful", True)],
]


def wait(runtime, screen: Screen, timeout: float = 30.0) -> None:
    if not runtime.run_until(lambda s: s.screen == screen, timeout):
        raise AssertionError(f"expected {screen}, still at {runtime.state.screen} (problem={runtime.state.problem})")


def enter_pin(runtime, pin: str = "1234") -> None:
    wait(runtime, Screen.PIN)
    for digit in pin:
        runtime.press_pin_digit(digit)
    runtime.run_until(lambda s: s.pin_length == len(pin), 5)
    runtime.post(ev.PinConfirm())


def sign_in(kiosk, pin: str = "1234", card=None) -> None:
    """``card`` in (the demo citizen's card by default), PIN1 entered: on the catalogue."""
    runtime = kiosk.runtime
    runtime.run_until(lambda s: s.catalogue is not None, 30)
    kiosk.emulation.insert(card)
    enter_pin(runtime, pin)
    wait(runtime, Screen.CATALOGUE)


def submit_residence(kiosk) -> None:
    runtime = kiosk.runtime
    runtime.post(ev.ChooseService("residence-declaration"))
    wait(runtime, Screen.SERVICE_INTRO)
    runtime.post(ev.StartForm())
    wait(runtime, Screen.FORM)
    today = runtime.state.today
    for page in RESIDENCE_ANSWERS:
        for field, value in page:
            runtime.post(ev.Answer(field, value if value is not None else today.isoformat()))
        runtime.post(ev.Next())
    confirm_and_submit(runtime)
    if not runtime.run_until(lambda s: s.printing is not None and s.printing.status != "printing", 30):
        raise AssertionError("printing did not finish")


def confirm_and_submit(runtime) -> None:
    """From answered questions: continue to check answers, "Confirm and send", wait for the result."""
    for _ in range(30):  # one question per page: Continue over the answered ones
        if runtime.state.screen == Screen.REVIEW:
            break
        runtime.post(ev.Next())
        runtime.run_until(lambda s: True, 1)
    wait(runtime, Screen.REVIEW)
    runtime.post(ev.Submit())
    wait(runtime, Screen.RESULT)
