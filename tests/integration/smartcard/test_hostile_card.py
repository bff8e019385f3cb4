"""Hostile card data through pcscd: a certificate whose FCP claims more than READ BINARY can reach
and a CDF with a 300-byte path end early in card_data_invalid, and the exclusive PC/SC connection
is released — the genuine card inserted next, in the same kiosk process, signs in."""

from __future__ import annotations

import pytest

from drivers.smartcard.emulator import CardFaults, EmulatedCard
from kiosk.flow.state import Screen
from tests.e2e.journey import enter_pin, wait

pytestmark = pytest.mark.pcsc


@pytest.mark.parametrize("hostile", ["cert-size", "cdf-path"])
def test_hostile_card_then_a_genuine_one_in_one_session(pcsc_kiosk, ec_pki, vpcd, hostile):
    runtime = pcsc_kiosk.runtime
    bad = EmulatedCard("lv-ec", pki=ec_pki[0], faults=CardFaults(hostile=hostile))
    plug = vpcd(bad)
    wait(runtime, Screen.CARD_PROBLEM, 60)
    assert runtime.state.problem == "card_data_invalid"
    assert not any(header[1] == 0xB0 and header[2] >= 0x80 for header in bad.log)  # no read past 0x7FFF
    plug.remove()
    wait(runtime, Screen.WELCOME, 60)
    vpcd(EmulatedCard("lv-ec", pki=ec_pki[0]))
    enter_pin(runtime)
    wait(runtime, Screen.CATALOGUE, 60)  # not reader_busy: the hostile card's connection was released
