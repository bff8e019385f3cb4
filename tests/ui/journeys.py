"""Steps of a citizen's journey, done through the real app with simulated touches."""

from __future__ import annotations

PERSONAL = ("JĀNIS", "Jānis", "BĒRZIŅŠ", "Bērziņš", "150385-12346", "150385", "Brivibas iela 7", "LV-1010")


def sign_in(ui, pin: str = "1234", card=None) -> None:
    """``card`` in (the demo citizen's by default) and PIN1 typed on the pad."""
    d = ui.driver
    ui.kiosk.emulation.insert(card)
    d.wait_for_screen("pin")
    for digit in pin:
        d.tap(f"pin-{digit}")
    d.wait_until(lambda: ui.kiosk.runtime.state.pin_length == len(pin), 10, "digits counted")
    d.tap("pin-ok")


def type_into(ui, field_id: str, text: str) -> None:
    d = ui.driver
    d.tap(f"field-{field_id}")
    d.type_text(text)
    d.tap("key-done")


def large_text(ui) -> None:
    """Turn large text on (the welcome screen's button) and wait until the kiosk has it."""
    ui.driver.tap("acc-large_text")
    ui.driver.wait_until(lambda: ui.kiosk.runtime.state.accessibility.large_text, 10, "large text")


def open_residence_form(ui) -> None:
    """From the catalogue to the residence declaration's first question."""
    d = ui.driver
    d.wait_for_screen("catalogue")
    d.tap("situation-moving")
    d.tap("service-residence-declaration")
    d.wait_for_screen("service_intro")
    d.tap("btn-start")
    d.wait_for_screen("form")


def fill_residence_form(ui) -> None:
    d = ui.driver
    open_residence_form(ui)
    d.tap("field-whose-self")  # one question per page
    next_page(ui, "field-new_address.street")
    type_into(ui, "new_address.street", "Brivibas iela 7")
    type_into(ui, "new_address.city", "Riga")
    type_into(ui, "new_address.postcode", "LV-1010")
    next_page(ui, "field-moved_on.day")
    d.tap("field-moved_on-today")
    next_page(ui, "field-legal_basis-rental")
    d.tap("field-legal_basis-rental")
    next_page(ui, "field-has_additional-no")
    d.tap("field-has_additional-no")
    next_page(ui, "field-phone")  # optional: phone, then e-mail, left empty
    next_page(ui, "field-email")
    d.tap("btn-next")
    d.wait_for_screen("review")


def next_page(ui, expected: str) -> None:
    """Continue to the next question, which shows the widget ``expected``."""
    d = ui.driver
    d.tap("btn-next")
    d.wait_until(lambda: d.exists(expected), 10, expected)


def submit(ui) -> None:
    """On check answers: "Confirm and send" (the one declaration)."""
    d = ui.driver
    d.tap("btn-submit")
    d.wait_for_screen("result")


def leaked(texts: list[str]) -> list[str]:
    joined = "\n".join(texts).casefold()
    return [p for p in PERSONAL if p.casefold() in joined]
