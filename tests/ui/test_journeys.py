"""Whole journeys through the real app under Xvfb: simulated touches, the real runtime and flow, the
emulated card and printer, and the reference gateway on loopback."""

from __future__ import annotations

import time

import pytest
from PIL import Image, ImageChops

from kiosk.ui.paging import Pager
from kiosk.ui.result_view import chunked
from kiosk.ui.theme import sizes_for
from tests.ui.journeys import fill_residence_form, leaked, sign_in, submit

pytestmark = [pytest.mark.display, pytest.mark.slow]


def test_happy_path_with_receipt_and_consistent_help_button(ui, tmp_path):
    d = ui.driver
    help_positions = {}

    def note_help():
        w = d.find("btn-help")
        help_positions[ui.app.rendered_screen] = tuple(round(v) for v in w.to_window(w.right, w.top))

    note_help()
    sign_in(ui)
    d.wait_for_screen("catalogue")
    note_help()
    assert "Jūs: Jānis Bērziņš" in d.texts()
    fill_residence_form(ui)
    note_help()
    texts = d.texts()
    assert "Brivibas iela 7, Riga, LV-1010" in texts  # the review shows what was typed
    assert "Jūs: Jānis Bērziņš, ******-***46" in texts  # card data: one line on check answers, masked
    assert not any("150385-12346" in t for t in texts)
    submit(ui)
    note_help()
    d.wait_until(lambda: ui.kiosk.runtime.state.printing.status == "printed", 30, "receipt printed")
    reference = ui.kiosk.runtime.state.submission.reference
    assert chunked(reference) in d.texts() and d.exists("qr")  # large and in chunks, easy to copy
    assert reference_in_view(d)  # on page 1 of the 7" panel, never cut
    qr = d.find("qr")
    assert min(qr.size) >= sizes_for(ui.app.ui.geometry, False).qr - 0.5  # ≥ 30 mm, no longer capped
    pager = next(w for w in ui.app.root.walk(restrict=True) if isinstance(w, Pager))
    assert pager.page_of(d.find("status-code")) <= pager.page_of(d.find("qr"))  # the code's words, then its square
    d.screenshot(tmp_path / "result.png")
    assert Image.open(tmp_path / "result.png").size == (800, 480)
    tones = len(ui.spoken.tones)
    d.tap("btn-finish")
    d.wait_for_screen("take_card")
    assert d.exists("card-motion-out") and not d.exists("btn-finish")  # full screen, the card moving out
    d.wait_until(lambda: len(ui.spoken.tones) >= tones + 2, 10, "the take-card tone, repeated")
    ui.kiosk.emulation.remove()
    d.wait_for_screen("goodbye")
    heard = len(ui.spoken.tones)
    quiet_until = time.monotonic() + 4  # longer than the tone's period: it has stopped with the card out
    d.wait_until(lambda: time.monotonic() > quiet_until, 10, "four quiet seconds")
    assert len(ui.spoken.tones) == heard
    assert len(set(help_positions.values())) == 1, help_positions  # same place on every screen


def test_wrong_pin_then_right_pin(ui):
    d = ui.driver
    sign_in(ui, pin="9999")
    d.wait_until(lambda: ui.kiosk.runtime.state.problem == "wrong_pin", 30, "wrong PIN reported")
    d.wait_for_screen("pin")
    texts = " ".join(d.texts())
    assert "Nepareizs PIN1" in texts and "Atlikuši 2 mēģinājumi" in texts
    for digit in "1234":
        d.tap(f"pin-{digit}")
    d.tap("pin-ok")
    d.wait_for_screen("catalogue")


def test_card_pulled_mid_form_wipes_screen_and_widget_tree(ui, tmp_path):
    d = ui.driver
    d.screenshot(tmp_path / "before.png")
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("situation-moving")
    d.tap("service-residence-declaration")
    d.tap("btn-start")
    d.wait_for_screen("form")
    d.tap("field-whose-self")
    d.tap("btn-next")
    d.wait_until(lambda: d.exists("field-new_address.street"), 10, "address step")
    d.tap("field-new_address.street")
    d.type_text("Brivibas iela 7")
    assert leaked(d.texts())  # the citizen's data is on screen now
    ui.kiosk.emulation.remove()
    d.wait_for_screen("welcome")
    assert leaked(d.texts()) == []
    assert ui.app.local == {} and ui.app.view.screen == "welcome"
    d.screenshot(tmp_path / "after.png")
    before, after = (Image.open(tmp_path / f"{n}.png").convert("RGB") for n in ("before", "after"))
    still_out(d, before, after)  # the card picture, where the panel has room for it
    diff = ImageChops.difference(before, after)
    assert diff.getbbox() is None  # pixel for pixel the screen a stranger saw before (the moving card aside)


def still_out(d, *images):
    """Paint the moving pictures (kiosk.ui.motion) black in ``images``: they are the only pixels that may
    differ between two moments of the same screen. Their boxes are the same in both; their ids say so."""
    from kiosk.ui.motion import _Moving

    boxes = []
    for w in d.widgets():
        if isinstance(w, _Moving):
            x0, y0 = w.to_window(w.x, w.y)
            x1, y1 = w.to_window(w.right, w.top)
            boxes.append((w.wid, (int(x0), int(y0), int(x1) + 1, int(y1) + 1)))
    for image in images:
        height = image.height
        for _wid, (x0, y0, x1, y1) in boxes:
            image.paste((0, 0, 0), (x0, height - y1, x1, height - y0))  # window y grows upwards
    return [wid for wid, _box in boxes]


def reference_in_view(d) -> bool:
    """The reference is on the page shown (not paged away) and wholly inside its page area and the window."""
    from kivy.core.window import Window

    from kiosk.ui.paging import PageArea

    w = d.find("reference")
    area = w.parent
    while area is not None and not isinstance(area, PageArea):
        area = area.parent
    if area is None or w.get_root_window() is None:
        return False
    x0, y0 = w.to_window(w.x, w.y)
    ax, ay = area.to_window(area.x, area.y)
    return (ay - 0.5 <= y0 and y0 + w.height <= ay + area.height + 0.5
            and 0 <= x0 and x0 + w.width <= Window.width and 0 <= y0 and y0 + w.height <= Window.height)


def test_printer_out_of_paper_keeps_reference_and_reprints(ui):
    d = ui.driver
    printer = ui.kiosk.ports.receipts.printer.transport.printer
    sign_in(ui)
    fill_residence_form(ui)
    printer.set_fault("paper_out")
    try:
        submit(ui)
        d.wait_until(lambda: ui.kiosk.runtime.state.printing.status == "failed", 30, "print failure")
        texts = d.texts()
        assert any(t.startswith("Printerim beidzies papīrs") for t in texts)
        assert chunked(ui.kiosk.runtime.state.submission.reference) in texts
        assert reference_in_view(d)
    finally:
        printer.set_fault("paper_out", on=False)
    d.tap("btn-reprint")
    d.wait_until(lambda: ui.kiosk.runtime.state.printing.status == "printed", 30, "reprinted")
    assert "Apliecinājums ir izdrukāts. Lūdzu, paņemiet to." in d.texts()


def test_gateway_offline_gives_a_pending_reference(ui):
    d = ui.driver
    gateway = ui.kiosk.emulation.gateway
    sign_in(ui)
    fill_residence_form(ui)
    port = int(gateway.base_url.rsplit(":", 1)[1].split("/")[0])
    gateway.stop()
    try:
        submit(ui)
        d.wait_until(lambda: ui.kiosk.runtime.state.submission is not None, 40, "pending reference")
        assert ui.kiosk.runtime.state.submission.pending
        assert "Jūsu iesniegums ir saglabāts" in d.texts()
    finally:
        gateway.start(port=port)


def test_offline_sign_in_says_the_application_will_be_sent_later(ui, tmp_path):
    d = ui.driver
    gateway = ui.kiosk.emulation.gateway
    port = int(gateway.base_url.rsplit(":", 1)[1].split("/")[0])
    gateway.stop()  # the kiosk heard from it at start: its clock was checked in this boot
    try:
        sign_in(ui)
        d.wait_for_screen("catalogue", 40)
        assert ui.kiosk.runtime.state.session.offline is not None
        assert any(t.startswith("Pašlaik nav savienojuma") for t in d.texts())
        d.screenshot(tmp_path / "catalogue-offline-lv.png")
        fill_residence_form(ui)
        assert any("tiks nosūtīts automātiski" in t for t in d.texts())  # on check answers
        d.screenshot(tmp_path / "review-offline-lv.png")
        d.tap("btn-submit")
        d.wait_for_screen("result", 40)
        submission = ui.kiosk.runtime.state.submission
        assert submission.pending and submission.reference.startswith("P-")
        assert "Jūsu iesniegums ir saglabāts" in d.texts() and chunked(submission.reference) in d.texts()
        d.screenshot(tmp_path / "result-offline-lv.png")
        assert not leaked([t for t in d.texts() if not t.startswith("Jūs: ")])
    finally:
        gateway.start(port=port)
