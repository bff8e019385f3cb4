"""End to end without a screen: card → PIN → gateway → form → outbox → gateway → receipt bytes."""

import re

from drivers.printer.emulator.interpreter import EscposInterpreter, codepages_for
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from tests.e2e.journey import enter_pin, sign_in, submit_residence, wait


def test_citizen_submits_and_gets_a_receipt(kiosk):
    sign_in(kiosk)
    state = kiosk.runtime.state
    assert state.session.given_name == "JĀNIS"  # the gateway said so, from the card's certificate
    submit_residence(kiosk)
    state = kiosk.runtime.state
    assert state.submission is not None and not state.submission.pending
    assert state.printing.status == "printed"
    reference = state.submission.reference

    receipts = sorted(kiosk.emulation.receipts_dir.glob("receipt-*.txt"))
    pngs = sorted(kiosk.emulation.receipts_dir.glob("receipt-*.png"))
    assert receipts and pngs
    text = receipts[-1].read_text(encoding="utf-8")
    assert reference in text
    assert "Dzīvesvietas deklarēšana" in text
    assert "Deklarē dzīvesvietu: Savu" in text  # the service's receipt summary, by its short label
    assert "Saņēmējs:\nPilsonības un migrācijas lietu pārvalde (PMLP)" in text  # from the service definition
    assert "Ja rodas jautājumi, zvaniet:\n+371 67 000 000" in text  # [site] phone in config/demo.toml
    assert "J. B." in text and "BĒRZIŅŠ" not in text
    assert not re.search(r"\b\d{6}-?\d{5}\b", text)

    kiosk.runtime.post(ev.Finish())
    wait(kiosk.runtime, Screen.TAKE_CARD)
    kiosk.emulation.remove()
    wait(kiosk.runtime, Screen.GOODBYE)


def test_receipt_bytes_decode_to_the_same_receipt(kiosk):
    sign_in(kiosk)
    submit_residence(kiosk)
    transport = kiosk.ports.receipts.printer.transport
    printer = transport.printer if hasattr(transport, "printer") else None
    assert printer is not None and printer.jobs
    settings = kiosk.settings.printer
    interpreter = EscposInterpreter(codepages_for(settings.codepage_slot, settings.codec))
    interpreter.feed(bytes(printer.received))  # exactly the bytes the printer got
    assert interpreter.unknown == []
    assert "Dzīvesvietas deklarēšana" in interpreter.text()
    assert interpreter.cuts
    (payload,) = interpreter.qr_payloads
    assert kiosk.runtime.state.submission.reference in payload and "BĒRZIŅŠ" not in payload
    lines = [line.text for line in interpreter.lines]
    start = next(i for i, line in enumerate(lines) if line.endswith("pārlūkā:")) + 1
    end = lines.index("Ja rodas jautājumi, zvaniet:")
    assert "".join(lines[start:end]) == payload.split("://", 1)[1]  # the QR code's link, readable


def test_wrong_pin_then_right_pin(kiosk):
    runtime = kiosk.runtime
    runtime.run_until(lambda s: s.catalogue is not None, 30)
    kiosk.emulation.insert()
    enter_pin(runtime, "9999")
    assert runtime.run_until(lambda s: s.screen == Screen.PIN and s.problem == "wrong_pin", 30)
    assert runtime.state.card.pin_tries_left == 2
    enter_pin(runtime, "1234")
    wait(runtime, Screen.CATALOGUE)


def test_card_pulled_mid_form_wipes(kiosk):
    sign_in(kiosk)
    kiosk.runtime.post(ev.ChooseService("residence-declaration"))
    wait(kiosk.runtime, Screen.SERVICE_INTRO)
    kiosk.emulation.remove()
    wait(kiosk.runtime, Screen.WELCOME)
    assert kiosk.runtime.state.session is None


def _health(kiosk):
    import json

    gateway = kiosk.emulation.gateway
    rows = gateway.query("SELECT health FROM device_reports WHERE device_id = ? AND source = 'app'",
                         (gateway.device_id,))  # the app's own report
    return json.loads(rows[0][0]) if rows and rows[0][0] else None


def test_heartbeat_and_help_call_reach_the_gateway(kiosk):
    assert kiosk.runtime.run_until(lambda s: _health(kiosk) is not None, 30)
    health = _health(kiosk)
    assert health["outbox_pending"] == 0 and health["printer"] == "ok" and health["help_requested"] is False
    sign_in(kiosk)
    kiosk.runtime.post(ev.CallStaff())
    assert kiosk.runtime.run_until(lambda s: (_health(kiosk) or {}).get("help_requested") is True, 30)
    health = _health(kiosk)
    assert health["screen"] == "catalogue" and "outbox_pending" in health  # one full health report
    assert "JĀNIS" not in str(health) and "BĒRZIŅŠ" not in str(health)
