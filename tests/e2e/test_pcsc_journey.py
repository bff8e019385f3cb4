"""The kiosk (composition root, runtime, flow) with a card behind the real PC/SC stack:
pcscd + the vsmartcard vpcd driver + our emulator speaking the vpcd protocol."""

import tomllib
from pathlib import Path

import pytest

from drivers.smartcard.emulator import EmulatedCard, make_pki
from kiosk import bootstrap
from kiosk.flow import events as ev
from kiosk.flow.state import Screen
from kiosk.settings import valid_settings
from tests.e2e.journey import submit_residence, wait

CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.toml"

pytestmark = pytest.mark.pcsc


def test_citizen_journey_through_pcscd(tmp_path, vpcd):
    pki = make_pki(variant="lv-ec")
    pki.save(tmp_path / "pki")
    data = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    data["card_reader"] = {"mode": "pcsc", "emulated_pki_dir": str(tmp_path / "pki")}
    kiosk = bootstrap.build(valid_settings(data), workdir=tmp_path / "kiosk")
    kiosk.start()
    try:
        runtime = kiosk.runtime
        runtime.run_until(lambda s: s.catalogue is not None, 30)
        plug = vpcd(EmulatedCard("lv-ec", pki=pki))
        wait(runtime, Screen.PIN, timeout=60)
        assert runtime.state.card.card_type and runtime.state.card.pin_tries_left == 3
        for digit in "1234":
            runtime.press_pin_digit(digit)
        runtime.run_until(lambda s: s.pin_length == 4, 5)
        runtime.post(ev.PinConfirm())
        wait(runtime, Screen.CATALOGUE, timeout=60)
        submit_residence(kiosk)
        assert not runtime.state.submission.pending and runtime.state.printing.status == "printed"
        plug.remove()
        wait(runtime, Screen.WELCOME, timeout=60)
        assert runtime.state.session is None
    finally:
        kiosk.close()
