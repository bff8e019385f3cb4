"""The whole kiosk from its composition root with ``calls.mode = "emulated"`` (config/demo.toml), headless:
the settings reach the flow, the runtime runs the call's effects on the pretend specialist, the
callback ticket comes out of the emulated printer as text, opening hours send a closed institution
straight to the callback, and card removal ends the call and drops every frame."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from kiosk.call import flow as cf
from kiosk.flow import call_events as cev
from kiosk.flow import events as ev

CONFIG = Path(__file__).resolve().parents[3] / "config" / "demo.toml"


@pytest.fixture
def kiosk(tmp_path):
    from kiosk import bootstrap
    from kiosk.settings import load_settings

    settings = load_settings(CONFIG)
    settings = dataclasses.replace(settings, calls=dataclasses.replace(
        settings.calls, hours=("PMLP sat 09:00-13:00",)))
    built = bootstrap.build(settings, workdir=tmp_path / "kiosk")
    built.start()
    built.ports.calls.step_s = 0.3
    try:
        yield built
    finally:
        built.close()


def until(kiosk, predicate, what: str, timeout: float = 20) -> None:
    assert kiosk.runtime.run_until(lambda s: predicate(s), timeout), what


def signed_in(kiosk) -> None:
    rt = kiosk.runtime
    until(kiosk, lambda s: s.catalogue is not None, "catalogue")
    kiosk.emulation.insert()
    until(kiosk, lambda s: s.screen.value == "pin", "pin")
    for digit in "1234":
        rt.press_pin_digit(digit)
    rt.post(ev.PinConfirm())
    until(kiosk, lambda s: s.screen.value == "catalogue", "signed in", 30)


def call(kiosk, institution: str, topic: str = "question") -> None:
    rt = kiosk.runtime
    for event in (cev.TalkToSpecialist(), cev.ChooseInstitution(institution), cev.ChooseTopic(topic)):
        rt.post(event)


def test_a_call_with_the_pretend_specialist_then_card_removal_drops_everything(kiosk):
    rt, desk = kiosk.runtime, kiosk.ports.calls
    assert rt.state.config.calls is not None and kiosk.video is desk.video
    signed_in(kiosk)
    call(kiosk, "VSAA")
    until(kiosk, lambda s: s.screen.value == "call_consent", "consent")
    assert desk.video.remote() is None  # nothing before consent
    rt.post(cev.CallIntent(cf.ConsentGiven()))
    until(kiosk, lambda s: s.screen.value == "call_waiting" and s.call.call.position == 2, "queued")
    until(kiosk, lambda s: s.call is not None and s.call.call.phase is cf.Phase.IN_CALL, "in the call")
    until(kiosk, lambda s: desk.video.remote() is not None and desk.video.local() is not None, "frames")
    kiosk.emulation.remove()
    until(kiosk, lambda s: s.screen.value == "welcome" and s.call is None, "wiped")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and desk.video.remote() is not None:
        time.sleep(0.05)
    assert desk.video.remote() is None and desk.video.local() is None and not desk._feeding.is_set()


def test_nobody_answers_and_the_ticket_is_printed(kiosk):
    rt, desk = kiosk.runtime, kiosk.ports.calls
    desk.fault = "no_answer"
    signed_in(kiosk)
    call(kiosk, "VID", "form_help")
    until(kiosk, lambda s: s.screen.value == "call_consent", "consent")
    rt.post(cev.CallIntent(cf.ConsentGiven()))
    until(kiosk, lambda s: s.screen.value == "call_callback", "callback")
    reference = rt.state.call.call.call_id
    rt.post(ev.Answer("phone", "+371 2612 3456"))
    rt.post(ev.Next())
    until(kiosk, lambda s: s.call is not None and s.call.print_status == "printed", "printed")
    (paper,) = [p.read_text("utf-8") for p in kiosk.emulation.receipts_dir.glob("receipt-*.txt")]
    for expected in ("Atzvanīšanas pieprasījums", "Valsts ieņēmumu dienests", "Palīdzība ar veidlapu",
                     "+371 2612 3456", reference):
        assert expected in paper, expected
    assert "26123456" not in paper.replace(" ", "x")  # grouped, never one run of digits


def test_a_closed_institution_goes_straight_to_the_callback(kiosk):
    rt = kiosk.runtime
    signed_in(kiosk)
    saturday = rt.state.local_now is not None and rt.state.local_now.weekday() == 5 \
        and 9 <= rt.state.local_now.hour < 13
    call(kiosk, "PMLP")
    until(kiosk, lambda s: s.screen.value in ("call_callback", "call_consent"), "after the choice")
    assert rt.state.screen.value == ("call_consent" if saturday else "call_callback")
    if not saturday:
        assert rt.state.call.call.error == "institution_closed"


def test_a_refusal_shows_its_code(kiosk):
    rt, desk = kiosk.runtime, kiosk.ports.calls
    desk.fault = "refused"
    signed_in(kiosk)
    call(kiosk, "VZD")
    until(kiosk, lambda s: s.screen.value == "call_consent", "consent")
    rt.post(cev.CallIntent(cf.ConsentGiven()))
    until(kiosk, lambda s: s.screen.value == "call_failed", "failed")
    assert rt.state.call.call.error == "calls_disabled"
    rt.post(cev.CallIntent(cf.Finish()))
    until(kiosk, lambda s: s.screen.value == "catalogue" and s.call is None, "back")
