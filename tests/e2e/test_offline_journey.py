"""Offline → online, end to end: the kiosk checks its clock against the gateway, the gateway goes
down, a citizen signs in through the real PC/SC stack (pcscd + vpcd + card emulator), submits and
takes a pending receipt; the gateway comes back, the delivery worker delivers, and the gateway holds
exactly one submission, of the person on the verified certificate, reachable by the local reference.
And: without a clock check in this boot, offline sign-in is refused (in-process card, no pcscd)."""

from __future__ import annotations

import datetime as dt
import io
import logging
import time
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from drivers.printer.emulator.interpreter import EscposInterpreter, codepages_for
from drivers.smartcard.emulator import DEMO_CITIZEN, EmulatedCard, make_pki
from kiosk import bootstrap
from kiosk.flow.state import Screen
from kiosk.i18n import Translator
from kiosk.logsetup import configure_logging
from kiosk.settings import load_settings, valid_settings
from kiosk.ui.presenter import present
from tests.e2e.journey import ADDRESS, enter_pin, submit_residence, wait
from tests.e2e.privacy_scan import citizen_secrets, files_under, scan
from tests.fixtures.gateway import kiosk_client

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"
PIN = "90715384"  # long and unusual, so a hit in the privacy scan is a leak and not a coincidence
VERIFY = 0x20



def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _port(base_url: str) -> int:
    return int(base_url.rsplit(":", 1)[1])


@pytest.mark.pcsc
@pytest.mark.slow  # waits for the delivery worker's next try (30 s retry delay)
def test_offline_sign_in_then_delivery_through_pcscd(tmp_path, vpcd):
    log = io.StringIO()
    configure_logging("DEBUG", stream=log)
    pki = make_pki(variant="lv-ec")
    pki.save(tmp_path / "pki")
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    data["card_reader"] = {"mode": "pcsc", "emulated_pki_dir": str(tmp_path / "pki")}
    kiosk = bootstrap.build(valid_settings(data), workdir=tmp_path / "kiosk")
    gateway = kiosk.embedded_gateway
    kiosk.start()
    try:
        runtime = kiosk.runtime
        assert runtime.run_until(lambda s: s.catalogue is not None, 30)  # an answer from the gateway: clock checked
        assert kiosk.ports.auth.offline.guard.synced_since_boot()
        port = _port(gateway.base_url)
        gateway.stop()

        plug = vpcd(EmulatedCard("lv-ec", pki=pki, pin1=PIN))
        enter_pin(runtime, PIN)
        wait(runtime, Screen.CATALOGUE, timeout=60)
        session = runtime.state.session
        assert session.offline is not None and session.given_name == DEMO_CITIZEN.given_name
        notice = present(runtime.state, Translator("lv")).notice
        assert notice.startswith("Pašlaik nav savienojuma") and "nosūtīts automātiski" in notice
        submit_residence(kiosk)
        submission = runtime.state.submission
        assert submission.pending and submission.reference.startswith("P-") and len(submission.short_code) == 6
        assert runtime.state.printing.status == "printed"
        local_ref, local_code = submission.reference, submission.short_code

        transport = kiosk.ports.receipts.printer.transport
        settings = kiosk.settings.printer
        interpreter = EscposInterpreter(codepages_for(settings.codepage_slot, settings.codec))
        interpreter.feed(bytes(transport.printer.received))  # exactly the bytes the printer got
        text = interpreter.text()
        assert local_ref in text and "Pagaidu numurs (vēl nav nosūtīts)" in text and "J. B." in text
        assert local_code in text  # the local code opens the status once delivered
        assert interpreter.qr_payloads == [f"{kiosk.ports.submissions.status_base}/{local_ref}?c={local_code}"]

        plug.remove()
        wait(runtime, Screen.WELCOME, timeout=60)
        assert runtime.state.session is None

        outbox = kiosk.ports.submissions.outbox
        assert outbox.status(_now())["pending"] == 1
        gateway.start(port=port)
        deadline = time.monotonic() + 150  # the worker's next try comes within the retry delay (30 s)
        while outbox.status(_now())["delivered"] != 1 and time.monotonic() < deadline:
            time.sleep(1)
        status = outbox.status(_now())
        assert (status["delivered"], status["pending"], status["rejected"]) == (1, 0, 0), status

        rows = gateway.query("SELECT reference, session_ref, kind FROM submissions")
        assert len(rows) == 1  # exactly once
        reference, session_ref, kind = rows[0]
        assert session_ref.startswith("O") and kind == "citizen"
        (person,) = gateway.query("SELECT actor_hash, roles FROM sessions WHERE session_ref = ?", (session_ref,))
        assert person == (gateway.role_hash(DEMO_CITIZEN.personal_code), "citizen")  # the verified certificate's
        client = kiosk_client(gateway)
        assert client.pending_status(local_ref).reference is None  # the reference alone: only "delivered"
        pending = client.pending_status(local_ref, local_code)
        assert (pending.state, pending.reference) == ("delivered", reference)
        page = requests.get(f"{gateway.base_url}/s/{local_ref}?c={local_code}", timeout=5)
        assert reference in page.text and "Dzīvesvietas deklarēšana" in page.text
        client.close()

        certificate = pki.auth_der
        blobs = [("log", log.getvalue().encode("utf-8"))]
        blobs += files_under(kiosk.workdir, exclude=[kiosk.workdir / "gateway"])
    finally:
        kiosk.close()
        configure_logging("INFO")
        logging.getLogger().handlers[:] = []
    assert "auth_ok_offline" in log.getvalue()
    assert scan(blobs, citizen_secrets(PIN, certificate, ADDRESS["street"], ADDRESS["city"])) == []


@pytest.mark.slow
def test_offline_sign_in_is_refused_without_a_clock_check(tmp_path):
    kiosk = bootstrap.build(load_settings(CONFIG), workdir=tmp_path / "kiosk")
    kiosk.embedded_gateway.stop()  # down before the kiosk ever heard from it: no clock check this boot
    kiosk.start()
    try:
        runtime = kiosk.runtime
        assert not kiosk.ports.auth.offline.guard.synced_since_boot()
        card = kiosk.emulation.citizen_card()
        kiosk.emulation.insert(card)
        enter_pin(runtime)
        assert runtime.run_until(lambda s: s.screen == Screen.PIN and s.problem is not None, 30)
        assert runtime.state.problem == "offline_auth_unavailable" and runtime.state.session is None
        assert not [h for h in card.log if h[1] == VERIFY]  # the PIN never went to the card
        en = present(replace(runtime.state, language="en"), Translator("en"))
        assert "clock has not been checked" in en.notice
    finally:
        kiosk.close()
