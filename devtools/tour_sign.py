"""The screenshot tour's signing part (``python -m devtools.tour --part signing``): sign a file on
the emulated USB stick with PIN2, check the container just written, then open it for one more
signature; then a card whose PIN2 is blocked: unblocked with the PUK, then signing with the new PIN2
(demo PINs 1234 / 12345, PUK 12345678)."""

from __future__ import annotations

from typing import Any

from kiosk.flow.signing_state import Preview


def signing_paths(tour: Any, lang: str) -> None:
    d, rt = tour.d, tour.rt

    def file_named(name: str) -> str:
        flow = rt.state.signing
        number = next(i for i, f in enumerate(flow.files, 1) if f.name == name)
        return f"file-{number}"

    tour.sign_in(lang)
    tour.held(lambda: d.tap("svc-sign-document"), "sign_busy", "sign-busy", lang)
    tour.screen("sign_files")
    d.tap(file_named("Iesniegums.txt"))
    d.tap(file_named("Līgums par telpu nomu.pdf"))
    d.wait_until(lambda: len(rt.state.signing.chosen) == 2, 10, "two files chosen")
    tour.shot("sign-files", lang)
    d.tap("btn-next")
    tour.screen("sign_review")
    d.wait_until(lambda: rt.state.signing.preview != Preview.PENDING, 20, "the PDF's first page pictured")
    tour.shot("sign-review", lang)
    d.tap("btn-next")
    tour.screen("sign_pin2")
    tour.pin("12")
    tour.shot("sign-pin2", lang)
    tour.pin("345")
    d.tap("pin-ok")
    tour.screen("sign_done", 60)
    d.wait_until(lambda: rt.state.signing.print_status != "printing", 30, "receipt printed")
    tour.shot("sign-done", lang)
    d.tap("btn-back")
    tour.screen("catalogue")
    d.tap("svc-check-signature")
    tour.screen("sign_files")
    d.tap(file_named("Iesniegums.edoc"))
    tour.screen("check_result", 30)
    tour.shot("check-result", lang)
    # one more signature on the .edoc just made: the review names it and who signed it already
    d.tap("btn-back")
    tour.screen("catalogue")
    d.tap("svc-sign-document")
    tour.screen("sign_files")
    d.tap(file_named("Iesniegums.edoc"))
    d.wait_until(lambda: bool(rt.state.signing.chosen), 10, "the .edoc chosen")
    d.tap("btn-next")
    tour.screen("sign_review")
    tour.shot("sign-review-edoc", lang)
    unblock_pin2(tour, lang, file_named)


def unblock_pin2(tour: Any, lang: str, file_named: Any) -> None:
    from drivers.smartcard.emulator import DEMO_PUK

    d, rt = tour.d, tour.rt
    new_pin2 = "24680"

    tour.home()
    card = tour.kiosk.emulation.citizen_card()
    card.tries[0x85] = 0
    tour.sign_in(lang, card)
    d.tap("svc-sign-document")
    tour.screen("sign_files")
    d.tap(file_named("Pielikums.txt"))
    d.wait_until(lambda: bool(rt.state.signing.chosen), 10, "a file chosen")
    d.tap("btn-next")
    tour.screen("sign_review")
    d.wait_until(lambda: d.exists("btn-unblock"), 10, "unblock offered")
    tour.shot("sign-review-pin2-blocked", lang)
    d.tap("btn-unblock")
    tour.screen("pin_change")
    tour.pin(DEMO_PUK[:3])
    tour.shot("pin2-unblock-puk", lang)
    tour.pin(DEMO_PUK[3:])
    d.tap("pin-ok")
    tour.pin_step("new")
    tour.pin(new_pin2[:2])
    tour.shot("pin2-unblock-new", lang)
    tour.pin(new_pin2[2:])
    d.tap("pin-ok")
    tour.pin_step("repeat")
    tour.pin(new_pin2)
    d.tap("pin-ok")
    tour.screen("pin_changed", 30)
    tour.shot("pin2-unblocked", lang)
    d.tap("btn-next")
    tour.screen("sign_review")
    d.tap("btn-next")
    tour.screen("sign_pin2")
    tour.pin(new_pin2)
    d.tap("pin-ok")
    tour.screen("sign_done", 60)
    d.wait_until(lambda: rt.state.signing.print_status != "printing", 30, "receipt printed")
    tour.home()
