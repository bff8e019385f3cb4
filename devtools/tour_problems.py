"""The screenshot tour's problem part (``python -m devtools.tour --part problems``): the reader unplugged,
a mute card, wrong PINs to the last try and the block, the idle warning, the printer out of paper."""

from __future__ import annotations

from typing import Any


def reader_missing(tour: Any, lang: str) -> None:
    """The welcome screen while the card reader is unplugged: the event the card watcher posts."""
    from kiosk.flow import events as ev

    tour.choose_language(lang)
    tour.rt.post(ev.ReaderUnavailable("reader_missing"))
    tour.d.wait_until(lambda: tour.rt.state.problem == "reader_missing", 10, "reader missing")
    try:
        tour.shot("reader-missing", lang)
    finally:
        tour.rt.post(ev.ReaderAvailable())
        tour.d.wait_until(lambda: tour.rt.state.reader_available, 10, "reader back")

def problem_paths(tour: Any, lang: str) -> None:
    d = tour.d
    reader_missing(tour, lang)
    tour.choose_language(lang)
    # a card upside down (mute)
    from drivers.smartcard.emulator.faults import CardFaults

    tour.insert(tour.kiosk.emulation.citizen_card(faults=CardFaults(mute=True)))
    tour.screen("card_problem")
    tour.shot("card-problem", lang)
    tour.home()
    # two wrong PINs: the last-try warning
    d.tap(f"lang-{lang}")
    tour.insert()
    tour.screen("pin")
    for _ in range(2):
        tour.pin("9999")
        d.tap("pin-ok")
        d.wait_until(lambda: tour.rt.state.problem == "wrong_pin" and tour.rt.state.screen.value == "pin", 30)
    tour.pin("1")
    tour.shot("pin-last-try", lang)
    tour.pin("999")
    d.tap("pin-ok")
    d.wait_until(lambda: tour.rt.state.problem == "pin_blocked", 30, "PIN blocked")
    tour.shot("pin-blocked", lang)
    tour.sign_in(lang)
    # idle warning: a tick from the future; the next real tick hides it again
    from kiosk.flow import events as ev

    cfg = tour.rt.state.config
    tour.rt.post(ev.Tick(tour.rt.state.now + cfg.idle_timeout_s - cfg.idle_warning_s + 2))
    d.wait_until(lambda: d.exists("btn-more-time"), 10, "idle warning")
    tour.shot("idle-warning", lang)
    d.tap("btn-more-time")
    # printer out of paper
    printer = tour.kiosk.ports.receipts.printer.transport.printer
    d.tap("situation-moving")
    d.tap("service-residence-certificate")
    tour.screen("service_intro")
    d.tap("btn-start")
    tour.screen("form")
    tour._finish_any_form()
    printer.set_fault("paper_out")
    try:
        d.tap("btn-submit")
        tour.screen("result")
        d.wait_until(lambda: tour.rt.state.printing and tour.rt.state.printing.status == "failed", 30)
        tour.shot("result-paper-out", lang)
    finally:
        printer.set_fault("paper_out", on=False)
    tour.home()
