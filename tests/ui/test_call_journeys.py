"""A video call through the real app under Xvfb: simulated touches, the real runtime and flow, the
emulated card and printer; the call itself through a real call gateway on loopback (``[calls]``, a
coturn started by the test, relay-only ICE) with the kiosk's aiortc peer, and a specialist who accepts
through the console API and answers with aiortc. The call screen shows the specialist's frames;
the no-answer path prints a callback ticket that the printer emulator decodes back to text; taking the
card out ends the call for the specialist too."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time

import pytest

pytest.importorskip("aiortc")

from kiosk.call.desk import GatewayCallDesk, TicketPrinter  # noqa: E402
from tests.integration.calls.conftest import relay_gateway  # noqa: E402, F401 - the call gateway and coturn
from tests.ui.journeys import sign_in  # noqa: E402

pytestmark = [pytest.mark.display, pytest.mark.slow]


class SpecialistThread:
    """A PythonSpecialist (tests/integration/calls/call_peers.py) on an asyncio loop of its own."""

    def __init__(self, local, people, name: str = ""):
        """``name``: the specialist's display name on their gateway account ("" = none)."""
        from tests.integration.calls.call_peers import PythonSpecialist

        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.peer = self._await(self._make(PythonSpecialist, local, people, name))

    async def _make(self, cls, local, people, name):
        return cls(local.base_url, people.session(local.base_url, people.add("VSAA", name=name)))

    def _await(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def accept(self, call_id: str) -> None:
        self._await(self.peer.accept(call_id))
        self._await(asyncio.wait_for(self.peer.connected.wait(), 20))

    def frames(self) -> int:
        return self.peer.probe.report.video_frames

    def ended(self) -> bool:
        return self.peer.ended.is_set()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            if not self.peer.ended.is_set() and self.peer.socket is not None:
                self._await(self.peer.end(), 10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


@pytest.fixture
def gateway_calls(ui, request, tmp_path):
    """The UI kiosk's call port switched to the real call gateway for one test, then back."""
    from kiosk.call.callbacks import CallbackQueue, CallbackSender
    from kiosk.call.client import CallClient

    local, people = request.getfixturevalue("relay_gateway")
    kiosk = ui.kiosk
    before, video_before = kiosk.ports.calls, ui.app.video
    client = CallClient(local.base_url, device_id=local.device_id, device_key=local.device_key)
    callbacks = CallbackSender(CallbackQueue(tmp_path / "callbacks.sqlite", local.sealing_public_key), client)
    desk = GatewayCallDesk(client, TicketPrinter(kiosk.ports.receipts), ring_s=300, poll_s=0.5, callbacks=callbacks)
    kiosk.ports.calls, ui.app.video = desk, desk.video
    try:
        yield local, people, desk
    finally:
        kiosk.ports.calls, ui.app.video = before, video_before
        desk.close()


def start_call(ui, institution: str = "vsaa", topic: str = "topic-1") -> None:
    d = ui.driver
    sign_in(ui)
    d.wait_for_screen("catalogue")
    d.tap("btn-talk-specialist")
    d.wait_for_screen("call_setup")
    d.tap(f"institution-{institution}")
    d.wait_until(lambda: d.exists(topic), 10, "topics")
    d.tap(topic)
    d.wait_for_screen("call_consent")
    assert any("netiek ierakstīta" in t for t in d.texts())


def test_catalogue_to_specialist_consent_queue_call_end(ui, gateway_calls):
    local, people, desk = gateway_calls
    d, rt = ui.driver, ui.kiosk.runtime
    start_call(ui)
    d.tap("chk-share-identity")
    d.wait_until(lambda: rt.state.call.share_identity, 10, "share chosen")
    d.tap("btn-start-call")
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.call_id, 20, "queued at the gateway")
    d.wait_for_screen("call_waiting")
    assert "Jūsu vieta rindā: 1" in d.texts()
    assert any("vēl nevaram aplēst" in t for t in d.texts())  # no history at this gateway: no guess
    specialist = SpecialistThread(local, people, name="Anna Bērziņa")
    try:
        specialist.accept(rt.state.call.call.call_id)
        d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.phase.value == "in_call", 30,
                     "in the call")
        d.wait_for_screen("call")
        assert "Ar jums runā Anna Bērziņa, VSAA" in d.texts()  # the gateway named who accepted
        d.wait_until(lambda: desk.video.remote() is not None and desk.video.local() is not None, 30, "frames")
        d.wait_until(lambda: d.find("call-video")._textures.get("remote") is not None, 10, "drawn on screen")
        assert d.find("call-video")._textures["remote"].size[0] == 640  # the specialist's 640×480
        d.wait_until(lambda: specialist.frames() >= 15, 30, "the specialist receives the kiosk")
        d.tap("btn-mute")
        d.wait_until(lambda: rt.state.call.call.muted, 10, "muted")
        assert "Mikrofons izslēgts: speciālists jūs nedzird." in d.texts()
        d.tap("btn-end-call")
        d.wait_for_screen("call_ended")
        assert not any("Bērziņa" in t for t in d.texts()) and rt.state.call.call.specialist == ""
        d.wait_until(specialist.ended, 10, "ended for the specialist too")
        assert specialist.peer.outcome.value == "ended_by_citizen"
        d.wait_until(lambda: desk.video.remote() is None, 5, "frames dropped with the call")  # the kiosk's
        # side closes after the gateway's "ended" reached both
        d.tap("btn-finish-call")
        d.wait_for_screen("catalogue")
    finally:
        specialist.stop()


def test_card_removal_during_a_call_ends_it_for_the_specialist(ui, gateway_calls):
    local, people, desk = gateway_calls
    d, rt = ui.driver, ui.kiosk.runtime
    start_call(ui)
    d.tap("btn-start-call")
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.call_id, 20, "queued")
    specialist = SpecialistThread(local, people)
    try:
        specialist.accept(rt.state.call.call.call_id)
        d.wait_for_screen("call", 30)
        ui.kiosk.emulation.remove()
        d.wait_for_screen("welcome")
        assert rt.state.call is None and rt.state.session is None
        d.wait_until(specialist.ended, 15, "ended for the specialist")
        d.wait_until(lambda: desk.runner.session is None and desk.video.remote() is None, 10, "nothing held")
    finally:
        specialist.stop()


def test_nobody_answers_then_a_callback_ticket_is_printed(ui, gateway_calls):
    local, people, desk = gateway_calls
    d, rt = ui.driver, ui.kiosk.runtime
    desk.runner.ring_seconds = 2  # the kiosk's ring timer: nobody accepts within it
    jobs_before = set(ui.kiosk.emulation.receipts_dir.glob("receipt-*.txt"))
    start_call(ui)
    d.tap("btn-start-call")
    d.wait_for_screen("call_callback", 30)
    call_id = rt.state.call.call.call_id
    assert call_id and any("Neviens" in t or "atzvan" in t for t in d.texts())
    d.tap("field-phone")
    d.type_text("+37120000000")
    d.tap("key-done")
    d.tap("btn-next")
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.print_status == "printed", 30, "ticket printed")
    assert "20000000" not in repr(rt.state.call)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not set(ui.kiosk.emulation.receipts_dir.glob("receipt-*.txt")) - jobs_before:
        d.step(2)
    (job,) = set(ui.kiosk.emulation.receipts_dir.glob("receipt-*.txt")) - jobs_before
    paper = job.read_text("utf-8")
    for expected in ("Atzvanīšanas pieprasījums", "Valsts sociālās", "+371 2000 0000", call_id):
        assert expected in paper, expected
    # the same request reached the institution: the gateway has it under the ticket's reference
    query = "SELECT institution, phone FROM call_callbacks WHERE reference = ?"
    d.wait_until(lambda: local.query(query, (call_id,)) == [("VSAA", "+37120000000")], 10, "callback request sent")
    d.tap("btn-finish-call")
    d.wait_for_screen("catalogue")


def test_show_my_screen_sends_the_window_blanks_card_data_and_card_removal_ends_it(ui, gateway_calls):
    """"Rādīt manu ekrānu" in the real app: the catalogue with the call banner, the window's own picture
    handed to the call's second track and received by the specialist; the form's first page (the card's
    name and code, not agreed to show) sent flat; taking the card out ends call and sharing and wipes."""
    import numpy as np
    from kivy.core.window import Window

    from kiosk.call.video import BLANK_RGB, fit_screen

    local, people, desk = gateway_calls
    d, rt = ui.driver, ui.kiosk.runtime
    start_call(ui)
    d.tap("btn-start-call")  # name and code not chosen
    d.wait_until(lambda: rt.state.call is not None and rt.state.call.call.call_id, 20, "queued")
    specialist = SpecialistThread(local, people, name="Anna Bērziņa")
    try:
        specialist.accept(rt.state.call.call.call_id)
        d.wait_for_screen("call", 30)
        d.wait_until(lambda: rt.state.call.call.phase.value == "in_call", 20, "in the call")
        assert specialist.peer.screen.report.video_frames == 0  # negotiated, silent until shown
        d.tap("btn-share-screen")
        d.wait_for_screen("catalogue")
        # the banner names the specialist: the whole sentence, or where the row is short "Anna Bērziņa, VSAA"
        assert any(t.endswith("Anna Bērziņa, VSAA · Ekrāns tiek rādīts") for t in d.texts())
        assert not any("Jūs: " in t for t in d.texts())  # the name is left out while shown without consent
        width, height = (int(v) for v in Window.size)
        d.wait_until(lambda: desk.video.screen.latest() is not None, 10, "the window's picture")
        shot = desk.video.screen.latest()
        assert (shot.width, shot.height) == (width, height)
        rgb = np.frombuffer(shot.rgb, dtype=np.uint8).reshape(height, width, 3)
        banner = d.find("call-banner")
        row = height - int(banner.y + banner.height / 2)  # the banner's middle, counted from the top
        assert (np.abs(rgb[row, :].astype(int) - (0x0B, 0x4F, 0x8A)).max(axis=1) < 8).mean() > 0.2  # its blue
        assert rgb.reshape(-1, 3).std(axis=0).max() > 30  # a real screen, not a flat picture
        d.wait_until(lambda: specialist.peer.screen.report.video_frames >= 3, 20, "the screen at the specialist")
        assert specialist.peer.screen.report.last_size == fit_screen(width, height)
        assert specialist.peer.screen.report.last_blank is False

        d.tap("situation-moving")
        d.tap("service-residence-declaration")
        d.wait_for_screen("service_intro")
        d.tap("btn-start")
        d.wait_for_screen("form")  # the first question shows the card's name and code
        assert any(t.endswith(("· Speciālists šo ekrānu neredz", "· Ekrāns paslēpts")) for t in d.texts())
        d.wait_until(lambda: desk.video.screen.latest() is not None
                     and desk.video.screen.latest().rgb == bytes(BLANK_RGB) * (width * height), 10, "blanked")
        d.wait_until(lambda: specialist.peer.screen.report.last_blank, 20, "a flat picture at the specialist")

        # large text on this 7" panel: the banner takes the header's place and keeps Help and the language
        d.tap("btn-text-size")
        d.wait_until(lambda: not d.exists("btn-speech"), 10, "the banner in the header's place")
        banner = list(d.find("call-banner").walk(restrict=True))
        assert d.find("btn-help") in banner and d.find("lang-en") in banner and d.exists("btn-back-to-call")
        d.tap("lang-en")  # the language changes mid-call: the call and the sharing go on
        d.wait_until(lambda: rt.state.language == "en" and d.exists("lang-lv"), 10, "English")
        assert rt.state.call.call.sharing and d.find("lang-lv") in list(d.find("call-banner").walk(restrict=True))
        d.tap("lang-lv")
        d.wait_until(lambda: rt.state.language == "lv" and d.exists("lang-en"), 10, "Latvian again")
        d.tap("btn-help")
        d.wait_until(lambda: d.exists("btn-close-help"), 10, "the help overlay")
        assert rt.state.help_open and rt.state.call.call.sharing  # the call and the sharing go on
        d.tap("btn-close-help")
        d.wait_until(lambda: not rt.state.help_open, 10, "help closed")

        ui.kiosk.emulation.remove()
        d.wait_for_screen("welcome")
        assert rt.state.call is None and rt.state.session is None
        d.wait_until(specialist.ended, 15, "ended for the specialist")
        d.wait_until(lambda: desk.runner.session is None, 10, "the call closed")
        assert not desk.video.screen.on and desk.video.screen.latest() is None
        assert not d.exists("call-banner")
    finally:
        specialist.stop()
