"""The screenshot tour's PIN1 change and PUK unblock part (``python -m devtools.tour --part pin-change``).

Played on fresh emulated cards: a change with a mismatch on the way, a blocked PIN1 unblocked with
the PUK after two wrong tries, a card whose PUK is blocked too, and a card whose answer to the PIN
change comes too late (the "check the PIN status" screen). Demo PINs only: 1234 / PUK 12345678.
"""

from __future__ import annotations

from typing import Any

NEW_PIN = "2468"


def pin_change_paths(tour: Any, lang: str) -> None:
    from drivers.smartcard.emulator import DEMO_PUK
    from drivers.smartcard.emulator.faults import CardFaults

    d, rt, emulation = tour.d, tour.rt, tour.kiosk.emulation

    def enter(digits: str, then: str) -> None:
        tour.pin(digits)
        d.tap("pin-ok")
        tour.pin_step(then)

    # change: current, new, a repeat that differs, then the same twice
    tour.choose_language(lang)
    tour.insert()
    tour.screen("pin")
    d.tap("pin-change")
    tour.screen("pin_change")
    tour.pin("12")
    tour.shot("pin-change-current", lang)
    tour.pin("34")
    d.tap("pin-ok")
    tour.pin_step("new")
    enter(NEW_PIN, "repeat")
    tour.pin("24")
    tour.shot("pin-change-repeat", lang)
    tour.pin("60")
    d.tap("pin-ok")
    d.wait_until(lambda: rt.state.problem == "pin_mismatch", 20, "mismatch")
    tour.shot("pin-change-mismatch", lang)
    enter(NEW_PIN, "repeat")
    tour.pin(NEW_PIN)
    tour.held(lambda: d.tap("pin-ok"), "changing_pin", "changing-pin", lang)
    tour.screen("pin_changed")
    tour.shot("pin-changed", lang)
    d.tap("btn-next")
    tour.screen("pin")
    tour.pin(NEW_PIN)
    d.tap("pin-ok")
    tour.screen("catalogue")

    # unblock: PIN1 blocked, two wrong PUKs (last-try warning), then the right one
    tour.choose_language(lang)
    card = emulation.citizen_card()
    card.tries[0x01] = 0
    tour.insert(card)
    tour.screen("card_problem")
    d.wait_until(lambda: d.exists("btn-unblock"), 10, "unblock offered")
    tour.shot("pin-blocked-puk", lang)
    d.tap("btn-unblock")
    tour.screen("pin_change")
    tour.pin("876")
    tour.shot("puk", lang)
    wrong = "54321"  # completes 876…: a wrong PUK of 8 digits
    for _ in range(2):
        tour.pin(wrong)
        wrong = "87654321"
        d.tap("pin-ok")
        tour.pin_step("new")
        enter(NEW_PIN, "repeat")
        tour.pin(NEW_PIN)
        d.tap("pin-ok")
        d.wait_until(lambda: rt.state.problem == "wrong_puk" and rt.state.screen.value == "pin_change", 20)
    tour.shot("puk-last-try", lang)
    enter(DEMO_PUK, "new")
    enter(NEW_PIN, "repeat")
    tour.pin(NEW_PIN)
    d.tap("pin-ok")
    tour.screen("pin_changed")
    tour.shot("pin-unblocked", lang)

    # PIN1 and PUK both blocked: only the issuer can help
    tour.choose_language(lang)
    card = emulation.citizen_card()
    card.tries[0x01] = card.tries[0x02] = 0
    tour.insert(card)
    tour.screen("card_problem")
    tour.shot("puk-blocked", lang)

    # the card does the change but its answer comes after the reader's timeout
    tour.choose_language(lang)
    tour.insert(emulation.citizen_card(faults=CardFaults(late_ins=0x24, late_s=60.0)))
    tour.screen("pin")
    d.tap("pin-change")
    tour.screen("pin_change")
    enter("1234", "new")
    enter(NEW_PIN, "repeat")
    tour.pin(NEW_PIN)
    d.tap("pin-ok")
    d.wait_until(lambda: rt.state.screen.value == "pin_changed", 60, "uncertain outcome")
    tour.shot("pin-change-uncertain", lang)
    tour.home()
